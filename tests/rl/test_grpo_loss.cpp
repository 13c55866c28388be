#include <gtest/gtest.h>

#include <cmath>

#include "rewards/registry.h"
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

// A broken user reward: NaN, ±infinity or a huge value by a word of the
// completion, else 0.5.
class BrokenReward : public Reward {
 public:
  explicit BrokenReward(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  RewardResult score(const RewardInput& in) const override {
    if (in.completion.find("-inf") != std::string_view::npos) return {-INFINITY, "raw"};
    if (in.completion.find("inf") != std::string_view::npos) return {INFINITY, "raw"};
    if (in.completion.find("nan") != std::string_view::npos) return {std::nan(""), "raw"};
    if (in.completion.find("big") != std::string_view::npos) return {1e308, "raw"};
    return {0.5, "raw"};
  }

 private:
  std::string name_;
};

}  // namespace

// Composite math (weight 1) + mine (weight 2) over one group, reference 4:
//   "\boxed{4} nan"  1 + 0 (NaN counted as 0)           = 1
//   "\boxed{5} -inf" 0 + 0 (−inf counted as 0)          = 0
//   "\boxed{4} ok"   1 + 2·0.5                          = 2
//   "\boxed{4} big"  1 + 0 (2·1e308 overflows)          = 1
// Rewards (1, 0, 2, 1): mean 1, unbiased std √(2/3); advantages
// (0, −1, 1, 0) / (√(2/3) + 1e-4), all finite.
TEST(GroupAdvantages, NonFiniteRewardComponentCountsAsZero) {
  std::vector<CompositeReward::Component> parts;
  parts.push_back({make_reward("math"), 1.0});
  parts.push_back({std::make_unique<BrokenReward>("mine"), 2.0});
  const CompositeReward reward(std::move(parts));
  const nlohmann::json ref = {{"answer", "4"}};
  std::vector<RewardInput> inputs;
  for (const char* c : {"\\boxed{4} nan", "\\boxed{5} -inf", "\\boxed{4} ok", "\\boxed{4} big"})
    inputs.push_back({"", c, ref});
  const auto results = reward.score_components_batch(inputs);
  std::vector<float> rewards;
  for (const CompositeResult& r : results) rewards.push_back(float(r.value));
  EXPECT_EQ(rewards, (std::vector<float>{1, 0, 2, 1}));
  EXPECT_EQ(results[0].reason, "math: correct: 4; mine: non-finite value nan counted as 0 (raw)");
  EXPECT_EQ(results[1].components[1].result.reason, "non-finite value -inf counted as 0 (raw)");
  EXPECT_EQ(results[1].components[1].result.value, 0.0);
  EXPECT_EQ(results[3].components[1].result.reason,
            "value 1e+308 × weight 2 overflows, counted as 0 (raw)");
  const std::vector<float> adv = group_advantages(rewards, 4);
  const double scale = 1.0 / (std::sqrt(2.0 / 3.0) + 1e-4);
  EXPECT_EQ(adv[0], 0.0f);
  EXPECT_NEAR(adv[1], -scale, 1e-6);
  EXPECT_NEAR(adv[2], scale, 1e-6);
  EXPECT_EQ(adv[3], 0.0f);

  // Two finite contributions whose sum overflows: the total counts as 0.
  std::vector<CompositeReward::Component> huge;
  huge.push_back({std::make_unique<BrokenReward>("a"), 1.0});
  huge.push_back({std::make_unique<BrokenReward>("b"), 1.0});
  const CompositeResult sum = CompositeReward(std::move(huge)).score_components({"", "big", ref});
  EXPECT_EQ(sum.value, 0.0);
  EXPECT_EQ(sum.reason, "a: raw; b: raw; the sum overflows, counted as 0");
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
