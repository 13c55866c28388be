// GRPO (R1-Zero) on the shared RL loop (rl_loop.h): rewards normalised within
// each group of G completions into advantages, then μ passes of the clipped
// GRPO loss over mini-batches. The sampling-time log-probs are π_old exactly
// (the engine's log-probs are the trainer's, bit for bit), so no
// recomputation is needed.
#pragma once

#include <string>

#include "core/config.h"
#include "model/model.h"
#include "rl/rl_loop.h"
#include "tokenizer/tokenizer.h"

namespace r1 {

using GrpoResult = RlResult;

// Trains `policy` in place (the base model on entry) with the recipe `config`
// (grpo_config_schema()); `run_dir` receives the run's files.
GrpoResult run_grpo(const Config& config, Model& policy, const Tokenizer& tokenizer,
                    const std::string& run_dir, bool resume, const RlHooks& hooks = {});

}  // namespace r1
