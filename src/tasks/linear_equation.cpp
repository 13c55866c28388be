// Linear equations with integer solutions: "Solve for x: 3x + 5 = 20.".
//
// Options: "max_coefficient" (9) — a in [2, max]; "max_constant" (20) — b in
// [-max, max] without 0; "max_solution" (20) — x in [0, max], or
// [-max, max] when "negative_solutions" is 1 (default 0).
#include <fmt/format.h>

#include "tasks/generator.h"
#include "tasks/task_options.h"

namespace r1 {
namespace {

int64_t uniform_in(Rng& rng, int64_t low, int64_t high) {
  return low + int64_t(rng.below(uint64_t(high - low + 1)));
}

class LinearEquationGenerator : public TaskGenerator {
 public:
  explicit LinearEquationGenerator(TaskOptions& options)
      : TaskGenerator(options),
        max_coefficient_(options.integer("max_coefficient", 9, 2, 1000)),
        max_constant_(options.integer("max_constant", 20, 1, 1000000)),
        max_solution_(options.integer("max_solution", 20, 1, 1000000)),
        negative_solutions_(options.integer("negative_solutions", 0, 0, 1) == 1) {}

  std::string name() const override { return "linear"; }

 protected:
  DrawnProblem draw(Rng& rng, const std::string& lang) const override {
    const int64_t a = uniform_in(rng, 2, max_coefficient_);
    int64_t b = uniform_in(rng, 1, max_constant_);
    if (rng.below(2)) b = -b;
    const int64_t x = uniform_in(rng, negative_solutions_ ? -max_solution_ : 0, max_solution_);
    const int64_t c = a * x + b;
    const std::string equation =
        fmt::format("{}x {} {} = {}", a, b < 0 ? '-' : '+', std::abs(b), c);
    DrawnProblem drawn;
    drawn.canonical = fmt::format("{},{},{}", a, b, c);
    drawn.problem.prompt = lang == "zh" ? fmt::format("解方程：{}。求 x。", equation)
                                        : fmt::format("Solve for x: {}.", equation);
    drawn.problem.reference = {{"answer", std::to_string(x)}, {"a", a}, {"b", b}, {"c", c}};
    drawn.problem.reward = "math";
    return drawn;
  }

 private:
  int64_t max_coefficient_, max_constant_, max_solution_;
  bool negative_solutions_;
};

}  // namespace

std::unique_ptr<TaskGenerator> make_linear_equation_generator(TaskOptions& options) {
  return std::make_unique<LinearEquationGenerator>(options);
}

}  // namespace r1
