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
      {"num_generations", 8, "samples per prompt (G)"},
      {"prompts_per_step", 16, "prompts per RL step (B)"},
      {"max_steps", 60, "RL steps"},
      {"learning_rate", 3e-4, "AdamW learning rate"},
      {"lr_scheduler", "constant", "constant, cosine or linear"},
      {"warmup_steps", 0, "linear warm-up steps"},
      {"weight_decay", 0.0, "AdamW weight decay"},
      {"max_grad_norm", 1.0, "global gradient-norm clip (0: off)"},
      {"beta", 0.0,
       grpo ? "k3 KL weight to the reference policy in the loss (0: no reference model)"
            : "k1 KL penalty per token in the reward (0: no reference model)"},
      {"ref_reset_steps", 0, "reset the reference to the policy every K steps (0: never)"},
      {"epsilon", 0.2, "ratio clip below: 1 − epsilon"},
      {"epsilon_high", 0.2, "ratio clip above: 1 + epsilon_high"},
      {"loss_type", grpo ? "grpo" : "dapo",
       "policy-loss aggregation: grpo (1/|o| per sequence), dapo (token level) or dr_grpo"},
      {"num_iterations", 1, "μ: optimisation passes over each rollout batch"},
      {"num_mini_batches", 1, "optimizer steps per pass (the batch split into mini-batches)"},
      {"micro_batch_size", 32, "sequences per forward/backward (gradient accumulation)"},
      {"rollout_activations_mb", 4096,
       "memory for the activations generation computes, which the step's first update reuses "
       "instead of recomputing its forward (0: recompute)"},
      {"temperature", 1.0, "sampling temperature of rollouts (the loss uses the same)"},
      {"top_p", 1.0, "rollout nucleus sampling"},
      {"top_k", 0, "rollout top-k (0: off)"},
      {"max_prompt_length", 128, "prompt tokens at most (longer prompts are an error)"},
      {"max_completion_length", 128, "completion tokens at most"},
      {"stop", json::array({"</answer>"}), "stop strings (kept in the completion)"},
      {"mask_truncated_completions", false, "no loss on completions cut by the length limit"},
      {"entropy_coef", 0.0, "entropy bonus weight"},
      {"seed", 1, "random seed (prompts, sampling, initialisation)"},
      {"threads", 0, "threads (0: all cores)"},
      {"eval_every", 10, "held-out evaluation every N steps (0: never)"},
      {"eval_prompts", 128, "held-out problems per evaluation"},
      {"eval_temperature", 0.6, "held-out sampling temperature (paper: 0.6)"},
      {"eval_top_p", 0.95, "held-out nucleus sampling (paper: 0.95)"},
      {"checkpoint_every", 20, "steps between checkpoints (0: only at the end)"},
      {"samples_per_step", 4, "rollouts per step written to samples.jsonl"},
  });
  if (grpo) {
    keys.push_back(
        {"scale_rewards", true, "divide group-centred rewards by their std (false: Dr.GRPO)"});
    keys.push_back(
        {"dynamic_sampling", false, "drop groups whose rewards are all equal and draw more"});
  } else {
    keys.push_back({"gamma", 1.0, "GAE discount γ"});
    keys.push_back({"lam", 0.95, "GAE λ (R1 v2: PPO approaches GRPO only at λ = 1)"});
    keys.push_back({"vf_coef", 0.1, "value-loss coefficient"});
    keys.push_back({"cliprange_value", 0.2, "value clip: |V − V_old| ≤ cliprange_value (0: off)"});
    keys.push_back({"critic_learning_rate", 3e-4, "critic AdamW learning rate (same schedule)"});
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
