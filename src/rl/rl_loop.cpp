#include "rl/rl_loop.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include "core/check.h"
#include "core/file_io.h"
#include "core/progress.h"
#include "train/metrics.h"

namespace r1 {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

class RlRun {
 public:
  RlRun(const Config& cfg, Model& policy, const Tokenizer& tok, std::string run_dir,
        RlAlgorithm& algorithm, const RlHooks& hooks)
      : cfg_(cfg),
        policy_(policy),
        run_dir_(std::move(run_dir)),
        algorithm_(algorithm),
        hooks_(hooks),
        seed_(cfg.get<uint64_t>("seed")),
        G_(cfg.get<int64_t>("num_generations")),
        B_(cfg.get<int64_t>("prompts_per_step")),
        max_prompt_(cfg.get<int64_t>("max_prompt_length")),
        max_completion_(cfg.get<int64_t>("max_completion_length")),
        micro_(cfg.get<int64_t>("micro_batch_size")),
        recorded_((B_ * G_ + cfg.get<int64_t>("num_mini_batches") - 1) /
                  cfg.get<int64_t>("num_mini_batches")),
        temperature_(cfg.get<float>("temperature")),
        trainer_(policy, {0.9, 0.99, 1e-8, cfg.get<double>("weight_decay")},
                 cfg.get<double>("max_grad_norm"), micro_, max_prompt_ + max_completion_),
        engine_(cfg, policy, tok) {
    R1_CHECK(max_prompt_ + max_completion_ + 1 <= policy.config().max_position_embeddings,
             "max_prompt_length + max_completion_length ({}) exceeds the model's context ({})",
             max_prompt_ + max_completion_, policy.config().max_position_embeddings);
    schedule_ = {cfg.get<double>("learning_rate"), cfg.get<int64_t>("warmup_steps"),
                 cfg.get<int64_t>("max_steps"), cfg.get<std::string>("lr_scheduler"), 0.1};
    if (cfg.get<double>("beta") != 0.0) reference_ = std::make_unique<Model>(policy);
  }

  RlResult run(bool resume);

 private:
  nlohmann::json evaluate();
  void reference_logprobs(std::vector<Rollout>& rollouts);
  std::vector<CheckpointPart> checkpoint_parts() const;

