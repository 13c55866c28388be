#include "cli/problem_source.h"

#include <nlohmann/json.hpp>

#include "core/check.h"
#include "pipeline/builtin_base.h"
#include "tasks/dataset.h"
#include "tasks/generator.h"

namespace r1::cli {

namespace {

// Without --task-options a task gets the options of the built-in model's
// corpus, so its test split is the held-out half of what the base model saw.
nlohmann::json task_options(const ProblemSource& source) {
  if (!source.task_options.empty()) {
    try {
      return nlohmann::json::parse(source.task_options);
    } catch (const nlohmann::json::parse_error& e) {
      fail("--task-options: expected a JSON object: {}", e.what());
    }
  }
  const CorpusMix mix = builtin_base_config(/*quick=*/false).mix;
  nlohmann::json options = mix.task_options.value(source.task, nlohmann::json::object());
  options["zh_share"] = mix.zh_prompt_share;
  return options;
}

}  // namespace

void add_problem_source_options(CLI::App* cmd, ProblemSource& source) {
  cmd->add_option("--task", source.task,
                  "Built-in task (arithmetic, sum, countdown, linear, word)");
  cmd->add_option("--task-options", source.task_options,
                  "Task options as JSON (default: those of the built-in corpus)");
  cmd->add_option("--data", source.data, "A JSONL file of problems (question/problem + answer)");
  cmd->add_option("--n", source.n, "Problems")->capture_default_str();
}

std::vector<Problem> load_problems(const ProblemSource& source, Split split) {
  R1_CHECK(source.task.empty() != source.data.empty(), "give exactly one of --task and --data");
  R1_CHECK(source.n >= 1, "--n must be at least 1, got {}", source.n);
  if (!source.task.empty()) {
    const auto generator = make_task_generator(source.task, task_options(source));
    return generator->problems(source.seed, split, uint64_t(source.n));
  }
  Dataset dataset = load_jsonl_dataset(source.data);
  if (int64_t(dataset.problems.size()) > source.n) dataset.problems.resize(size_t(source.n));
  return std::move(dataset.problems);
}

std::string describe(const ProblemSource& source) {
  return source.task.empty() ? source.data : "task " + source.task;
}

}  // namespace r1::cli
