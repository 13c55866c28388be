#include "rl/grpo_trainer.h"

#include <algorithm>

#include "core/check.h"
#include "rl/grpo_loss.h"

namespace r1 {

namespace {

class Grpo : public RlAlgorithm {
 public:
  explicit Grpo(const Config& cfg)
      : G_(cfg.get<int64_t>("num_generations")),
        iterations_(cfg.get<int64_t>("num_iterations")),
        mini_batches_(cfg.get<int64_t>("num_mini_batches")),
        scale_(cfg.get<bool>("scale_rewards")),
        dynamic_(cfg.get<bool>("dynamic_sampling")) {
    R1_CHECK(G_ >= 2, "num_generations must be at least 2 for group-relative advantages");
    loss_.epsilon = cfg.get<double>("epsilon");
    loss_.epsilon_high = cfg.get<double>("epsilon_high");
    loss_.beta = cfg.get<double>("beta");
    loss_.entropy_coef = cfg.get<double>("entropy_coef");
    loss_.loss_type = cfg.get<std::string>("loss_type");
    loss_.max_completion_length = cfg.get<int64_t>("max_completion_length");
  }

  std::string name() const override { return "grpo"; }
  bool drop_uniform_groups() const override { return dynamic_; }
  void update(const RlContext& ctx, std::vector<Rollout>& rollouts, double lr,
              nlohmann::json& metrics) override;

 private:
  int64_t G_, iterations_, mini_batches_;
  bool scale_, dynamic_;
  GrpoLossConfig loss_;
};

void Grpo::update(const RlContext& ctx, std::vector<Rollout>& rollouts, double lr,
                  nlohmann::json& metrics) {
  std::vector<float> rewards;
  for (const Rollout& r : rollouts) rewards.push_back(float(r.scored.reward));
  const std::vector<float> adv = group_advantages(rewards, G_, scale_);
  for (size_t i = 0; i < rollouts.size(); ++i) rollouts[i].advantage = adv[i];

  const int64_t micro = ctx.micro_batch, T = ctx.trainer.graph().max_seq();
  const int64_t n = int64_t(rollouts.size());
  const int64_t mini_batches = std::min<int64_t>(mini_batches_, n);
  const bool beta = loss_.beta != 0.0;
  TrainingGraph& graph = ctx.trainer.graph();
  PackedRollouts batch;
  std::vector<float> old(size_t(micro * T)), ref(size_t(micro * T)), dlogp(size_t(micro * T)),
      dent(size_t(micro * T));
  double loss_sum = 0, kl_sum = 0, clip_sum = 0, entropy_sum = 0;
  int64_t loss_parts = 0;
  UpdateLog log;
  for (int64_t it = 0; it < iterations_; ++it) {
    for (int64_t mb = 0; mb < mini_batches; ++mb) {
      const int64_t mb_begin = n * mb / mini_batches, mb_end = n * (mb + 1) / mini_batches;
      int64_t tokens = 0;
      for (int64_t r = mb_begin; r < mb_end; ++r)
        if (!(ctx.mask_truncated && rollouts[size_t(r)].truncated))
          tokens += int64_t(rollouts[size_t(r)].completion.size());
      double loss = 0;
      for (int64_t b = mb_begin; b < mb_end; b += micro) {
        const int64_t e = std::min(mb_end, b + micro);
        pack_rollouts(rollouts, b, e, ctx.mask_truncated, micro * T, batch, old.data());
        const int64_t rows_T = batch.T;
        if (beta)
          for (const CompletionSpan& s : batch.spans) {
            const std::vector<float>& r = rollouts[size_t(b + s.rollout)].ref_logprobs;
            std::copy(r.begin(), r.end(), ref.begin() + s.row * rows_T + s.begin);
          }
        ctx.forward_policy(batch, it == 0 && mb == 0, log);
        std::fill(dlogp.begin(), dlogp.end(), 0.0f);
        std::fill(dent.begin(), dent.end(), 0.0f);
        const GrpoLossStats st =
            grpo_loss(loss_, batch.spans, rows_T, graph.logprobs(), graph.entropy(), old.data(),
                      beta ? ref.data() : nullptr, mb_end - mb_begin, std::max<int64_t>(1, tokens),
                      dlogp.data(), dent.data());
        graph.backward(ctx.policy, dlogp.data(), loss_.entropy_coef != 0 ? dent.data() : nullptr,
                       ctx.trainer.grads().data());
        loss += st.loss;
        kl_sum += st.kl_mean;
        clip_sum += st.clip_fraction;
        entropy_sum += st.entropy_mean;
        ++loss_parts;
      }
      ctx.apply(ctx.trainer, "policy", loss, lr, log);
      loss_sum += loss;
    }
  }
  const double updates = double(std::max<int64_t>(1, log.updates));
  const double parts = double(std::max<int64_t>(1, loss_parts));
  metrics["loss"] = loss_sum / updates;
  metrics["grad_norm"] = log.grad_norm_sum / updates;
  metrics["kl"] = kl_sum / parts;
  metrics["clip_fraction"] = clip_sum / parts;
  metrics["entropy"] = entropy_sum / parts;
  metrics["forward_from_generation"] = log.forward_from_generation();
  metrics["skipped_updates"] = log.skipped;
  if (log.skipped > 0) metrics["skip_reason"] = log.skip_reason;
}

}  // namespace

GrpoResult run_grpo(const Config& config, Model& policy, const Tokenizer& tokenizer,
                    const std::string& run_dir, bool resume, const RlHooks& hooks) {
  Grpo grpo(config);
  return run_rl(config, policy, tokenizer, run_dir, resume, grpo, hooks);
}

}  // namespace r1
