// Multi-digit arithmetic: "What is 345 + 789?".
//
// Options: "min_digits"/"max_digits" (2/3) — digit count of both operands;
// "mul_max_digits" (2) — digit count cap of the second factor of a product,
// which keeps worked multiplications short; "ops" ("+-*") — the operations.
#include <fmt/format.h>

#include <algorithm>

#include "tasks/generator.h"
#include "tasks/task_options.h"

namespace r1 {
namespace {

int64_t power_of_ten(int64_t n) {
  int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

class ArithmeticGenerator : public TaskGenerator {
 public:
  explicit ArithmeticGenerator(TaskOptions& options)
      : TaskGenerator(options),
        min_digits_(options.integer("min_digits", 2, 1, 9)),
        max_digits_(options.integer("max_digits", 3, min_digits_, 9)),
        mul_max_digits_(options.integer("mul_max_digits", 2, 1, 9)),
        ops_(options.characters("ops", "+-*", "+-*")) {}

  std::string name() const override { return "arithmetic"; }

 protected:
  DrawnProblem draw(Rng& rng, const std::string& lang) const override {
    const char op = ops_[rng.below(ops_.size())];
    int64_t a = draw_operand(rng, max_digits_);
    int64_t b = draw_operand(rng, op == '*' ? std::min(max_digits_, mul_max_digits_) : max_digits_);
    if (op == '-' && a < b) std::swap(a, b);  // answers stay non-negative
    const int64_t answer = op == '+' ? a + b : op == '-' ? a - b : a * b;
    DrawnProblem drawn;
    drawn.canonical = fmt::format("{}{}{}", a, op, b);
    drawn.problem.prompt = lang == "zh" ? fmt::format("计算 {} {} {} 等于多少？", a, op, b)
                                        : fmt::format("What is {} {} {}?", a, op, b);
    drawn.problem.reference = {
        {"answer", std::to_string(answer)}, {"a", a}, {"b", b}, {"op", std::string(1, op)}};
    drawn.problem.reward = "math";
    return drawn;
  }

 private:
  // A number with a uniformly drawn digit count; a product's second factor
  // may be capped below min_digits, and then has exactly max_digits digits.
  int64_t draw_operand(Rng& rng, int64_t max_digits) const {
    const int64_t min_digits = std::min(max_digits, min_digits_);
    const int64_t digits = min_digits + int64_t(rng.below(uint64_t(max_digits - min_digits + 1)));
    const int64_t low = digits == 1 ? 0 : power_of_ten(digits - 1);
    const int64_t high = power_of_ten(digits) - 1;
    return low + int64_t(rng.below(uint64_t(high - low + 1)));
  }

  int64_t min_digits_, max_digits_, mul_max_digits_;
  std::string ops_;
};

}  // namespace

std::unique_ptr<TaskGenerator> make_arithmetic_generator(TaskOptions& options) {
  return std::make_unique<ArithmeticGenerator>(options);
}

}  // namespace r1
