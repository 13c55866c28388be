// Next-token pretraining on a token stream: each step draws B windows of T+1
// tokens at positions chosen by the counter-based RNG keyed by (seed, step,
// row), so a resumed run sees exactly the data the uninterrupted run would.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/model.h"
#include "train/optimizer.h"
#include "train/trainer.h"

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
  // -1: each row is a random window of seq_len tokens (documents run into each
  // other). A token id: each row is one whole document ending with this token,
  // starting at position 0 as a prompt does at inference and seeing no other
  // document; rows are right-padded to the longest (at most seq_len) with zero
  // loss weight, so batch_size counts documents.
  int32_t document_separator = -1;
};

struct PretrainResult {
  int64_t steps_done = 0;
  double final_loss = 0;  // mean per-token loss of the last step
};

// Start offsets of the non-empty documents of `tokens`, each ending with
// `separator` (a last document without one ends at the end of the corpus).
std::vector<size_t> document_starts(const std::vector<int32_t>& tokens, int32_t separator);

// The batch of one step with document rows (PretrainConfig::document_separator):
// batch.B random whole documents, each truncated to max_T positions and
// right-padded to the longest row, which sets batch.T. Padding has loss
// weight 0; the real positions share the weight 1 evenly.
void fill_documents(TokenBatch& batch, const std::vector<int32_t>& tokens,
                    const std::vector<size_t>& starts, int32_t separator, int64_t max_T,
                    uint64_t seed, int64_t step);

// Trains `model` in place. Writes RUN_DIR/metrics.jsonl (one line per step:
// step, loss, lr, grad_norm, tokens_per_s, time_s) and checkpoints. With
// `resume`, continues from RUN_DIR's latest checkpoint (if any): later steps
// are bit-identical to an uninterrupted run.
PretrainResult pretrain(Model& model, const std::vector<int32_t>& tokens,
                        const PretrainConfig& config, const std::string& run_dir, bool resume);

}  // namespace r1
