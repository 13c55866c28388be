#include "tasks/generator.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/check.h"
#include "tasks/task_options.h"

namespace r1 {

TaskGenerator::TaskGenerator(TaskOptions& options)
    : test_fraction_(options.number("test_fraction", 0.1, 0.0, 1.0)),
      zh_share_(options.number("zh_share", 0.3, 0.0, 1.0)) {}

DrawnProblem TaskGenerator::drawn_problem(uint64_t seed, uint64_t index, Split split) const {
  const double wanted = split == Split::test ? test_fraction_ : 1.0 - test_fraction_;
  R1_CHECK(wanted > 0, "task '{}': the {} split is empty (test_fraction = {})", name(),
           split_name(split), test_fraction_);
  // A split holding a share p of the draws needs about 1/p attempts; the bound
  // only trips when the split holds (almost) none of the problem space.
  constexpr uint64_t kMaxAttempts = 100000;
  const uint64_t task_key = fnv1a64(name());
  for (uint64_t attempt = 0; attempt < kMaxAttempts; ++attempt) {
    Rng rng(seed ^ task_key, index, attempt);
    const std::string lang = rng.uniform_double() < zh_share_ ? "zh" : "en";
    DrawnProblem drawn = draw(rng, lang);
    if (split_of(drawn.canonical, test_fraction_) != split) continue;
    drawn.problem.id = fmt::format("{}-{}-{}", name(), split_name(split), index);
    drawn.problem.lang = lang;
    return drawn;
  }
  fail("task '{}': no {} problem in {} draws; its problem space is too small for test_fraction {}",
       name(), split_name(split), kMaxAttempts, test_fraction_);
}

Problem TaskGenerator::problem(uint64_t seed, uint64_t index, Split split) const {
  return drawn_problem(seed, index, split).problem;
}

std::vector<Problem> TaskGenerator::problems(uint64_t seed, Split split, uint64_t count) const {
  std::vector<Problem> out;
  out.reserve(count);
  for (uint64_t i = 0; i < count; ++i) out.push_back(problem(seed, i, split));
  return out;
}

const std::vector<std::string>& task_names() {
  static const std::vector<std::string> kNames = {"arithmetic", "sum",  "countdown",
                                                  "linear",     "word", "trivial"};
  return kNames;
}

std::unique_ptr<TaskGenerator> make_task_generator(const std::string& name,
                                                   const nlohmann::json& options) {
  TaskOptions reader(options, fmt::format("task '{}' options", name));
  std::unique_ptr<TaskGenerator> generator;
  if (name == "arithmetic") {
    generator = make_arithmetic_generator(reader);
  } else if (name == "sum") {
    generator = make_sum_generator(reader);
  } else if (name == "countdown") {
    generator = make_countdown_generator(reader);
  } else if (name == "linear") {
    generator = make_linear_equation_generator(reader);
  } else if (name == "word") {
    generator = make_word_problem_generator(reader);
  } else if (name == "trivial") {
    generator = make_trivial_query_generator(reader);
  } else {
    fail("unknown task '{}' (known: {})", name, fmt::join(task_names(), ", "));
  }
  reader.finish();
  return generator;
}

}  // namespace r1
