#include "generate/sampler.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>

namespace r1 {

void Sampler::log_softmax(const float* logits, float inv_temperature) {
  const size_t V = probs_.size();
  // The same arithmetic as the trainer: scale the logits in float, then
  // log-sum-exp in double.
  for (size_t j = 0; j < V; ++j)
    probs_[j] = inv_temperature == 1.0f ? logits[j] : logits[j] * inv_temperature;
  float mx = probs_[0];
  for (size_t j = 1; j < V; ++j) mx = std::max(mx, probs_[j]);
  double sum = 0;
  for (size_t j = 0; j < V; ++j) sum += std::exp(double(probs_[j] - mx));
  const double log_sum = std::log(sum);
  for (size_t j = 0; j < V; ++j) probs_[j] = float(double(probs_[j] - mx) - log_sum);
}

SampledToken Sampler::sample(const float* logits, const SamplingParams& params, float u) {
  const int64_t V = int64_t(probs_.size());
  const bool greedy = params.temperature <= 0.0f;
  log_softmax(logits, greedy ? 1.0f : 1.0f / params.temperature);
  if (greedy) {
    // The lowest id among equal maxima, so ties break the same everywhere.
    const int32_t best = int32_t(std::max_element(probs_.begin(), probs_.end()) - probs_.begin());
    return {best, probs_[size_t(best)]};
  }
  // Candidates in descending probability (ties: lower id first), cut by top-k
  // and then by top-p: the smallest prefix whose mass reaches top_p.
  std::iota(order_.begin(), order_.end(), 0);
  int64_t keep = V;
  auto by_prob = [&](int32_t a, int32_t b) {
    return probs_[size_t(a)] > probs_[size_t(b)] ||
           (probs_[size_t(a)] == probs_[size_t(b)] && a < b);
  };
  // The i-th candidate's probability, each computed once.
  int64_t computed = 0;
  const auto weight = [&](int64_t i) {
    for (; computed <= i; ++computed)
      weights_[size_t(computed)] = std::exp(double(probs_[size_t(order_[size_t(computed)])]));
    return weights_[size_t(i)];
  };
  const bool restrict = (params.top_k > 0 && params.top_k < V) || params.top_p < 1.0f;
  if (restrict) {
    if (params.top_k > 0 && params.top_k < V) keep = params.top_k;
    std::partial_sort(order_.begin(), order_.begin() + keep, order_.end(), by_prob);
    if (params.top_p < 1.0f) {
      double mass = 0;
      int64_t i = 0;
      while (i < keep) {
        mass += weight(i);
        ++i;
        if (mass >= params.top_p) break;
      }
      keep = i;
    }
  }
  double total = 0;
  for (int64_t i = 0; i < keep; ++i) total += weight(i);
  const double target = double(u) * total;
  double acc = 0;
  int32_t chosen = order_[size_t(keep - 1)];
  for (int64_t i = 0; i < keep; ++i) {
    acc += weight(i);
    if (target < acc) {
      chosen = order_[size_t(i)];
      break;
    }
  }
  return {chosen, probs_[size_t(chosen)]};
}

std::vector<std::pair<int32_t, float>> Sampler::top(const float* logits,
                                                    const SamplingParams& params, int n) {
  const bool greedy = params.temperature <= 0.0f;
  log_softmax(logits, greedy ? 1.0f : 1.0f / params.temperature);
  std::iota(order_.begin(), order_.end(), 0);
  const size_t k = std::min(size_t(n), order_.size());
  std::partial_sort(order_.begin(), order_.begin() + std::ptrdiff_t(k), order_.end(),
                    [&](int32_t a, int32_t b) {
                      return probs_[size_t(a)] > probs_[size_t(b)] ||
                             (probs_[size_t(a)] == probs_[size_t(b)] && a < b);
                    });
  std::vector<std::pair<int32_t, float>> out;
  for (size_t i = 0; i < k; ++i) out.emplace_back(order_[i], probs_[size_t(order_[i])]);
  return out;
}

}  // namespace r1
