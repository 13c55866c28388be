// The GRPO objective (DeepSeekMath eq. 3; R1_NOTES.md) and its variants, as
// per-token gradients of the loss with respect to the policy's log-probs and
// entropies — the model's backward takes it from there.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace r1 {

struct GrpoLossConfig {
  double epsilon = 0.2;       // ε_low: ratio clipped below at 1 − ε_low
  double epsilon_high = 0.2;  // ε_high: … and above at 1 + ε_high ("clip-higher")
  double beta = 0.0;          // weight of the k3 KL to the reference policy
  double entropy_coef = 0.0;  // entropy bonus
  // "grpo": 1/|o_i| mean per sequence, then mean over sequences (the paper);
  // "dapo": token-level mean over all completion tokens of the batch;
  // "dr_grpo": token sum divided by (sequences × max_completion_length).
  std::string loss_type = "grpo";
  int64_t max_completion_length = 0;  // for dr_grpo
};

// Group-relative advantages (outcome supervision): for each consecutive group
// of `group_size` rewards, (r − mean) / (std + eps) with the unbiased std; a
// group whose rewards are all equal gets 0. scale_by_std = false (Dr.GRPO)
// gives r − mean.
std::vector<float> group_advantages(const std::vector<float>& rewards, int64_t group_size,
                                    bool scale_by_std = true, float eps = 1e-4f);

// One completion's tokens inside a (B,T) batch of the training graph.
struct CompletionSpan {
  int64_t row = 0;    // batch row
  int64_t begin = 0;  // first position (in the graph's log-prob array) of the completion
  int64_t length = 0;
  float advantage = 0;
  const float* advantages = nullptr;  // per token (PPO's GAE); null: `advantage` for all
  int64_t rollout = 0;                // the rollout's index in its micro-batch
};

struct GrpoLossStats {
  double loss = 0;
  double kl_mean = 0;        // mean k3 KL per completion token
  double clip_fraction = 0;  // share of tokens whose gradient clipping removed
  double entropy_mean = 0;
  int64_t tokens = 0;
};

// Given the current log-probs and entropies (B,T) from the training forward,
// the sampling-time log-probs `old_logprobs` and reference log-probs
// `ref_logprobs` (same layout; ref may be null when beta = 0), the spans of a
// mini-batch and `num_sequences` (the normaliser: sequences in the whole
// optimizer step, for gradient accumulation), writes dL/dlogprob and
// dL/dentropy at the spans' positions (the caller zeroes the rest) and
// returns the loss and statistics.
GrpoLossStats grpo_loss(const GrpoLossConfig& config, const std::vector<CompletionSpan>& spans,
                        int64_t T, const float* logprobs, const float* entropy,
                        const float* old_logprobs, const float* ref_logprobs, int64_t num_sequences,
                        int64_t num_tokens, float* dlogprobs, float* dentropy);

}  // namespace r1
