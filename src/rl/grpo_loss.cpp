#include "rl/grpo_loss.h"

#include <algorithm>
#include <cmath>

#include "core/check.h"

namespace r1 {

std::vector<float> group_advantages(const std::vector<float>& rewards, int64_t group_size,
                                    bool scale_by_std, float eps) {
  R1_CHECK(group_size > 0 && int64_t(rewards.size()) % group_size == 0,
           "{} rewards do not split into groups of {}", rewards.size(), group_size);
  std::vector<float> adv(rewards.size());
  for (size_t g = 0; g < rewards.size(); g += size_t(group_size)) {
    double mean = 0;
    for (int64_t i = 0; i < group_size; ++i) mean += rewards[g + size_t(i)];
    mean /= double(group_size);
    double var = 0;
    for (int64_t i = 0; i < group_size; ++i) {
      const double d = rewards[g + size_t(i)] - mean;
      var += d * d;
    }
    const double std = group_size > 1 ? std::sqrt(var / double(group_size - 1)) : 0.0;
    for (int64_t i = 0; i < group_size; ++i) {
      const double centered = rewards[g + size_t(i)] - mean;
      adv[g + size_t(i)] =
          std == 0.0 ? 0.0f : float(scale_by_std ? centered / (std + double(eps)) : centered);
    }
  }
  return adv;
}

GrpoLossStats grpo_loss(const GrpoLossConfig& config, const std::vector<CompletionSpan>& spans,
                        int64_t T, const float* logprobs, const float* entropy,
                        const float* old_logprobs, const float* ref_logprobs, int64_t num_sequences,
                        int64_t num_tokens, float* dlogprobs, float* dentropy) {
  R1_CHECK(config.beta == 0.0 || ref_logprobs != nullptr, "beta = {} needs reference log-probs",
           config.beta);
  R1_CHECK(num_sequences > 0, "grpo_loss: num_sequences must be positive");
  const bool token_level = config.loss_type == "dapo";
  const bool dr_grpo = config.loss_type == "dr_grpo";
  R1_CHECK(token_level || dr_grpo || config.loss_type == "grpo",
           "unknown loss_type '{}' (expected grpo, dapo or dr_grpo)", config.loss_type);
  R1_CHECK(!token_level || num_tokens > 0, "dapo loss needs the batch's token count");
  R1_CHECK(!dr_grpo || config.max_completion_length > 0,
           "dr_grpo loss needs max_completion_length > 0");
  const double lo = 1.0 - config.epsilon, hi = 1.0 + config.epsilon_high;
  GrpoLossStats stats;
  double kl_sum = 0, entropy_sum = 0;
  int64_t clipped = 0;
  for (const CompletionSpan& s : spans) {
    if (s.length == 0) continue;
    // The aggregation weight of each token of this sequence in the loss.
    const double w = token_level ? 1.0 / double(num_tokens)
                     : dr_grpo
                         ? 1.0 / (double(num_sequences) * double(config.max_completion_length))
                         : 1.0 / (double(num_sequences) * double(s.length));
    for (int64_t t = 0; t < s.length; ++t) {
      const int64_t i = s.row * T + s.begin + t;
      const double A = s.advantages ? double(s.advantages[t]) : double(s.advantage);
      const double logp = logprobs[i];
      const double ratio = std::exp(logp - double(old_logprobs[i]));
      const double clipped_ratio = std::clamp(ratio, lo, hi);
      const double surrogate = std::min(ratio * A, clipped_ratio * A);
      // d surrogate / d logp: ρ·A unless the clipped branch is the minimum
      // and ρ lies outside the clip range (then the gradient is cut).
      const bool cut = (A >= 0 && ratio > hi) || (A < 0 && ratio < lo);
      const double dsurrogate = cut ? 0.0 : ratio * A;
      clipped += cut;
      double objective = surrogate, dobjective = dsurrogate;
      if (config.beta != 0.0) {
        // k3 estimator: D = π_ref/π − log(π_ref/π) − 1; dD/dlogp = 1 − π_ref/π.
        const double log_ratio = double(ref_logprobs[i]) - logp;
        const double kl = std::exp(log_ratio) - log_ratio - 1.0;
        objective -= config.beta * kl;
        dobjective -= config.beta * (1.0 - std::exp(log_ratio));
        kl_sum += kl;
      }
      stats.loss -= w * objective;
      dlogprobs[i] = float(-w * dobjective);
      entropy_sum += entropy[i];
      if (config.entropy_coef != 0.0) {
        stats.loss -= w * config.entropy_coef * entropy[i];
        dentropy[i] = float(-w * config.entropy_coef);
      }
      ++stats.tokens;
    }
  }
  if (stats.tokens > 0) {
    stats.kl_mean = kl_sum / double(stats.tokens);
    stats.clip_fraction = double(clipped) / double(stats.tokens);
    stats.entropy_mean = entropy_sum / double(stats.tokens);
  }
  return stats;
}

}  // namespace r1
