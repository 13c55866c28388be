#include <gtest/gtest.h>

#include <cmath>

#include "rl/grpo_loss.h"

namespace r1 {

// rewards (1, 0, 0, 0): mean 1/4, unbiased std √((9/16 + 3/16)/3) = 1/2.
TEST(GroupAdvantages, HandComputed) {
  const auto a = group_advantages({1, 0, 0, 0, 2, 2, 2, 2}, 4, true, 0.0f);
  EXPECT_NEAR(a[0], 1.5, 1e-6);
  EXPECT_NEAR(a[1], -0.5, 1e-6);
  for (int i = 4; i < 8; ++i) EXPECT_EQ(a[size_t(i)], 0.0f) << "equal rewards carry no signal";
  const auto dr = group_advantages({1, 0, 0, 0}, 4, false);
  EXPECT_NEAR(dr[0], 0.75, 1e-6);
  EXPECT_NEAR(dr[3], -0.25, 1e-6);
}

namespace {

struct Case {
  std::vector<CompletionSpan> spans;
  std::vector<float> logp, old, ref, ent;
  int64_t T;
};

// Two sequences in rows of length T = 4: row 0 tokens 1..3, row 1 tokens 0..1.
Case two_sequences() {
  Case c;
  c.T = 4;
  c.spans = {{0, 1, 3, 1.5f}, {1, 0, 2, -0.5f}};
  c.logp = {0, -1.0f, -0.5f, -2.0f, -0.3f, -1.2f, 0, 0};
  c.old = c.logp;
  c.ref = {0, -1.1f, -0.4f, -2.0f, -0.2f, -1.5f, 0, 0};
  c.ent = {0, 1.0f, 0.5f, 0.25f, 2.0f, 1.5f, 0, 0};
  return c;
}

}  // namespace

// With π_old = π (μ = 1) the ratio is 1 and the gradient is the policy
// gradient −A/(G·|o|) per token for the paper's aggregation.
TEST(GrpoLoss, OnPolicyIsThePolicyGradient) {
  Case c = two_sequences();
  std::vector<float> dlogp(8, 0), dent(8, 0);
  GrpoLossConfig cfg;
  const auto stats = grpo_loss(cfg, c.spans, c.T, c.logp.data(), c.ent.data(), c.old.data(),
                               nullptr, 2, 5, dlogp.data(), dent.data());
  EXPECT_NEAR(dlogp[1], -1.5 / (2 * 3), 1e-7);
  EXPECT_NEAR(dlogp[4], 0.5 / (2 * 2), 1e-7);
  EXPECT_EQ(dlogp[0], 0.0f);
  // Loss = −(1/2)(1.5 + (−0.5)) = −0.5.
  EXPECT_NEAR(stats.loss, -0.5, 1e-9);
  EXPECT_EQ(stats.clip_fraction, 0.0);
  // Token-level (DAPO): weight 1/5 for every token.
  cfg.loss_type = "dapo";
  grpo_loss(cfg, c.spans, c.T, c.logp.data(), c.ent.data(), c.old.data(), nullptr, 2, 5,
            dlogp.data(), dent.data());
  EXPECT_NEAR(dlogp[1], -1.5 / 5, 1e-7);
  EXPECT_NEAR(dlogp[5], 0.5 / 5, 1e-7);
  // Dr.GRPO: weight 1/(2 · 10).
  cfg.loss_type = "dr_grpo";
  cfg.max_completion_length = 10;
  grpo_loss(cfg, c.spans, c.T, c.logp.data(), c.ent.data(), c.old.data(), nullptr, 2, 5,
            dlogp.data(), dent.data());
  EXPECT_NEAR(dlogp[1], -1.5 / 20, 1e-7);
}

// ρ = e^0.5 ≈ 1.649 > 1 + ε: with A > 0 the clipped branch is the minimum and
// the gradient is cut; with A < 0 the unclipped ρ·A is the minimum and flows.
TEST(GrpoLoss, ClippingCutsOnlyTheRightSide) {
  Case c = two_sequences();
  for (float& x : c.old) x -= 0.5f;
  std::vector<float> dlogp(8, 0), dent(8, 0);
  GrpoLossConfig cfg;
  const auto stats = grpo_loss(cfg, c.spans, c.T, c.logp.data(), c.ent.data(), c.old.data(),
                               nullptr, 2, 5, dlogp.data(), dent.data());
  EXPECT_EQ(dlogp[1], 0.0f);
  EXPECT_NEAR(dlogp[4], std::exp(0.5) * 0.5 / 4, 1e-6);
  EXPECT_NEAR(stats.clip_fraction, 3.0 / 5, 1e-12);
  // Loss = −(1/2)[1.2·1.5 + e^0.5·(−0.5)].
  EXPECT_NEAR(stats.loss, -0.5 * (1.2 * 1.5 - std::exp(0.5) * 0.5), 1e-6);
}

// k3 KL: D = e^(ref−logp) − (ref−logp) − 1, added to the loss with weight β.
TEST(GrpoLoss, KlTermAndEntropyBonus) {
  Case c = two_sequences();
  std::vector<float> dlogp(8, 0), dent(8, 0);
  GrpoLossConfig cfg;
  cfg.beta = 0.1;
  cfg.entropy_coef = 0.01;
  const auto stats = grpo_loss(cfg, c.spans, c.T, c.logp.data(), c.ent.data(), c.old.data(),
                               c.ref.data(), 2, 5, dlogp.data(), dent.data());
  const double d = -1.1 - (-1.0);  // ref − logp at token 1
  EXPECT_NEAR(dlogp[1], -(1.5 - 0.1 * (1 - std::exp(d))) / 6, 1e-6);
  EXPECT_NEAR(dent[1], -0.01 / 6, 1e-9);
  double kl = 0;
  for (int i : {1, 2, 3, 4, 5}) {
    const double r = double(c.ref[size_t(i)]) - c.logp[size_t(i)];
    kl += std::exp(r) - r - 1;
  }
  EXPECT_NEAR(stats.kl_mean, kl / 5, 1e-7);
}

// The gradient against a central difference of the loss itself.
TEST(GrpoLoss, GradientMatchesFiniteDifference) {
  Case c = two_sequences();
  for (size_t i = 0; i < c.old.size(); ++i) c.old[i] += 0.05f * float(i % 3) - 0.05f;
  GrpoLossConfig cfg;
  cfg.beta = 0.2;
  cfg.epsilon_high = 0.28;
  std::vector<float> dlogp(8, 0), dent(8, 0), scratch(8), scratch2(8);
  grpo_loss(cfg, c.spans, c.T, c.logp.data(), c.ent.data(), c.old.data(), c.ref.data(), 2, 5,
            dlogp.data(), dent.data());
  for (int i : {1, 2, 3, 4, 5}) {
    const float h = 1e-3f;
    auto at = [&](float delta) {
      std::vector<float> lp = c.logp;
      lp[size_t(i)] += delta;
      return grpo_loss(cfg, c.spans, c.T, lp.data(), c.ent.data(), c.old.data(), c.ref.data(), 2, 5,
                       scratch.data(), scratch2.data())
          .loss;
    };
    EXPECT_NEAR(dlogp[size_t(i)], (at(h) - at(-h)) / (2 * h), 1e-4) << "token " << i;
  }
}

}  // namespace r1
