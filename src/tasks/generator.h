// Built-in task generators: seeded, endless streams of checkable problems with
// difficulty knobs, each split into train and held-out test by content
// (split.h). Problem `index` of a split is a pure function of (seed, task,
// options, index), so any problem can be regenerated without the ones before.
//
// Options common to every task: "test_fraction" (default 0.1) — the share of
// the problem space held out; "zh_share" (default 0.3) — the probability that a
// prompt is written in Chinese (the language never changes the split).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/rng.h"
#include "tasks/problem.h"
#include "tasks/split.h"

namespace r1 {

class TaskOptions;

// One candidate drawn from the task's distribution, before the split filter.
struct DrawnProblem {
  Problem problem;  // id is filled in by TaskGenerator::problem
  // The problem's identity for the split: its math, without wording or language.
  std::string canonical;
};

class TaskGenerator {
 public:
  virtual ~TaskGenerator() = default;
  virtual std::string name() const = 0;

  // Problem number `index` of `split`: candidates are drawn from streams keyed
  // by (seed, task, index, attempt) until one falls into the split.
  Problem problem(uint64_t seed, uint64_t index, Split split) const;
  std::vector<Problem> problems(uint64_t seed, Split split, uint64_t count) const;

  // The same draw with its canonical content, for callers that need both.
  DrawnProblem drawn_problem(uint64_t seed, uint64_t index, Split split) const;

  double test_fraction() const { return test_fraction_; }

 protected:
  // Reads the common options from `options`.
  explicit TaskGenerator(TaskOptions& options);
  // Draws one candidate; `lang` is the prompt language already drawn.
  virtual DrawnProblem draw(Rng& rng, const std::string& lang) const = 0;

 private:
  double test_fraction_;
  double zh_share_;
};

// Task names: "arithmetic", "sum", "countdown", "linear", "word", "trivial".
const std::vector<std::string>& task_names();
// Unknown names and bad options are r1::Error naming the key and the range.
std::unique_ptr<TaskGenerator> make_task_generator(const std::string& name,
                                                   const nlohmann::json& options);

// Per-task factories (one file each), registered in make_task_generator.
std::unique_ptr<TaskGenerator> make_arithmetic_generator(TaskOptions& options);
std::unique_ptr<TaskGenerator> make_sum_generator(TaskOptions& options);
std::unique_ptr<TaskGenerator> make_countdown_generator(TaskOptions& options);
std::unique_ptr<TaskGenerator> make_linear_equation_generator(TaskOptions& options);
std::unique_ptr<TaskGenerator> make_word_problem_generator(TaskOptions& options);
std::unique_ptr<TaskGenerator> make_trivial_query_generator(TaskOptions& options);

}  // namespace r1
