// GRPO loss and parameter gradients against an independent PyTorch oracle
// (tools/make_grpo_fixture.py: the objective written from the formulas and
// differentiated by float64 autograd) on a fixed rollout batch, for each
// aggregation mode, with ratios spread over [0.6, 1.6] so that clipping cuts
// gradients on both sides, β > 0 and an entropy bonus.
//
// Tolerances are derived from fp32 rounding as in tests/model/test_parity.cpp:
// the forward's relative L2 error is ≲ fwd_tol = 8·(L+1)·√K_max·u. A log-prob
// error δ changes ρ = exp(logp − old) by the factor e^δ, so the loss moves by
// at most Σ|∂L/∂logp|·|δ| (plus the entropy term's Σ|∂L/∂H|·|δH|), and the
// upstream gradient ρ·A by a relative δ ≤ fwd_tol·max|logp|; the backward adds
// its own 2·fwd_tol.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "../common/tolerance.h"
#include "core/safetensors.h"
#include "model/model.h"
#include "model/transformer.h"
#include "rl/grpo_loss.h"

namespace r1 {

namespace {

using testing::kUnitRoundoff;
using testing::rel_l2;

class GrpoParity : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST(GrpoParityFixture, AdvantagesMatchTheOracle) {
  SafetensorsReader expected(std::string(R1_SOURCE_DIR) +
                             "/tests/fixtures/grpo/expected.safetensors");
  const auto ref = expected.read_all("advantages");
  const auto ours = group_advantages(expected.read_all("rewards"),
                                     std::stoll(expected.metadata().at("group_size")));
  ASSERT_EQ(ours.size(), ref.size());
  for (size_t i = 0; i < ref.size(); ++i)
    EXPECT_NEAR(ours[i], ref[i], 4 * kUnitRoundoff * std::abs(ref[i])) << "advantage " << i;
}

TEST_P(GrpoParity, LossAndGradientsMatchPyTorch) {
  const std::string mode = GetParam();
  const std::string dir = std::string(R1_SOURCE_DIR) + "/tests/fixtures/grpo";
  Model model = load_model(dir);
  const ModelConfig& c = model.config();
  SafetensorsReader expected(dir + "/expected.safetensors");
  const auto& meta = expected.metadata();
  const int64_t B = std::stoll(meta.at("B")), T = std::stoll(meta.at("T"));
  const int64_t k_max = std::max({c.hidden_size, c.intermediate_size, c.q_dim(), T});
  const double fwd_tol = 8.0 * double(c.num_layers + 1) * std::sqrt(double(k_max)) * kUnitRoundoff;

  std::vector<int32_t> ids, targets;
  for (int64_t v : expected.read_ints("input_ids")) ids.push_back(int32_t(v));
  for (int64_t v : expected.read_ints("targets")) targets.push_back(int32_t(v));
  const auto begins = expected.read_ints("span_begin");
  const auto lengths = expected.read_ints("span_length");
  const auto advantages = expected.read_all("advantages");
  const auto old_logprobs = expected.read_all("old_logprobs");
  const auto ref_logprobs = expected.read_all("ref_logprobs");
  std::vector<CompletionSpan> spans;
  int64_t num_tokens = 0;
  for (int64_t b = 0; b < B; ++b) {
    spans.push_back({b, begins[size_t(b)], lengths[size_t(b)], advantages[size_t(b)]});
    num_tokens += lengths[size_t(b)];
  }

  GrpoLossConfig config;
  config.epsilon = std::stod(meta.at("epsilon"));
  config.epsilon_high = std::stod(meta.at("epsilon_high"));
  config.beta = std::stod(meta.at("beta"));
  config.entropy_coef = std::stod(meta.at("entropy_coef"));
  config.max_completion_length = std::stoll(meta.at("max_completion_length"));
  config.loss_type = mode;
  ASSERT_GT(config.beta, 0.0);

  TrainingGraph graph(c, B, T);
  graph.forward(model, ids.data(), targets.data(), B, T, std::stof(meta.at("temperature")));
  std::vector<float> dlogp(size_t(B * T), 0.0f), dent(size_t(B * T), 0.0f);
  const GrpoLossStats stats =
      grpo_loss(config, spans, T, graph.logprobs(), graph.entropy(), old_logprobs.data(),
                ref_logprobs.data(), B, num_tokens, dlogp.data(), dent.data());
  EXPECT_GT(stats.clip_fraction, 0.0) << "the fixture must exercise clipping";

  double loss_sensitivity = 0, max_abs_logp = 0;
  for (const CompletionSpan& s : spans)
    for (int64_t t = 0; t < s.length; ++t) {
      const size_t i = size_t(s.row * T + s.begin + t);
      loss_sensitivity +=
          std::abs(dlogp[i] * graph.logprobs()[i]) + std::abs(dent[i] * graph.entropy()[i]);
      max_abs_logp = std::max(max_abs_logp, double(std::abs(graph.logprobs()[i])));
    }
  const double ref_loss = expected.read_all("loss." + mode)[0];
  EXPECT_NEAR(stats.loss, ref_loss, fwd_tol * (std::abs(ref_loss) + loss_sensitivity)) << "loss";

  std::vector<float> grads(model.num_params(), 0.0f);
  graph.backward(model, dlogp.data(), dent.data(), grads.data());
  const double grad_tol = 2 * fwd_tol + fwd_tol * max_abs_logp;
  for (const ParamTensor& t : model.layout().tensors) {
    const auto ref = expected.read_all("grad." + mode + "." + t.name);
    EXPECT_LE(rel_l2(grads.data() + t.offset, ref), grad_tol) << "grad." << mode << "." << t.name;
  }
}

INSTANTIATE_TEST_SUITE_P(LossTypes, GrpoParity, ::testing::Values("grpo", "dapo", "dr_grpo"));

}  // namespace r1
