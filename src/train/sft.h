// Supervised fine-tuning: next-token loss on the completion tokens of
// prompt/completion examples (sft_data.h), averaged over the completion tokens
// of each batch (TRL's completion_only_loss). Each epoch visits every row once
// in an order drawn from (seed, epoch), so a resumed run sees exactly the
// batches of an uninterrupted one.
//
// A row holds one example, right-padded to the longest row of its batch; with
// packing it holds several whole examples, placed once by best-fit decreasing
// into rows of at most max_length positions, each attending only to itself
// with positions counted from 0 (TrainingGraph doc_starts), so packing changes
// the batches but not what the model computes for an example.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "model/model.h"
#include "train/optimizer.h"
#include "train/sft_data.h"
#include "train/trainer.h"

namespace r1 {

// Defaults are TRL SFTConfig's (transformers TrainingArguments').
struct SftConfig {
  int64_t epochs = 3;
  int64_t batch_size = 8;     // rows per step
  int64_t max_length = 1024;  // tokens per example (longer ones are truncated)
  bool packing = false;
  LrSchedule schedule{2e-5, 0, 1, "linear", 0.0};
  AdamWConfig adamw{0.9, 0.999, 1e-8, 0.0};
  double max_grad_norm = 1.0;
  uint64_t seed = 42;
  int64_t save_every = 0;  // steps between checkpoints, besides one at every epoch's end
  int keep_checkpoints = 2;
};

// The rows of an epoch, as indices into the examples: one example per row, or
// with packing whole examples by best-fit decreasing of their positions
// (tokens − 1) into rows of at most max_length positions.
std::vector<std::vector<int32_t>> sft_rows(const std::vector<SftExample>& examples,
                                           int64_t max_length, bool packing);

// The rows of `epoch` in the order that epoch visits them.
std::vector<int64_t> sft_epoch_order(int64_t rows, uint64_t seed, int64_t epoch);

// The batch of the given rows: example positions predict their next token,
// trained ones with weight 1/(trained positions in the batch); padding and
// context weigh 0. With `packing`, doc_starts marks each example of a row.
void fill_sft_batch(TokenBatch& batch, const std::vector<SftExample>& examples,
                    const std::vector<std::vector<int32_t>>& rows,
                    std::span<const int64_t> batch_rows, bool packing);

// Mean loss per trained token over `examples` (one example per row,
// batch_size rows per forward pass).
double sft_eval_loss(TrainingGraph& graph, const Model& model,
                     const std::vector<SftExample>& examples, int64_t batch_size);

struct SftResult {
  int64_t steps_done = 0;
  double final_loss = 0;  // loss of the last step
  double eval_loss = -1;  // after the last epoch, when there is eval data
};

// Trains `model` in place and writes OUT_DIR/config.json and
// model.safetensors, checkpoints and metrics.jsonl (a line per step: step,
// epoch, loss, lr, grad_norm, tokens, completion_tokens, tokens_per_s,
// time_s; eval_loss on the last step of each epoch and on a step-0 line).
// With `resume`, continues from OUT_DIR's latest checkpoint (if any), whose
// data must be the same: later steps are bit-identical to an uninterrupted
// run.
SftResult sft(Model& model, const SftData& train, const std::vector<SftExample>& eval,
              const SftConfig& config, const std::string& out_dir, bool resume);

}  // namespace r1
