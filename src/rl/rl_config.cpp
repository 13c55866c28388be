#include "rl/rl_config.h"

namespace r1 {

namespace {

enum class Algorithm { grpo, ppo };

std::vector<ConfigKey> rl_keys(Algorithm algorithm) {
  using nlohmann::json;
  const bool grpo = algorithm == Algorithm::grpo;
  std::vector<ConfigKey> keys({
      {"model", "builtin", "base model directory, or 'builtin' for the built-in base model"},
      {"tasks", json::array({json{{"name", "arithmetic"}, {"weight", 1.0}}}),
       "built-in tasks to sample prompts from: [{name, weight, options}]"},
      {"template", "r1_zero_short", "prompt template: r1_zero (verbatim) or r1_zero_short"},
      {"rewards",
       json::array({json{{"name", "accuracy"},
                         {"weight", 1.0},
                         {"options", {{"math", {{"extract", {"answer_tag", "boxed"}}}}}}},
                    json{{"name", "format"}, {"weight", 0.1}}}),
       "weighted rewards; 'accuracy' is each problem's own rule (math, countdown)"},
      {"num_generations", 8, "samples per prompt (G)", at_least(1)},
      {"prompts_per_step", 16, "prompts per RL step (B)", at_least(1)},
      {"max_steps", 60, "RL steps", at_least(0)},
      {"learning_rate", 3e-4, "AdamW learning rate", at_least(0)},
      {"lr_scheduler", "constant", "constant, cosine or linear"},
      {"warmup_steps", 0, "linear warm-up steps", at_least(0)},
      {"weight_decay", 0.0, "AdamW weight decay", at_least(0)},
      {"max_grad_norm", 1.0, "global gradient-norm clip (0: off)", at_least(0)},
      {"beta", 0.0,
       grpo ? "k3 KL weight to the reference policy in the loss (0: no reference model)"
            : "k1 KL penalty per token in the reward (0: no reference model)",
       at_least(0)},
      {"ref_reset_steps", 0, "reset the reference to the policy every K steps (0: never)",
       at_least(0)},
      {"epsilon", 0.2, "ratio clip below: 1 − epsilon", between(0, 1)},
      {"epsilon_high", 0.2, "ratio clip above: 1 + epsilon_high", at_least(0)},
      {"loss_type", grpo ? "grpo" : "dapo",
       "policy-loss aggregation: grpo (1/|o| per sequence), dapo (token level) or dr_grpo"},
      {"num_iterations", 1, "μ: optimisation passes over each rollout batch", at_least(1)},
      {"num_mini_batches", 1, "optimizer steps per pass (the batch split into mini-batches)",
       at_least(1)},
      {"micro_batch_size", 32, "sequences per forward/backward (gradient accumulation)",
       at_least(1)},
      {"rollout_activations_mb", 4096,
       "memory for the activations generation computes, which the step's first update reuses "
       "instead of recomputing its forward (0: recompute)",
       between(0, 1 << 30)},
      {"temperature", 1.0, "sampling temperature of rollouts (the loss uses the same)", above(0)},
      {"top_p", 1.0, "rollout nucleus sampling", Range{0, 1, true}},
      {"top_k", 0, "rollout top-k (0: off)", at_least(0)},
      {"max_prompt_length", 128, "prompt tokens at most (longer prompts are an error)",
       at_least(1)},
      {"max_completion_length", 128, "completion tokens at most", at_least(1)},
      {"stop", json::array({"</answer>"}), "stop strings (kept in the completion)"},
      {"mask_truncated_completions", false, "no loss on completions cut by the length limit"},
      {"entropy_coef", 0.0, "entropy bonus weight"},
      {"seed", 1, "random seed (prompts, sampling, initialisation)"},
      {"threads", 0, "threads (0: all cores)", at_least(0)},
      {"eval_every", 10, "held-out evaluation every N steps (0: never)", at_least(0)},
      {"eval_prompts", 128, "held-out problems per evaluation", at_least(1)},
      {"eval_temperature", 0.6, "held-out sampling temperature (paper: 0.6; 0: greedy)",
       at_least(0)},
      {"eval_top_p", 0.95, "held-out nucleus sampling (paper: 0.95)", Range{0, 1, true}},
      {"checkpoint_every", 20, "steps between checkpoints (0: only at the end)", at_least(0)},
      {"samples_per_step", 4, "rollouts per step written to samples.jsonl", at_least(0)},
  });
  if (grpo) {
    keys.push_back(
        {"scale_rewards", true, "divide group-centred rewards by their std (false: Dr.GRPO)"});
    keys.push_back(
        {"dynamic_sampling", false, "drop groups whose rewards are all equal and draw more"});
  } else {
    keys.push_back({"gamma", 1.0, "GAE discount γ", between(0, 1)});
    keys.push_back(
        {"lam", 0.95, "GAE λ (R1 v2: PPO approaches GRPO only at λ = 1)", between(0, 1)});
    keys.push_back({"vf_coef", 0.1, "value-loss coefficient", at_least(0)});
    keys.push_back({"cliprange_value", 0.2, "value clip: |V − V_old| ≤ cliprange_value (0: off)",
                    at_least(0)});
    keys.push_back(
        {"critic_learning_rate", 3e-4, "critic AdamW learning rate (same schedule)", at_least(0)});
    keys.push_back({"whiten_advantages", true, "normalise advantages over the batch's tokens"});
  }
  return keys;
}

}  // namespace

Config grpo_config_schema() {
  return Config(rl_keys(Algorithm::grpo));
}

Config ppo_config_schema() {
  return Config(rl_keys(Algorithm::ppo));
}

}  // namespace r1
