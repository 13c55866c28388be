#include "train/trainer.h"

#include <algorithm>
#include <cmath>

#include "core/check.h"

namespace r1 {

Trainer::Trainer(Model& model, AdamWConfig adamw, double max_grad_norm, int64_t max_batch,
                 int64_t max_seq)
    : model_(model),
      optimizer_(model.layout(), adamw),
      max_grad_norm_(max_grad_norm),
      graph_(model.config(), max_batch, max_seq),
      grads_(model.num_params(), 0.0f),
      dlogprobs_(size_t(max_batch * max_seq)) {}

StepStats Trainer::step(const TokenBatch& batch, double lr) {
  const int64_t n = batch.B * batch.T;
  R1_CHECK(int64_t(batch.ids.size()) == n && int64_t(batch.targets.size()) == n &&
               int64_t(batch.weights.size()) == n,
           "TokenBatch: ids/targets/weights must each hold B·T = {} entries", n);
  const bool packed = !batch.doc_starts.empty();
  R1_CHECK(!packed || int64_t(batch.doc_starts.size()) == n,
           "TokenBatch: doc_starts must be empty or hold B·T = {} entries", n);
  graph_.forward(model_, batch.ids.data(), batch.targets.data(), batch.B, batch.T, 1.0f,
                 packed ? batch.doc_starts.data() : nullptr);
  const double loss = weighted_loss(graph_.logprobs(), graph_.entropy(), batch.weights.data(),
                                    nullptr, n, dlogprobs_.data(), nullptr);
  graph_.backward(model_, dlogprobs_.data(), nullptr, grads_.data());
  return apply(loss, lr);
}

StepStats Trainer::apply(double loss, double lr) {
  StepStats stats;
  stats.loss = loss;
  stats.grad_norm = global_norm(grads_.data(), grads_.size());
  if (!std::isfinite(loss)) {
    stats.skipped = true;
    stats.skip_reason = "non-finite loss";
  } else if (!std::isfinite(stats.grad_norm)) {
    stats.skipped = true;
    stats.skip_reason = "non-finite gradient norm";
  }
  // The next backward adds into cleared gradients.
  if (stats.skipped) {
    float* g = grads_.data();
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < grads_.size(); ++i) g[i] = 0.0f;
  } else {
    optimizer_.step_and_clear(model_.data(), grads_.data(), lr,
                              clip_coefficient(stats.grad_norm, max_grad_norm_));
  }
  return stats;
}

}  // namespace r1
