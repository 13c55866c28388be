// Samplers against their definitions on hand-built distributions: a
// chi-square goodness-of-fit over many draws with fixed seeds.
#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.h"
#include "generate/sampler.h"

namespace r1 {

namespace {

// p = (0.4, 0.25, 0.15, 0.1, 0.06, 0.04) as logits log p.
const std::vector<double> kProbs = {0.4, 0.25, 0.15, 0.1, 0.06, 0.04};

std::vector<float> logits_of(const std::vector<double>& p) {
  std::vector<float> z;
  for (double x : p) z.push_back(float(std::log(x)));
  return z;
}

// Pearson chi-square of counts against expected probabilities `q` (zeros in q
// must have zero counts). The 0.999 quantile for ≤ 5 degrees of freedom is
// below 20.6, so a correct sampler fails with probability < 0.1%; with the
// fixed seed the test is deterministic.
void expect_fits(const std::vector<int>& counts, const std::vector<double>& q, int n) {
  double chi2 = 0;
  for (size_t i = 0; i < q.size(); ++i) {
    if (q[i] == 0) {
      EXPECT_EQ(counts[i], 0) << "token " << i << " must never be drawn";
      continue;
    }
    const double e = q[i] * n;
    chi2 += (counts[i] - e) * (counts[i] - e) / e;
  }
  EXPECT_LT(chi2, 20.6);
}

std::vector<int> draw(const SamplingParams& params, int n) {
  Sampler sampler(int64_t(kProbs.size()));
  const auto z = logits_of(kProbs);
  std::vector<int> counts(kProbs.size(), 0);
  Rng rng(2024);
  for (int i = 0; i < n; ++i)
    ++counts[size_t(sampler.sample(z.data(), params, rng.uniform()).token)];
  return counts;
}

}  // namespace

TEST(Sampler, TemperatureOneDrawsThePolicy) {
  expect_fits(draw({1.0f, 0, 1.0f}, 50000), kProbs, 50000);
}

TEST(Sampler, TemperatureSharpens) {
  // softmax(log p / 0.5) ∝ p².
  std::vector<double> q;
  double z = 0;
  for (double p : kProbs) z += p * p;
  for (double p : kProbs) q.push_back(p * p / z);
  expect_fits(draw({0.5f, 0, 1.0f}, 50000), q, 50000);
}

TEST(Sampler, TopKKeepsTheKMostLikely) {
  // k = 3: (0.4, 0.25, 0.15) renormalised by 0.8.
  expect_fits(draw({1.0f, 3, 1.0f}, 50000), {0.5, 0.3125, 0.1875, 0, 0, 0}, 50000);
}

TEST(Sampler, TopPKeepsTheSmallestPrefixReachingP) {
  // p = 0.7: 0.4 + 0.25 = 0.65 < 0.7, + 0.15 = 0.8 ≥ 0.7 → three tokens.
  expect_fits(draw({1.0f, 0, 0.7f}, 50000), {0.5, 0.3125, 0.1875, 0, 0, 0}, 50000);
  // p = 0.3: the top token alone.
  expect_fits(draw({1.0f, 0, 0.3f}, 1000), {1, 0, 0, 0, 0, 0}, 1000);
}

TEST(Sampler, ReportedLogprobIsUnderThePolicyNotTheTruncation) {
  Sampler sampler(int64_t(kProbs.size()));
  const auto z = logits_of(kProbs);
  const SampledToken t = sampler.sample(z.data(), {1.0f, 1, 1.0f}, 0.5f);
  EXPECT_EQ(t.token, 0);
  EXPECT_NEAR(t.logprob, std::log(0.4), 1e-6);
  const SampledToken g = sampler.sample(z.data(), {0.0f, 0, 1.0f}, 0.9f);
  EXPECT_EQ(g.token, 0);
}

}  // namespace r1
