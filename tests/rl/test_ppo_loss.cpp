// PPO's pieces against hand-computed examples (the arithmetic is written out).
#include <gtest/gtest.h>

#include "rl/grpo_loss.h"
#include "rl/ppo_loss.h"

namespace r1 {

TEST(PpoLoss, TokenRewardsAndGaeMatchAHandComputedExample) {
  // Final reward R = 1, β = 0.1, log π_old = [−1, −0.5, −2], log π_ref =
  // [−1.2, −0.5, −1.5]: k1 = old − ref = [0.2, 0, −0.5], so
  // r = −β·k1 = [−0.02, 0, 0.05], and the last token gets + R: [−0.02, 0, 1.05].
  const float old_lp[] = {-1.0f, -0.5f, -2.0f}, ref_lp[] = {-1.2f, -0.5f, -1.5f};
  const std::vector<float> r = token_rewards(1.0, old_lp, ref_lp, 3, 0.1);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_NEAR(r[0], -0.02, 1e-7);
  EXPECT_NEAR(r[1], 0.0, 1e-7);
  EXPECT_NEAR(r[2], 1.05, 1e-6);
  // GAE with V = [0.5, 0.25, 0.75], γ = 0.9, λ = 0.8 (γλ = 0.72), V_3 = 0:
  //   t=2: δ = 1.05 + 0.9·0 − 0.75 = 0.3;            A = 0.3
  //   t=1: δ = 0 + 0.9·0.75 − 0.25 = 0.425;          A = 0.425 + 0.72·0.3 = 0.641
  //   t=0: δ = −0.02 + 0.9·0.25 − 0.5 = −0.295;      A = −0.295 + 0.72·0.641 = 0.16652
  // returns = A + V = [0.66652, 0.891, 1.05].
  const float values[] = {0.5f, 0.25f, 0.75f};
  float adv[3], ret[3];
  gae(r.data(), values, 3, 0.9, 0.8, adv, ret);
  EXPECT_NEAR(adv[0], 0.16652, 1e-6);
  EXPECT_NEAR(adv[1], 0.641, 1e-6);
  EXPECT_NEAR(adv[2], 0.3, 1e-6);
  EXPECT_NEAR(ret[0], 0.66652, 1e-6);
  EXPECT_NEAR(ret[1], 0.891, 1e-6);
  EXPECT_NEAR(ret[2], 1.05, 1e-6);
  // γ = λ = 1: A_t = Σ_{k≥t} r_k − V_t = [1.03 − 0.5, 1.05 − 0.25, 1.05 − 0.75].
  gae(r.data(), values, 3, 1.0, 1.0, adv, ret);
  EXPECT_NEAR(adv[0], 0.53, 1e-6);
  EXPECT_NEAR(adv[1], 0.8, 1e-6);
  EXPECT_NEAR(adv[2], 0.3, 1e-6);
  // β = 0 needs no reference: only the final reward.
  EXPECT_EQ(token_rewards(0.5, old_lp, nullptr, 3, 0.0), (std::vector<float>{0, 0, 0.5f}));
}

TEST(PpoLoss, WhitenUsesTheUnbiasedVariance) {
  // [1, 2, 3, 6]: mean 3, squared deviations 4 + 1 + 0 + 9 = 14, var 14/3,
  // std 2.160247 → [−0.925820, −0.462910, 0, 1.388730].
  std::vector<float> x = {1, 2, 3, 6};
  whiten(x);
  EXPECT_NEAR(x[0], -0.925820, 1e-5);
  EXPECT_NEAR(x[1], -0.462910, 1e-5);
  EXPECT_NEAR(x[2], 0.0, 1e-6);
  EXPECT_NEAR(x[3], 1.388730, 1e-5);
}

TEST(PpoLoss, ExplainedVariance) {
  // returns − values = [0, 0, 1]: variance 2/9; returns [1, 2, 4]: variance
  // 14/9; 1 − (2/9)/(14/9) = 6/7.
  EXPECT_NEAR(explained_variance({1, 2, 3}, {1, 2, 4}), 6.0 / 7.0, 1e-12);
  EXPECT_EQ(explained_variance({1, 2}, {3, 3}), 0.0);
}

TEST(PpoLoss, ClippedValueLossMatchesAHandComputedExample) {
  // vf_coef 0.5 over num_tokens 4: w = 0.125; cliprange 0.2.
  //   t0: V 1.3, V_old 0.8, R 2: V_clip = 1.0; (1.3−2)² = 0.49 < (1.0−2)² = 1
  //       → clipped term 1, no gradient; loss 0.125·½·1 = 0.0625
  //   t1: V 0, V_old 0.5, R 0: V_clip = 0.3; 0 < 0.09 → clipped, no gradient;
  //       loss 0.125·½·0.09 = 0.005625
  //   t2: V 0.5, V_old 0.4, R 0: inside the range, V_clip = V; loss
  //       0.125·½·0.25 = 0.015625, dL/dV = 0.125·0.5 = 0.0625
  // total 0.08375, clip fraction 2/3. Position 3 of the row is outside the span.
  const float v[] = {1.3f, 0.0f, 0.5f, 9.0f}, v_old[] = {0.8f, 0.5f, 0.4f, 0.0f},
              ret[] = {2.0f, 0.0f, 0.0f, 0.0f};
  float dv[4] = {0, 0, 0, 0};
  const std::vector<CompletionSpan> spans = {{0, 0, 3, 0.0f}};
  const ValueLossStats s = value_loss(spans, 4, v, v_old, ret, 0.2, 0.5, 4, dv);
  EXPECT_NEAR(s.loss, 0.08375, 1e-7);
  EXPECT_NEAR(s.clip_fraction, 2.0 / 3.0, 1e-12);
  EXPECT_EQ(s.tokens, 3);
  EXPECT_EQ(dv[0], 0.0f);
  EXPECT_EQ(dv[1], 0.0f);
  EXPECT_NEAR(dv[2], 0.0625, 1e-7);
  EXPECT_EQ(dv[3], 0.0f);
  // Unclipped (cliprange 0): t0 and t1 now have gradients w·(V − R).
  const ValueLossStats u = value_loss(spans, 4, v, v_old, ret, 0.0, 0.5, 4, dv);
  EXPECT_NEAR(u.loss, 0.125 * 0.5 * (0.49 + 0.0 + 0.25), 1e-7);
  EXPECT_NEAR(dv[0], 0.125 * (1.3 - 2.0), 1e-7);
  EXPECT_EQ(u.clip_fraction, 0.0);
}

TEST(PpoLoss, SurrogateTakesPerTokenAdvantages) {
  // With π = π_old (ratio 1) the token-level surrogate's gradient is
  // dL/dlogp_t = −A_t / num_tokens.
  GrpoLossConfig cfg;
  cfg.loss_type = "dapo";
  const float adv[] = {0.5f, -2.0f, 1.0f};
  const std::vector<CompletionSpan> spans = {{0, 1, 3, 7.0f, adv}};
  const float logp[] = {0, -1.0f, -0.5f, -0.25f}, entropy[4] = {};
  float dlogp[4] = {}, dent[4] = {};
  const GrpoLossStats s = grpo_loss(cfg, spans, 4, logp, entropy, logp, nullptr, 1, 4, dlogp, dent);
  EXPECT_NEAR(dlogp[1], -0.5 / 4, 1e-7);
  EXPECT_NEAR(dlogp[2], 2.0 / 4, 1e-7);
  EXPECT_NEAR(dlogp[3], -1.0 / 4, 1e-7);
  EXPECT_NEAR(s.loss, -(0.5 - 2.0 + 1.0) / 4, 1e-7);
}

}  // namespace r1
