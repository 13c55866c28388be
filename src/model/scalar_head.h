// The scalar head of a value or reward model: a sequence classifier with one
// label (HF *ForSequenceClassification, num_labels = 1) reads the trunk's
// final-norm hidden state h at every position and outputs v = score.weight · h.
// PPO's critic uses the value at every completion token; a reward model the
// value at a sequence's last token.
#pragma once

#include <cstdint>
#include <vector>

#include "model/model.h"
#include "model/transformer.h"

namespace r1 {

// A sequence classifier (num_labels = 1) with the trunk of `policy` (copied)
// and score.weight drawn from N(0, init_std²) (init_std = 0: zeros, so every
// value starts at 0). The policy's lm_head, if untied, is dropped.
Model scalar_model_from(const Model& policy, float init_std = 0.0f, uint64_t seed = 0);

class ScalarHead {
 public:
  // Buffers for up to max_tokens = B·T positions of a model with `hidden_size`.
  ScalarHead(int64_t max_tokens, int64_t hidden_size);

  // Runs the trunk of `model` through `graph` (any graph with the same trunk
  // shape) and the head: values()[b·T + t] for the (B,T) ids; packing as
  // in TrainingGraph::forward.
  void forward(TrainingGraph& graph, const Model& model, const int32_t* ids, int64_t B, int64_t T,
               const Packing& packing = {});
  const float* values() const { return values_.data(); }

  // Given dL/dvalues (B·T) of the last forward, through the same graph, adds
  // dL/dparams (score.weight and the trunk) into `grads` (model's layout).
  void backward(TrainingGraph& graph, const Model& model, const float* dvalues, float* grads);

 private:
  int64_t max_tokens_, C_, N_ = 0;
  std::vector<float> values_, dhidden_;
  PackedMatrix score_;  // the score row, packed at each forward
};

}  // namespace r1
