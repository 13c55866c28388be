// PPO's pieces besides the clipped surrogate (shared with GRPO, grpo_loss.h):
// per-token rewards, generalised advantage estimation, advantage whitening and
// the clipped value loss (R1_NOTES.md; InstructGPT; TRL/verl conventions).
#pragma once

#include <cstdint>
#include <vector>

#include "rl/grpo_loss.h"

namespace r1 {

// Per-token rewards of one completion of `n` tokens: −β·(log π_old − log π_ref)
// at every token (the k1 KL estimate; ref_logprobs may be null when β = 0),
// plus the sequence's final reward at its last token.
std::vector<float> token_rewards(double final_reward, const float* old_logprobs,
                                 const float* ref_logprobs, int64_t n, double beta);

// GAE(γ, λ) over one completion (Schulman et al. 2016): with V_n = 0 after the
// last token, δ_t = r_t + γ·V_{t+1} − V_t and A_t = δ_t + γλ·A_{t+1};
// returns_t = A_t + V_t (the value target).
void gae(const float* rewards, const float* values, int64_t n, double gamma, double lam,
         float* advantages, float* returns);

// (x − mean) / sqrt(var + 1e-8) over all values, with the unbiased variance
// (TRL's masked_whiten); fewer than two values are only centred.
void whiten(std::vector<float>& x);

// 1 − Var(returns − values) / Var(returns); 0 when the returns do not vary.
double explained_variance(const std::vector<float>& values, const std::vector<float>& returns);

struct ValueLossStats {
  double loss = 0;
  double clip_fraction = 0;  // share of tokens where the clipped term was the larger
  int64_t tokens = 0;
};

// The clipped value loss vf_coef · ½·max((V − R)², (V_clip − R)²) with
// V_clip = V_old + clip(V − V_old, ±cliprange) (cliprange 0: unclipped),
// summed over the spans' tokens and divided by `num_tokens` (the tokens of the
// whole optimizer step, for gradient accumulation). values, old_values and
// returns are (rows, T); writes dL/dvalue at the spans' positions (the caller
// zeroes the rest).
ValueLossStats value_loss(const std::vector<CompletionSpan>& spans, int64_t T, const float* values,
                          const float* old_values, const float* returns, double cliprange,
                          double vf_coef, int64_t num_tokens, float* dvalues);

}  // namespace r1
