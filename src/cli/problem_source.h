// Where a command's problems come from: a built-in task's split, or a JSONL
// benchmark (`r1 eval` reads the test split, `r1 reject` the train split).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "tasks/problem.h"
#include "tasks/split.h"

namespace r1::cli {

struct ProblemSource {
  std::string task, task_options, data;
  int64_t n = 100;
  uint64_t seed = 0;
};

// Adds --task, --task-options, --data and --n to `cmd`.
void add_problem_source_options(CLI::App* cmd, ProblemSource& source);

// The first n problems of the task's `split` (task options default to those
// of the built-in model's corpus) or of the JSONL file.
std::vector<Problem> load_problems(const ProblemSource& source, Split split);

// "task NAME" or the file name, for tables and reports.
std::string describe(const ProblemSource& source);

}  // namespace r1::cli
