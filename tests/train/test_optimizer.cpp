#include <gtest/gtest.h>

#include <cmath>

#include "model/presets.h"
#include "train/optimizer.h"

namespace r1 {

namespace {

// A layout with one matrix (decayed) and one vector (not decayed).
ModelConfig two_tensor_config() {
  ModelConfig c = model_preset("tiny", 11);
  return c;
}

}  // namespace

// Two AdamW steps on one coordinate, computed by hand from the update rule
// (Loshchilov & Hutter, with PyTorch's placement of eps):
// step 1: m = 0.1·g1, v = 0.05·g1², m̂ = g1, v̂ = g1² → p −= lr·g1/(|g1| + eps)
TEST(AdamW, MatchesHandComputedSteps) {
  const ModelConfig c = two_tensor_config();
  ParamLayout layout(c);
  AdamW adam(layout, {0.9, 0.95, 1e-8, 0.1});
  std::vector<float> p(layout.total, 0.5f), g(layout.total, 0.0f);
  const ParamTensor* embed = layout.find("model.embed_tokens.weight");
  const ParamTensor* norm = layout.find("model.norm.weight");
  ASSERT_TRUE(embed && norm);
  g[embed->offset] = 0.2f;
  g[norm->offset] = -0.4f;
  const double lr = 0.01;
  adam.step(p.data(), g.data(), lr);
  // Matrix: decay first, p = 0.5·(1 − 0.001) − 0.01·0.2/(0.2 + 1e-8)
  EXPECT_NEAR(p[embed->offset], 0.5 * 0.999 - 0.01 * 0.2 / (0.2 + 1e-8), 1e-7);
  // Vector: no decay, p = 0.5 + 0.01
  EXPECT_NEAR(p[norm->offset], 0.5 + 0.01, 1e-7);
  // A coordinate with zero gradient only decays (matrix) or stays (vector).
  EXPECT_NEAR(p[embed->offset + 1], 0.5 * 0.999, 1e-7);
  // Step 2 with g2 = 0.1 on the matrix coordinate:
  // m = 0.9·0.02 + 0.1·0.1 = 0.028, v = 0.95·0.002 + 0.05·0.01 = 0.0024,
  // m̂ = 0.028/0.19, √v̂ = √(0.0024/0.0975)
  const double p1 = p[embed->offset];
  std::fill(g.begin(), g.end(), 0.0f);
  g[embed->offset] = 0.1f;
  adam.step(p.data(), g.data(), lr);
  const double expected =
      p1 * 0.999 - 0.01 * (0.028 / 0.19) / (std::sqrt(0.0024) / std::sqrt(0.0975) + 1e-8);
  EXPECT_NEAR(p[embed->offset], expected, 1e-6);
}

TEST(ClipGradNorm, ScalesToMaxNorm) {
  std::vector<float> g = {3.0f, 4.0f};
  EXPECT_NEAR(clip_grad_norm(g.data(), 2, 1.0), 5.0, 1e-12);
  EXPECT_NEAR(g[0], 0.6, 1e-6);
  EXPECT_NEAR(g[1], 0.8, 1e-6);
  std::vector<float> small = {0.3f, 0.4f};
  clip_grad_norm(small.data(), 2, 1.0);
  EXPECT_EQ(small[0], 0.3f);
}

// The trainer's fused update: clipping, the step and clearing the gradients
// in one pass must leave the parameters and moments exactly as the three
// passes do, and the gradients zero.
TEST(AdamW, StepAndClearEqualsClipThenStep) {
  ParamLayout layout(two_tensor_config());
  const AdamWConfig config{0.9, 0.95, 1e-8, 0.1};
  AdamW fused(layout, config), separate(layout, config);
  std::vector<float> p(layout.total), g(layout.total);
  for (size_t i = 0; i < p.size(); ++i) {
    p[i] = std::sin(float(i)) * 0.5f;
    g[i] = std::cos(float(i) * 0.7f) * 0.3f;
  }
  std::vector<float> p2 = p, g2 = g;
  for (const double max_norm : {0.5, 1e9, 0.0}) {  // clipped, not clipped, clipping off
    const double norm = clip_grad_norm(g2.data(), g2.size(), max_norm);
    separate.step(p2.data(), g2.data(), 0.01);
    EXPECT_EQ(norm, global_norm(g.data(), g.size()));
    fused.step_and_clear(p.data(), g.data(), 0.01, clip_coefficient(norm, max_norm));
    EXPECT_EQ(p, p2) << "max_norm " << max_norm;
    EXPECT_EQ(fused.m(), separate.m());
    EXPECT_EQ(fused.v(), separate.v());
    EXPECT_EQ(g, std::vector<float>(g.size(), 0.0f));
    // The next step's gradients.
    for (size_t i = 0; i < g.size(); ++i) g[i] = g2[i] = std::cos(float(i) * max_norm + 1.0f);
  }
  EXPECT_LT(clip_coefficient(2.0, 1.0), 1.0f);
}

TEST(LrSchedule, WarmupThenCosineToFloor) {
  LrSchedule s{1.0, 4, 104, "cosine", 0.1};
  EXPECT_DOUBLE_EQ(s.at(0), 0.25);
  EXPECT_DOUBLE_EQ(s.at(3), 1.0);
  EXPECT_DOUBLE_EQ(s.at(4), 1.0);
  EXPECT_NEAR(s.at(54), 0.55, 1e-12);  // halfway: floor + (1 − floor)/2
  EXPECT_NEAR(s.at(104), 0.1, 1e-12);
  EXPECT_NEAR(s.at(500), 0.1, 1e-12);
  LrSchedule lin{2.0, 0, 10, "linear", 0.0};
  EXPECT_NEAR(lin.at(5), 1.0, 1e-12);
  LrSchedule constant{3.0, 0, 10, "constant", 0.1};
  EXPECT_EQ(constant.at(9), 3.0);
}

}  // namespace r1
