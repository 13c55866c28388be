// Whole-model parity with an independent PyTorch implementation
// (tools/torch_ref.py, fixtures written by tools/make_model_fixtures.py in
// float64): logits, log-probs, entropies, loss, every parameter gradient, the
// global gradient norm, and the weights after clipping plus one AdamW step.
//
// Tolerances are derived from fp32 rounding, not tuned: our forward rounds
// each dot product of length K with relative error ≲ √K·u (u = 2⁻²⁴, random
// rounding), and an output passes through about 8 such ops per layer, so the
// relative L2 error of a tensor is bounded by ≈ 8·L·√K_max·u; gradients pass
// the chain twice (factor 2).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "../common/tolerance.h"
#include "core/safetensors.h"
#include "model/model.h"
#include "model/transformer.h"
#include "train/optimizer.h"

namespace r1 {

namespace {

using testing::kUnitRoundoff;
using testing::rel_l2;

class Parity : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(Parity, MatchesPyTorch) {
  const std::string dir = std::string(R1_SOURCE_DIR) + "/tests/fixtures/model/" + GetParam();
  Model model = load_model(dir);
  const ModelConfig& c = model.config();
  SafetensorsReader expected(dir + "/expected.safetensors");
  const int64_t B = std::stoll(expected.metadata().at("B"));
  const int64_t T = std::stoll(expected.metadata().at("T"));
  const int64_t k_max = std::max({c.hidden_size, c.intermediate_size, c.q_dim(), T});
  const double fwd_tol = 8.0 * double(c.num_layers + 1) * std::sqrt(double(k_max)) * kUnitRoundoff;
  const double bwd_tol = 2 * fwd_tol;

  std::vector<int32_t> ids, targets;
  for (int64_t v : expected.read_ints("input_ids")) ids.push_back(int32_t(v));
  for (int64_t v : expected.read_ints("targets")) targets.push_back(int32_t(v));
  const auto w = expected.read_all("loss_weights");
  const auto e = expected.read_all("entropy_weights");

  TrainingGraph graph(c, B, T);
  graph.forward(model, ids.data(), targets.data(), B, T);
  EXPECT_LE(rel_l2(graph.logits(), expected.read_all("logits")), fwd_tol) << "logits";
  EXPECT_LE(rel_l2(graph.logprobs(), expected.read_all("logprobs")), fwd_tol) << "logprobs";
  EXPECT_LE(rel_l2(graph.entropy(), expected.read_all("entropy")), fwd_tol) << "entropy";
  std::vector<float> dlogp(size_t(B * T)), dent(size_t(B * T));
  const double loss = weighted_loss(graph.logprobs(), graph.entropy(), w.data(), e.data(), B * T,
                                    dlogp.data(), dent.data());
  const double ref_loss = expected.read_all("loss")[0];
  EXPECT_NEAR(loss, ref_loss, fwd_tol * (1 + std::abs(ref_loss))) << "loss";

  std::vector<float> grads(model.num_params(), 0.0f);
  graph.backward(model, dlogp.data(), dent.data(), grads.data());
  for (const ParamTensor& t : model.layout().tensors) {
    const auto ref = expected.read_all("grad." + t.name);
    EXPECT_LE(rel_l2(grads.data() + t.offset, ref), bwd_tol) << "grad." << t.name;
  }
  const double ref_norm = expected.read_all("grad_norm")[0];
  EXPECT_NEAR(global_norm(grads.data(), grads.size()), ref_norm, bwd_tol * ref_norm) << "grad_norm";

  // Clipping and AdamW, fed the reference gradients so that the comparison
  // isolates the update arithmetic: each updated weight is a few fp32
  // roundings of p·(1 − lr·wd) − lr·m̂/(√v̂ + eps), whose step is ≤ lr.
  std::vector<float> ref_grads(model.num_params());
  for (const ParamTensor& t : model.layout().tensors) {
    const auto g = expected.read_all("grad." + t.name);
    std::copy(g.begin(), g.end(), ref_grads.begin() + int64_t(t.offset));
  }
  const double max_norm = std::stod(expected.metadata().at("max_grad_norm"));
  ASSERT_LT(max_norm, ref_norm) << "the fixture must exercise clipping";
  EXPECT_NEAR(clip_grad_norm(ref_grads.data(), ref_grads.size(), max_norm), ref_norm,
              1e-6 * ref_norm);
  const double lr = std::stod(expected.metadata().at("lr"));
  AdamW adam(model.layout(),
             {std::stod(expected.metadata().at("beta1")),
              std::stod(expected.metadata().at("beta2")), std::stod(expected.metadata().at("eps")),
              std::stod(expected.metadata().at("weight_decay"))});
  adam.step(model.data(), ref_grads.data(), lr);
  for (const ParamTensor& t : model.layout().tensors) {
    const auto ref = expected.read_all("updated." + t.name);
    for (int64_t i = 0; i < t.numel(); ++i) {
      const double tol = 8 * kUnitRoundoff * (std::abs(ref[size_t(i)]) + lr);
      EXPECT_NEAR(model.data()[t.offset + size_t(i)], ref[size_t(i)], tol)
          << "updated." << t.name << "[" << i << "]";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Parity,
                         ::testing::Values("llama_gqa_tied", "llama_mha_bias_untied",
                                           "qwen2_bias_untied", "qwen3_qknorm"));

}  // namespace r1
