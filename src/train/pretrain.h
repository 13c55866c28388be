// Next-token pretraining on a token stream: each step draws B windows of T+1
// tokens at positions chosen by the counter-based RNG keyed by (seed, step,
// row), so a resumed run sees exactly the data the uninterrupted run would.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/model.h"
#include "train/optimizer.h"

namespace r1 {

struct PretrainConfig {
  int64_t batch_size = 16;
  int64_t seq_len = 256;
  int64_t steps = 1000;
  LrSchedule schedule;
  AdamWConfig adamw;
  double max_grad_norm = 1.0;
  uint64_t seed = 1;
  int64_t checkpoint_every = 100;  // 0: only at the end
  int keep_checkpoints = 2;
};

struct PretrainResult {
  int64_t steps_done = 0;
  double final_loss = 0;  // mean per-token loss of the last step
};

// Trains `model` in place. Writes RUN_DIR/metrics.jsonl (one line per step:
// step, loss, lr, grad_norm, tokens_per_s, time_s) and checkpoints. With
// `resume`, continues from RUN_DIR's latest checkpoint (if any): later steps
// are bit-identical to an uninterrupted run.
PretrainResult pretrain(Model& model, const std::vector<int32_t>& tokens,
                        const PretrainConfig& config, const std::string& run_dir, bool resume);

}  // namespace r1
