#include "rl/ppo_loss.h"

#include <algorithm>
#include <cmath>

#include "core/check.h"

namespace r1 {

std::vector<float> token_rewards(double final_reward, const float* old_logprobs,
                                 const float* ref_logprobs, int64_t n, double beta) {
  R1_CHECK(beta == 0.0 || ref_logprobs != nullptr, "beta = {} needs reference log-probs", beta);
  std::vector<float> r(size_t(n), 0.0f);
  if (beta != 0.0)
    for (int64_t t = 0; t < n; ++t)
      r[size_t(t)] = float(-beta * (double(old_logprobs[t]) - double(ref_logprobs[t])));
  if (n > 0) r[size_t(n - 1)] = float(double(r[size_t(n - 1)]) + final_reward);
  return r;
}

void gae(const float* rewards, const float* values, int64_t n, double gamma, double lam,
         float* advantages, float* returns) {
  double next_value = 0, next_advantage = 0;
  for (int64_t t = n; t-- > 0;) {
    const double delta = double(rewards[t]) + gamma * next_value - double(values[t]);
    next_advantage = delta + gamma * lam * next_advantage;
    next_value = values[t];
    advantages[t] = float(next_advantage);
    returns[t] = float(next_advantage + double(values[t]));
  }
}

void whiten(std::vector<float>& x) {
  if (x.empty()) return;
  double mean = 0;
  for (float v : x) mean += v;
  mean /= double(x.size());
  double var = 0;
  for (float v : x) var += (v - mean) * (v - mean);
  if (x.size() < 2) {
    for (float& v : x) v = float(v - mean);
    return;
  }
  var /= double(x.size() - 1);
  const double scale = 1.0 / std::sqrt(var + 1e-8);
  for (float& v : x) v = float((v - mean) * scale);
}

double explained_variance(const std::vector<float>& values, const std::vector<float>& returns) {
  R1_CHECK(values.size() == returns.size(), "explained_variance: {} values, {} returns",
           values.size(), returns.size());
  if (returns.size() < 2) return 0.0;
  auto variance = [&](auto&& f) {
    double mean = 0, var = 0;
    for (size_t i = 0; i < returns.size(); ++i) mean += f(i);
    mean /= double(returns.size());
    for (size_t i = 0; i < returns.size(); ++i) var += (f(i) - mean) * (f(i) - mean);
    return var / double(returns.size());
  };
  const double var_returns = variance([&](size_t i) { return double(returns[i]); });
  if (var_returns == 0.0) return 0.0;
  return 1.0 -
         variance([&](size_t i) { return double(returns[i]) - double(values[i]); }) / var_returns;
}

ValueLossStats value_loss(const std::vector<CompletionSpan>& spans, int64_t T, const float* values,
                          const float* old_values, const float* returns, double cliprange,
                          double vf_coef, int64_t num_tokens, float* dvalues) {
  R1_CHECK(num_tokens > 0, "value_loss: num_tokens must be positive");
  const double w = vf_coef / double(num_tokens);
  ValueLossStats stats;
  int64_t clipped = 0;
  for (const CompletionSpan& s : spans)
    for (int64_t t = 0; t < s.length; ++t) {
      const int64_t i = s.row * T + s.begin + t;
      const double v = values[i], v_old = old_values[i], ret = returns[i];
      const double unclipped = (v - ret) * (v - ret);
      double d = v - ret;  // d ½(V − R)² / dV
      double term = unclipped;
      if (cliprange > 0) {
        const double v_clip = v_old + std::clamp(v - v_old, -cliprange, cliprange);
        const double clipped_term = (v_clip - ret) * (v_clip - ret);
        // Inside the clip range V_clip = V, so the clipped term can only be
        // the larger one outside it, where V_clip does not move with V.
        if (clipped_term > unclipped) {
          term = clipped_term;
          d = 0.0;
          ++clipped;
        }
      }
      stats.loss += w * 0.5 * term;
      dvalues[i] = float(w * d);
      ++stats.tokens;
    }
  if (stats.tokens > 0) stats.clip_fraction = double(clipped) / double(stats.tokens);
  return stats;
}

}  // namespace r1
