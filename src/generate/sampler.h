// Token sampling from one row of logits. The policy distribution is
// softmax(logits / temperature) — the distribution the RL loss scores tokens
// under; top-k and top-p only restrict which tokens may be drawn (the
// sampled token's reported log-prob is under the full policy distribution).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/rng.h"

namespace r1 {

struct SamplingParams {
  float temperature = 1.0f;  // 0: greedy (log-probs then reported at temperature 1)
  int top_k = 0;             // 0: off
  float top_p = 1.0f;        // 1: off
};

struct SampledToken {
  int32_t token = 0;
  float logprob = 0;  // under softmax(logits / temperature)
};

class Sampler {
 public:
  explicit Sampler(int64_t vocab_size)
      : probs_(size_t(vocab_size)), order_(size_t(vocab_size)), weights_(size_t(vocab_size)) {}

  // Draws from `logits` (V) with one uniform number u ∈ [0, 1).
  SampledToken sample(const float* logits, const SamplingParams& params, float u);
  // The n most likely tokens and their log-probs under the same distribution.
  std::vector<std::pair<int32_t, float>> top(const float* logits, const SamplingParams& params,
                                             int n);

 private:
  // Fills probs_ with the policy distribution's log-probs; returns nothing.
  void log_softmax(const float* logits, float inv_temperature);
  std::vector<float> probs_;
  std::vector<int32_t> order_;
  std::vector<double> weights_;  // exp of the i-th candidate's log-prob, once computed
};

}  // namespace r1
