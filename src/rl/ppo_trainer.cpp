#include "rl/ppo_trainer.h"

#include <algorithm>

#include "core/check.h"
#include "model/scalar_head.h"
#include "rl/grpo_loss.h"
#include "rl/ppo_loss.h"

namespace r1 {

namespace {

class Ppo : public RlAlgorithm {
 public:
  Ppo(const Config& cfg, const Model& policy)
      : critic_(scalar_model_from(policy)),
        // The critic borrows the policy's training graph (same trunk shape,
        // used one after the other), so its own Trainer holds no activations.
        critic_trainer_(
            critic_, {0.9, 0.99, 1e-8, cfg.get<double>("weight_decay")},
            cfg.get<double>("max_grad_norm"), 0,
            cfg.get<int64_t>("max_prompt_length") + cfg.get<int64_t>("max_completion_length")),
        head_(cfg.get<int64_t>("micro_batch_size") * (cfg.get<int64_t>("max_prompt_length") +
                                                      cfg.get<int64_t>("max_completion_length")),
              policy.config().hidden_size),
        iterations_(cfg.get<int64_t>("num_iterations")),
        mini_batches_(cfg.get<int64_t>("num_mini_batches")),
        beta_(cfg.get<double>("beta")),
        gamma_(cfg.get<double>("gamma")),
        lam_(cfg.get<double>("lam")),
        vf_coef_(cfg.get<double>("vf_coef")),
        cliprange_value_(cfg.get<double>("cliprange_value")),
        whiten_(cfg.get<bool>("whiten_advantages")) {
    R1_CHECK(gamma_ >= 0 && gamma_ <= 1, "gamma must lie in [0, 1] (got {})", gamma_);
    R1_CHECK(lam_ >= 0 && lam_ <= 1, "lam must lie in [0, 1] (got {})", lam_);
    R1_CHECK(cliprange_value_ >= 0, "cliprange_value must not be negative (got {})",
             cliprange_value_);
    loss_.epsilon = cfg.get<double>("epsilon");
    loss_.epsilon_high = cfg.get<double>("epsilon_high");
    loss_.beta = 0.0;  // PPO's KL is in the reward, not the loss
    loss_.entropy_coef = cfg.get<double>("entropy_coef");
    loss_.loss_type = cfg.get<std::string>("loss_type");
    loss_.max_completion_length = cfg.get<int64_t>("max_completion_length");
    critic_schedule_ = {cfg.get<double>("critic_learning_rate"), cfg.get<int64_t>("warmup_steps"),
                        cfg.get<int64_t>("max_steps"), cfg.get<std::string>("lr_scheduler"), 0.1};
  }

  std::string name() const override { return "ppo"; }
  void update(const RlContext& ctx, std::vector<Rollout>& rollouts, double lr,
              nlohmann::json& metrics) override;
  std::vector<CheckpointPart> checkpoint_parts() const override {
    return {{"critic", &critic_, &critic_trainer_.optimizer()}};
  }
  void load_checkpoint_parts(const std::string& dir) override {
    load_checkpoint_part(dir, "critic", critic_, &critic_trainer_.optimizer());
  }

