#include "model/scalar_head.h"

#include <algorithm>

#include "core/check.h"
#include "core/rng.h"
#include "model/ops.h"

namespace r1 {

Model scalar_model_from(const Model& policy, float init_std, uint64_t seed) {
  R1_CHECK(policy.config().num_labels == 0, "scalar_model_from: expected a causal LM");
  ModelConfig config = policy.config();
  config.num_labels = 1;
  Model model(config);
  for (const ParamTensor& t : model.layout().tensors) {
    float* dst = model.data() + t.offset;
    if (t.name == "score.weight") {
      Rng rng(seed, 0x5c0e, 0);
      for (int64_t i = 0; i < t.numel(); ++i)
        dst[i] = init_std == 0.0f ? 0.0f : init_std * rng.normal();
      continue;
    }
    const ParamTensor* src = policy.layout().find(t.name);
    R1_CHECK(src != nullptr && src->shape == t.shape, "scalar_model_from: no policy tensor {}",
             t.name);
    std::copy(policy.data() + src->offset, policy.data() + src->offset + t.numel(), dst);
  }
  return model;
}

ScalarHead::ScalarHead(int64_t max_tokens, int64_t hidden_size)
    : max_tokens_(max_tokens),
      C_(hidden_size),
      values_(size_t(max_tokens)),
      dhidden_(size_t(max_tokens * hidden_size)) {}

void ScalarHead::forward(TrainingGraph& graph, const Model& model, const int32_t* ids, int64_t B,
                         int64_t T, const Packing& packing) {
  R1_CHECK(model.config().num_labels == 1 && model.config().hidden_size == C_,
           "ScalarHead: expected a sequence classifier with one label and hidden size {}", C_);
  R1_CHECK(B * T <= max_tokens_, "ScalarHead: {} positions exceed its capacity {}", B * T,
           max_tokens_);
  graph.forward_hidden(model, ids, B, T, packing);
  N_ = B * T;
  score_.pack(model.weights().score, 1, C_);
  ops::matmul_forward(values_.data(), graph.hidden(), score_, nullptr, N_);
}

void ScalarHead::backward(TrainingGraph& graph, const Model& model, const float* dvalues,
                          float* grads) {
  R1_CHECK(N_ > 0, "ScalarHead::backward called before forward");
  const Weights g = bind_weights(model.config(), grads);
  std::fill(dhidden_.begin(), dhidden_.begin() + N_ * C_, 0.0f);
  ops::matmul_backward(dhidden_.data(), g.score, nullptr, dvalues, graph.hidden(),
                       model.weights().score, N_, C_, int64_t(1));
  graph.backward_hidden(model, dhidden_.data(), grads);
}

}  // namespace r1
