// Supervised fine-tuning from model directory to model directory: the cold
// start, the rejection-sampling SFT and distillation of the R1 recipe.
#pragma once

#include <cstdint>
#include <string>

#include "train/sft.h"

namespace r1 {

struct FineTuneResult {
  int64_t examples = 0, truncated = 0;
  SftResult sft;
};

// Fine-tunes the model of directory `init` on the prompt/completion JSONL
// `data` and writes model directory `out` (weights, tokenizer, checkpoints,
// metrics.jsonl), continuing from `out`'s checkpoints when it has some.
// `config.max_length` 0 means the model's context. An error when `data` has no
// examples.
FineTuneResult fine_tune(const std::string& init, const std::string& data, SftConfig config,
                         const std::string& out);

}  // namespace r1
