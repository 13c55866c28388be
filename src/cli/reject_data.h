// Rejection-sampled SFT data, as `r1 reject` and `r1 distill` write it.
#pragma once

#include <cstdint>
#include <string>

#include "cli/problem_source.h"
#include "pipeline/reject.h"

namespace r1::cli {

// Samples the model of `model_dir` on the train split of `problems` (drawn
// with the sampling seed), keeps the correct and readable completions, adds
// `general` built-in general queries (in the built-in model's languages) and
// writes them as prompt/completion JSONL to `out`, with progress on stderr
// labelled `what`.
RejectResult write_rejection_data(const std::string& model_dir, ProblemSource problems,
                                  const RejectOptions& options, int64_t general,
                                  const std::string& out, const std::string& what);

}  // namespace r1::cli
