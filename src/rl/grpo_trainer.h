// The GRPO loop (R1-Zero): per step, draw B prompts from the task mixture,
// sample G completions each through the generation engine (the prompt is
// prefilled once per group), score them with rule rewards, normalise rewards
// within each group into advantages, and run μ passes of the clipped GRPO loss
// over mini-batches. The sampling-time log-probs are π_old exactly (the
// engine's log-probs are the trainer's, bit for bit), so no recomputation is
// needed. Writes metrics.jsonl, samples.jsonl, checkpoints; resumes exactly.
#pragma once

#include <string>

#include "core/config.h"
#include "model/model.h"
#include "tokenizer/tokenizer.h"

namespace r1 {

struct GrpoResult {
  int64_t steps = 0;
  double first_heldout_accuracy = -1, last_heldout_accuracy = -1;
  double first_heldout_length = -1, last_heldout_length = -1;
};

// Trains `policy` in place (the base model on entry) with the recipe `config`
// (grpo_config_schema()); `run_dir` receives the run's files.
GrpoResult run_grpo(const Config& config, Model& policy, const Tokenizer& tokenizer,
                    const std::string& run_dir, bool resume);

}  // namespace r1
