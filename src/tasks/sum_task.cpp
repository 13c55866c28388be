// Chained addition of small numbers: "What is 5 + 2 + 4 + 7?".
//
// The task a tiny model cannot answer in one step but can by steps: a running
// sum ("5 + 2 = 7. 7 + 4 = 11. …") needs only one small addition per step and
// the next term, which distinct terms make easy to find in the prompt.
//
// Options: "min_terms"/"max_terms" (4/6) — how many terms; "max_value" (9) —
// terms are in [1, max_value]; "distinct" (1) — no term repeats (then
// max_terms ≤ max_value); "worded" (0) — worked solutions say "5 plus 2 is 7"
// instead of "5 + 2 = 7" (the flag is kept in the reference), so a chain of
// thought holds words of its language.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <numeric>

#include "core/check.h"
#include "tasks/generator.h"
#include "tasks/task_options.h"

namespace r1 {
namespace {

class SumGenerator : public TaskGenerator {
 public:
  explicit SumGenerator(TaskOptions& options)
      : TaskGenerator(options),
        min_terms_(options.integer("min_terms", 4, 2, 20)),
        max_terms_(options.integer("max_terms", 6, min_terms_, 20)),
        max_value_(options.integer("max_value", 9, 1, 1000000)),
        distinct_(options.integer("distinct", 1, 0, 1) == 1),
        worded_(options.integer("worded", 0, 0, 1) == 1) {
    R1_CHECK(!distinct_ || max_terms_ <= max_value_,
             "task 'sum' options: {} distinct terms do not fit in [1, {}] (lower max_terms or "
             "set distinct 0)",
             max_terms_, max_value_);
  }

  std::string name() const override { return "sum"; }

 protected:
  DrawnProblem draw(Rng& rng, const std::string& lang) const override {
    const int64_t count = min_terms_ + int64_t(rng.below(uint64_t(max_terms_ - min_terms_ + 1)));
    std::vector<int64_t> terms;
    while (int64_t(terms.size()) < count) {
      const int64_t t = 1 + int64_t(rng.below(uint64_t(max_value_)));
      if (distinct_ && std::find(terms.begin(), terms.end(), t) != terms.end()) continue;
      terms.push_back(t);
    }
    const int64_t answer = std::accumulate(terms.begin(), terms.end(), int64_t(0));
    const std::string expression = fmt::format("{}", fmt::join(terms, " + "));
    DrawnProblem drawn;
    drawn.canonical = fmt::format("{}", fmt::join(terms, ","));
    drawn.problem.prompt = lang == "zh" ? fmt::format("计算 {} 等于多少？", expression)
                                        : fmt::format("What is {}?", expression);
    drawn.problem.reference = {
        {"answer", std::to_string(answer)}, {"terms", terms}, {"expression", expression}};
    if (worded_) drawn.problem.reference["worded"] = true;
    drawn.problem.reward = "math";
    return drawn;
  }

 private:
  int64_t min_terms_, max_terms_, max_value_;
  bool distinct_, worded_;
};

}  // namespace

std::unique_ptr<TaskGenerator> make_sum_generator(TaskOptions& options) {
  return std::make_unique<SumGenerator>(options);
}

}  // namespace r1
