// One optimizer step of a weighted next-token loss: forward, loss, backward,
// global-norm clipping, AdamW. Shared by pretraining and SFT; RL drives the
// same pieces with its own per-token loss.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/model.h"
#include "model/transformer.h"
#include "train/optimizer.h"

namespace r1 {

// A batch of B right-padded sequences of length T. weights[b,t] weighs the
// loss of predicting targets[b,t]; 0 masks a position (prompt, padding).
// doc_starts, when not empty, packs several documents per row: see
// TrainingGraph::forward.
struct TokenBatch {
  int64_t B = 0, T = 0;
  std::vector<int32_t> ids, targets;
  std::vector<float> weights;
  std::vector<int32_t> doc_starts = {};
};

struct StepStats {
  double loss = 0;       // Σ −w·logprob
  double grad_norm = 0;  // before clipping
  bool skipped = false;  // non-finite loss or gradient: no update was made
  std::string skip_reason;
};

class Trainer {
 public:
  Trainer(Model& model, AdamWConfig adamw, double max_grad_norm, int64_t max_batch,
          int64_t max_seq);

  StepStats step(const TokenBatch& batch, double lr);

  Model& model() { return model_; }
  AdamW& optimizer() { return optimizer_; }
  const AdamW& optimizer() const { return optimizer_; }
  TrainingGraph& graph() { return graph_; }
  std::vector<float>& grads() { return grads_; }
  // Clips, checks finiteness and applies AdamW to the accumulated gradients;
  // zeroes them afterwards. Used by loops that accumulate their own losses.
  StepStats apply(double loss, double lr);

 private:
  Model& model_;
  AdamW optimizer_;
  double max_grad_norm_;
  TrainingGraph graph_;
  std::vector<float> grads_, dlogprobs_;
};

}  // namespace r1