 private:
  Model critic_;
  Trainer critic_trainer_;
  ScalarHead head_;
  int64_t iterations_, mini_batches_;
  double beta_, gamma_, lam_, vf_coef_, cliprange_value_;
  bool whiten_;
  GrpoLossConfig loss_;
  LrSchedule critic_schedule_;
};

void Ppo::update(const RlContext& ctx, std::vector<Rollout>& rollouts, double lr,
                 nlohmann::json& metrics) {
  const int64_t micro = ctx.micro_batch, T = ctx.trainer.graph().max_seq();
  const int64_t n = int64_t(rollouts.size());
  TrainingGraph& graph = ctx.trainer.graph();
  PackedRollouts batch;
  std::vector<float> old(size_t(micro * T)), dlogp(size_t(micro * T)), dent(size_t(micro * T)),
      old_v(size_t(micro * T)), ret(size_t(micro * T)), dv(size_t(micro * T));

  // Values of the rollout tokens under the critic before this step's updates.
  std::vector<std::vector<float>> values(static_cast<size_t>(n)), returns(static_cast<size_t>(n));
  for (int64_t b = 0; b < n; b += micro) {
    const int64_t e = std::min(n, b + micro);
    pack_rollouts(rollouts, b, e, false, micro * T, batch, nullptr);
    head_.forward(graph, critic_, batch.ids.data(), batch.rows, batch.T, batch.packing());
    for (const CompletionSpan& s : batch.spans) {
      const float* v = head_.values() + s.row * batch.T + s.begin;
      values[size_t(b + s.rollout)].assign(v, v + s.length);
    }
  }

  // Per-token rewards, GAE, whitening; statistics over the trained tokens.
  double kl_sum = 0;
  int64_t kl_tokens = 0;
  std::vector<float> flat_adv, flat_values, flat_returns;
  auto trained = [&](const Rollout& r) { return !(ctx.mask_truncated && r.truncated); };
  for (int64_t i = 0; i < n; ++i) {
    Rollout& r = rollouts[size_t(i)];
    const int64_t L = int64_t(r.completion.size());
    const std::vector<float> rewards =
        token_rewards(r.scored.reward, r.logprobs.data(),
                      beta_ != 0.0 ? r.ref_logprobs.data() : nullptr, L, beta_);
    r.advantages.assign(size_t(L), 0.0f);
    returns[size_t(i)].assign(size_t(L), 0.0f);
    gae(rewards.data(), values[size_t(i)].data(), L, gamma_, lam_, r.advantages.data(),
        returns[size_t(i)].data());
    if (!trained(r)) continue;
    flat_adv.insert(flat_adv.end(), r.advantages.begin(), r.advantages.end());
    flat_values.insert(flat_values.end(), values[size_t(i)].begin(), values[size_t(i)].end());
    flat_returns.insert(flat_returns.end(), returns[size_t(i)].begin(), returns[size_t(i)].end());
    if (beta_ != 0.0)
      for (int64_t t = 0; t < L; ++t, ++kl_tokens)
        kl_sum += double(r.logprobs[size_t(t)]) - double(r.ref_logprobs[size_t(t)]);
  }
  if (whiten_) {
    whiten(flat_adv);
    size_t k = 0;
    for (Rollout& r : rollouts)
      if (trained(r))
        for (float& a : r.advantages) a = flat_adv[k++];
  }
  double value_mean = 0;
  for (float v : flat_values) value_mean += v / double(flat_values.size());

  const int64_t mini_batches = std::min<int64_t>(mini_batches_, n);
  const double critic_lr = critic_schedule_.at(ctx.step);
  double loss_sum = 0, clip_sum = 0, entropy_sum = 0, vloss_sum = 0, vclip_sum = 0;
  int64_t loss_parts = 0;
  UpdateLog policy_log, critic_log;
  for (int64_t it = 0; it < iterations_; ++it) {
    for (int64_t mb = 0; mb < mini_batches; ++mb) {
      const int64_t mb_begin = n * mb / mini_batches, mb_end = n * (mb + 1) / mini_batches;
      int64_t tokens = 0;
      for (int64_t r = mb_begin; r < mb_end; ++r)
        if (trained(rollouts[size_t(r)])) tokens += int64_t(rollouts[size_t(r)].completion.size());
      tokens = std::max<int64_t>(1, tokens);
      // The actor: the clipped surrogate with per-token advantages.
      double loss = 0;
      for (int64_t b = mb_begin; b < mb_end; b += micro) {
        const int64_t e = std::min(mb_end, b + micro);
        pack_rollouts(rollouts, b, e, ctx.mask_truncated, micro * T, batch, old.data());
        const int64_t rows_T = batch.T;
        ctx.forward_policy(batch, it == 0 && mb == 0, policy_log);
        std::fill(dlogp.begin(), dlogp.end(), 0.0f);
        std::fill(dent.begin(), dent.end(), 0.0f);
        const GrpoLossStats st =
            grpo_loss(loss_, batch.spans, rows_T, graph.logprobs(), graph.entropy(), old.data(),
                      nullptr, mb_end - mb_begin, tokens, dlogp.data(), dent.data());
        graph.backward(ctx.policy, dlogp.data(), loss_.entropy_coef != 0 ? dent.data() : nullptr,
                       ctx.trainer.grads().data());
        loss += st.loss;
        clip_sum += st.clip_fraction;
        entropy_sum += st.entropy_mean;
        ++loss_parts;
      }
      ctx.apply(ctx.trainer, "policy", loss, lr, policy_log);
      loss_sum += loss;
      // The critic: the clipped value loss against the GAE returns.
      double vloss = 0, vclip = 0;
      int64_t vparts = 0;
      for (int64_t b = mb_begin; b < mb_end; b += micro) {
        const int64_t e = std::min(mb_end, b + micro);
        pack_rollouts(rollouts, b, e, ctx.mask_truncated, micro * T, batch, nullptr);
        const int64_t rows_T = batch.T;
        for (const CompletionSpan& s : batch.spans) {
          const size_t r = size_t(b + s.rollout);
          std::copy(values[r].begin(), values[r].begin() + s.length,
                    old_v.begin() + s.row * rows_T + s.begin);
          std::copy(returns[r].begin(), returns[r].begin() + s.length,
                    ret.begin() + s.row * rows_T + s.begin);
        }
        head_.forward(graph, critic_, batch.ids.data(), batch.rows, rows_T, batch.packing());
        std::fill(dv.begin(), dv.end(), 0.0f);
        const ValueLossStats vs =
            value_loss(batch.spans, rows_T, head_.values(), old_v.data(), ret.data(),
                       cliprange_value_, vf_coef_, tokens, dv.data());
        head_.backward(graph, critic_, dv.data(), critic_trainer_.grads().data());
        vloss += vs.loss;
        vclip += vs.clip_fraction;
        ++vparts;
      }
      ctx.apply(critic_trainer_, "critic", vloss, critic_lr, critic_log);
      vloss_sum += vloss;
      vclip_sum += vclip / double(std::max<int64_t>(1, vparts));
    }
  }
  const double updates = double(std::max<int64_t>(1, policy_log.updates));
  const double parts = double(std::max<int64_t>(1, loss_parts));
  metrics["loss"] = loss_sum / updates;
  metrics["grad_norm"] = policy_log.grad_norm_sum / updates;
  metrics["critic_grad_norm"] =
      critic_log.grad_norm_sum / double(std::max<int64_t>(1, critic_log.updates));
  metrics["critic_lr"] = critic_lr;
  metrics["kl"] = kl_tokens > 0 ? kl_sum / double(kl_tokens) : 0.0;
  metrics["clip_fraction"] = clip_sum / parts;
  metrics["entropy"] = entropy_sum / parts;
  metrics["value_loss"] = vloss_sum / updates;
  metrics["value_clip_fraction"] = vclip_sum / updates;
  metrics["value_mean"] = value_mean;
  metrics["explained_variance"] = explained_variance(flat_values, flat_returns);
  metrics["forward_from_generation"] = policy_log.forward_from_generation();
  metrics["skipped_updates"] = policy_log.skipped + critic_log.skipped;
  const std::string reason =
      !policy_log.skip_reason.empty() ? policy_log.skip_reason : critic_log.skip_reason;
  if (!reason.empty()) metrics["skip_reason"] = reason;
}

}  // namespace

RlResult run_ppo(const Config& config, Model& policy, const Tokenizer& tokenizer,
                 const std::string& run_dir, bool resume, const RlHooks& hooks) {
  Ppo ppo(config, policy);
  return run_rl(config, policy, tokenizer, run_dir, resume, ppo, hooks);
}

}  // namespace r1
