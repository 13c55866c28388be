// Countdown: reach a target from given numbers with + - * /, each number used
// once. Every problem is built from a witness expression, so every problem is
// solvable; the witness is the reference "answer" and its steps are kept for
// worked solutions. Intermediate results are positive integers, as in the
// game, though the verifier also accepts rational detours.
//
// Options: "min_count"/"max_count" (3/4) — how many numbers; "max_number" (50)
// — numbers are drawn from [1, max_number]; "min_target"/"max_target" (1/100).
#include <fmt/format.h>

#include <algorithm>

#include "core/check.h"
#include "tasks/generator.h"
#include "tasks/task_options.h"

namespace r1 {
namespace {

// A sub-expression of the witness with the precedence of its top operator, so
// that only the parentheses the reader needs are written.
struct Term {
  int64_t value;
  std::string text;
  int precedence;  // 1 for + -, 2 for * /, 3 for a number
};

int precedence_of(char op) {
  return op == '+' || op == '-' ? 1 : 2;
}

std::string operand_text(const Term& term, int parent, bool right_of_non_commutative) {
  const bool wrap =
      term.precedence < parent || (right_of_non_commutative && term.precedence == parent);
  return wrap ? "(" + term.text + ")" : term.text;
}

class CountdownGenerator : public TaskGenerator {
 public:
  explicit CountdownGenerator(TaskOptions& options)
      : TaskGenerator(options),
        min_count_(options.integer("min_count", 3, 2, 6)),
        max_count_(options.integer("max_count", 4, min_count_, 6)),
        max_number_(options.integer("max_number", 50, 2, 1000)),
        min_target_(options.integer("min_target", 1, 1, 1000000)),
        max_target_(options.integer("max_target", 100, min_target_, 1000000)) {}

  std::string name() const override { return "countdown"; }

 protected:
  DrawnProblem draw(Rng& rng, const std::string& lang) const override {
    // Most random witnesses land in range; the bound only matters for option
    // sets whose targets are (nearly) unreachable.
    constexpr int kMaxTries = 10000;
    for (int attempt = 0; attempt < kMaxTries; ++attempt) {
      const int64_t count = min_count_ + int64_t(rng.below(uint64_t(max_count_ - min_count_ + 1)));
      std::vector<int64_t> numbers(count);
      for (int64_t& n : numbers) n = 1 + int64_t(rng.below(uint64_t(max_number_)));
      std::vector<std::string> steps;
      const Term witness = build_witness(rng, numbers, steps);
      if (witness.value < min_target_ || witness.value > max_target_) continue;
      return make_problem(numbers, witness, steps, lang);
    }
    fail("task 'countdown': no witness reaches [{}, {}] with numbers up to {} in {} tries",
         min_target_, max_target_, max_number_, kMaxTries);
  }

 private:
  // Combines random pairs until one term is left; each combination is a step.
  static Term build_witness(Rng& rng, const std::vector<int64_t>& numbers,
                            std::vector<std::string>& steps) {
    std::vector<Term> pool;
    for (int64_t n : numbers) pool.push_back({n, std::to_string(n), 3});
    while (pool.size() > 1) {
      const size_t i = rng.below(pool.size());
      size_t j = rng.below(pool.size() - 1);
      if (j >= i) ++j;
      Term x = pool[i], y = pool[j];
      const char op = pick_operator(rng, x, y);
      if ((op == '-' || op == '/') && x.value < y.value) std::swap(x, y);
      const int64_t value = op == '+'   ? x.value + y.value
                            : op == '-' ? x.value - y.value
                            : op == '*' ? x.value * y.value
                                        : x.value / y.value;
      steps.push_back(fmt::format("{} {} {} = {}", x.value, op, y.value, value));
      const int parent = precedence_of(op);
      Term combined{value,
                    operand_text(x, parent, false) + " " + op + " " +
                        operand_text(y, parent, op == '-' || op == '/'),
                    parent};
      pool.erase(pool.begin() + std::max(i, j));
      pool.erase(pool.begin() + std::min(i, j));
      pool.push_back(std::move(combined));
    }
    return pool.front();
  }

  // An operator whose result is a positive integer of moderate size.
  static char pick_operator(Rng& rng, const Term& x, const Term& y) {
    const int64_t big = std::max(x.value, y.value), small = std::min(x.value, y.value);
    std::string allowed = "+";
    if (big != small) allowed += '-';
    if (big <= 1000000 / small) allowed += '*';
    if (small > 1 && big % small == 0) allowed += '/';
    return allowed[rng.below(allowed.size())];
  }

  static DrawnProblem make_problem(std::vector<int64_t> numbers, const Term& witness,
                                   const std::vector<std::string>& steps, const std::string& lang) {
    const std::string listed = fmt::format("{}", fmt::join(numbers, ", "));
    DrawnProblem drawn;
    drawn.problem.prompt =
        lang == "zh"
            ? fmt::format("用 {} 和 + - * / 算出 {}，每个数只用一次。", listed, witness.value)
            : fmt::format("Use {} and + - * / to make {}. Each number once.", listed,
                          witness.value);
    drawn.problem.reference = {{"answer", witness.text},
                               {"numbers", numbers},
                               {"target", witness.value},
                               {"steps", steps}};
    drawn.problem.reward = "countdown";
    std::sort(numbers.begin(), numbers.end());
    drawn.canonical = fmt::format("{}->{}", fmt::join(numbers, ","), witness.value);
    return drawn;
  }

  int64_t min_count_, max_count_, max_number_, min_target_, max_target_;
};

}  // namespace

std::unique_ptr<TaskGenerator> make_countdown_generator(TaskOptions& options) {
  return std::make_unique<CountdownGenerator>(options);
}

}  // namespace r1