  const Config& cfg_;
  Model& policy_;
  std::string run_dir_;
  RlAlgorithm& algorithm_;
  const RlHooks& hooks_;
  uint64_t seed_;
  int64_t G_, B_, max_prompt_, max_completion_, micro_;
  // Rollouts whose generation activations are kept: only the first mini-batch
  // of the first pass (the weights that generated them) reads them, and it
  // takes the first ⌊n / num_mini_batches⌋ of the step's n ≤ B·G rollouts.
  int64_t recorded_;
  float temperature_;
  Trainer trainer_;
  RolloutEngine engine_;
  LrSchedule schedule_;
  std::unique_ptr<Model> reference_;  // only when β ≠ 0
};

// The reference log-prob of every completion token, in micro-batches.
void RlRun::reference_logprobs(std::vector<Rollout>& rollouts) {
  const int64_t n = int64_t(rollouts.size()), T = max_prompt_ + max_completion_;
  PackedRollouts batch;
  TrainingGraph& graph = trainer_.graph();
  for (int64_t b = 0; b < n; b += micro_) {
    const int64_t e = std::min(n, b + micro_);
    pack_rollouts(rollouts, b, e, false, micro_ * T, batch, nullptr);
    graph.forward(*reference_, batch.ids.data(), batch.targets.data(), batch.rows, batch.T,
                  temperature_, batch.packing());
    for (const CompletionSpan& s : batch.spans) {
      const float* lp = graph.logprobs() + s.row * batch.T + s.begin;
      rollouts[size_t(b + s.rollout)].ref_logprobs.assign(lp, lp + s.length);
    }
  }
}

nlohmann::json RlRun::evaluate() {
  const int64_t n = cfg_.get<int64_t>("eval_prompts");
  std::vector<Problem> problems;
  for (int64_t i = 0; i < n; ++i)
    problems.push_back(engine_.tasks().draw(seed_ + 1, uint64_t(i), Split::test));
  SamplingParams sampling{cfg_.get<float>("eval_temperature"), 0, cfg_.get<float>("eval_top_p")};
  // Request ids far from the training ones; the same every evaluation, so
  // held-out numbers differ only through the policy.
  double generate_s = 0, reward_s = 0;
  const auto rollouts =
      engine_.rollout(problems, 1, uint64_t(1) << 62, sampling, generate_s, reward_s);
  const RolloutStats s = summarize(rollouts);
  return {{"heldout_accuracy", s.accuracy},
          {"heldout_response_length", s.length_mean},
          {"heldout_reflection_rate", s.reflection_rate},
          {"heldout_language_mixing_rate", s.mixing_rate}};
}

std::vector<CheckpointPart> RlRun::checkpoint_parts() const {
  std::vector<CheckpointPart> parts = algorithm_.checkpoint_parts();
  if (reference_) parts.push_back({"reference", reference_.get(), nullptr});
  return parts;
}

RlResult RlRun::run(bool resume) {
  make_dirs(run_dir_);
  const int64_t max_steps = cfg_.get<int64_t>("max_steps");
  const int64_t eval_every = cfg_.get<int64_t>("eval_every");
  const int64_t checkpoint_every = cfg_.get<int64_t>("checkpoint_every");
  const int64_t ref_reset = cfg_.get<int64_t>("ref_reset_steps");
  const int64_t samples_per_step = cfg_.get<int64_t>("samples_per_step");
  const bool dynamic = algorithm_.drop_uniform_groups();
  int64_t start = 0;
  if (resume) {
    if (auto dir = latest_checkpoint(run_dir_)) {
      start = load_checkpoint(*dir, policy_, trainer_.optimizer()).step;
      if (reference_) load_checkpoint_part(*dir, "reference", *reference_, nullptr);
      algorithm_.load_checkpoint_parts(*dir);
      fmt::print(stderr, "resuming from {} (step {})\n", *dir, start);
    }
  }
  write_file_atomic(run_dir_ + "/config.json", cfg_.resolved().dump(2) + "\n");
  MetricsLog metrics(run_dir_ + "/metrics.jsonl", start);
  MetricsLog samples(run_dir_ + "/samples.jsonl", start);
  RlResult result;
  Progress progress(algorithm_.name(), max_steps, start);
  RlContext ctx{cfg_,  policy_, trainer_,     hooks_,
                start, micro_,  temperature_, cfg_.get<bool>("mask_truncated_completions")};
  for (int64_t step = start; step < max_steps; ++step) {
    nlohmann::json line = {{"step", step + 1}};
    if (reference_ && ref_reset > 0 && step > 0 && step % ref_reset == 0)
      std::copy(policy_.data(), policy_.data() + policy_.num_params(), reference_->data());
    if (eval_every > 0 && step % eval_every == 0) {
      const auto t_eval = Clock::now();
      const nlohmann::json e = evaluate();
      line.update(e);
      line["time_eval_s"] = seconds_since(t_eval);
      if (result.first_heldout_accuracy < 0) {
        result.first_heldout_accuracy = e["heldout_accuracy"];
        result.first_heldout_length = e["heldout_response_length"];
      }
      result.last_heldout_accuracy = e["heldout_accuracy"];
      result.last_heldout_length = e["heldout_response_length"];
    }
    const auto t_step = Clock::now();
    // Draw prompts; with dynamic sampling, groups without reward variance are
    // dropped and more prompts drawn (a bounded number of rounds).
    std::vector<Rollout> rollouts;
    ActivationStore* activations = engine_.activations();
    if (activations) activations->clear();  // the last step's are stale
    int64_t drawn = 0, dropped = 0;
    double time_generate = 0, time_reward = 0;
    const SamplingParams sampling{temperature_, cfg_.get<int>("top_k"), cfg_.get<float>("top_p")};
    for (int round = 0; round < (dynamic ? 4 : 1) && int64_t(rollouts.size()) < B_ * G_; ++round) {
      std::vector<Problem> problems;
      const int64_t want = B_ - int64_t(rollouts.size()) / G_;
      for (int64_t i = 0; i < want; ++i)
        problems.push_back(engine_.tasks().draw(
            seed_, uint64_t(step) * 1000003ULL + uint64_t(drawn++), Split::train));
      auto batch = engine_.rollout(
          problems, G_, (uint64_t(step) * 1000003ULL + uint64_t(drawn)) * 64, sampling,
          time_generate, time_reward, recorded_ - int64_t(rollouts.size()));
      for (size_t g = 0; g < batch.size(); g += size_t(G_)) {
        bool varied = false;
        for (int64_t i = 1; i < G_; ++i)
          varied = varied || batch[g + size_t(i)].scored.reward != batch[g].scored.reward;
        if (dynamic && !varied) {
          ++dropped;
          continue;
        }
        rollouts.insert(rollouts.end(), batch.begin() + int64_t(g),
                        batch.begin() + int64_t(g) + G_);
      }
    }
    const RolloutStats stats = summarize(rollouts);
    const auto t_train = Clock::now();
    const double lr = schedule_.at(step);
    ctx.step = step;
    ctx.activations = activations;
    if (!rollouts.empty()) {
      if (reference_) reference_logprobs(rollouts);
      algorithm_.update(ctx, rollouts, lr, line);
    }
    const double time_train = seconds_since(t_train);
    int64_t tokens = 0, prompt_tokens = 0;
    for (const Rollout& r : rollouts) {
      tokens += int64_t(r.completion.size());
      prompt_tokens += int64_t(r.prompt.size());
    }
    line.update({{"reward_mean", stats.reward_mean},
                 {"reward_std", stats.reward_std},
                 {"accuracy", stats.accuracy},
                 {"format_rate", stats.format_rate},
                 {"response_length_mean", stats.length_mean},
                 {"response_length_max", stats.length_max},
                 {"reflection_rate", stats.reflection_rate},
                 {"language_mixing_rate", stats.mixing_rate},
                 {"lr", lr},
                 {"groups_dropped", dropped},
                 {"time_generate_s", time_generate},
                 {"time_reward_s", time_reward},
                 {"time_train_s", time_train},
                 {"time_step_s", seconds_since(t_step)},
                 {"prompt_tokens", prompt_tokens},
                 {"completion_tokens", tokens},
                 {"tokens_per_s", double(tokens) / std::max(1e-9, time_generate + time_train)},
                 {"peak_rss_mb", peak_rss_mb()}});
    metrics.append(line);
    for (int64_t i = 0; i < std::min<int64_t>(samples_per_step, int64_t(rollouts.size())); ++i) {
      const Rollout& r = rollouts[size_t(i * G_ % int64_t(rollouts.size()))];
      samples.append({{"step", step + 1},
                      {"prompt", r.problem.prompt},
                      {"completion", r.text},
                      {"reward", r.scored.reward},
                      {"reason", r.scored.reason},
                      {"advantage", r.advantages.empty() ? r.advantage : r.advantages.front()}});
    }
    const bool last = step + 1 == max_steps;
    if (last || (checkpoint_every > 0 && (step + 1) % checkpoint_every == 0))
      save_checkpoint(run_dir_, policy_, trainer_.optimizer(), {step + 1, {}}, 2,
                      checkpoint_parts());
    result.steps = step + 1;
    progress.update(step + 1, fmt::format("reward {:.3f} acc {:.2f} len {:.1f}", stats.reward_mean,
                                          stats.accuracy, stats.length_mean));
  }
  if (eval_every > 0) {
    const nlohmann::json e = evaluate();
    result.last_heldout_accuracy = e["heldout_accuracy"];
    result.last_heldout_length = e["heldout_response_length"];
    nlohmann::json final_line = {{"step", max_steps}, {"final", true}};
    final_line.update(e);
    write_file_atomic(run_dir_ + "/final_eval.json", final_line.dump(2) + "\n");
  }
  progress.finish(eval_every > 0
                      ? fmt::format("held-out accuracy {:.3f} → {:.3f}, length {:.1f} → {:.1f}",
                                    result.first_heldout_accuracy, result.last_heldout_accuracy,
                                    result.first_heldout_length, result.last_heldout_length)
                      : "done");
  return result;
}

}  // namespace

StepStats RlContext::apply(Trainer& t, const std::string& model, double loss, double lr,
                           UpdateLog& log) const {
  if (hooks.before_update) hooks.before_update(model, step, t.grads());
  const StepStats stats = t.apply(loss, lr);
  ++log.updates;
  log.grad_norm_sum += stats.grad_norm;
  if (stats.skipped) {
    ++log.skipped;
    if (log.skip_reason.empty()) log.skip_reason = model + ": " + stats.skip_reason;
    fmt::print(stderr, "warning: step {}: {} update skipped: {}\n", step + 1, model,
               stats.skip_reason);
  }
  return stats;
}

void RlContext::forward_policy(const PackedRollouts& batch, bool first, UpdateLog& log) const {
  ++log.forwards;
  if (forward_rollouts(trainer.graph(), policy, batch, temperature, first ? activations : nullptr))
    ++log.forwards_recorded;
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

RlResult run_rl(const Config& cfg, Model& policy, const Tokenizer& tokenizer,
                const std::string& run_dir, bool resume, RlAlgorithm& algorithm,
                const RlHooks& hooks) {
  RlRun run(cfg, policy, tokenizer, run_dir, algorithm, hooks);
  return run.run(resume);
}

}  // namespace r1
