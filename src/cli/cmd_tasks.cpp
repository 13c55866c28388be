// `r1 tasks` prints generated problems and `r1 corpus` prints documents of the
// synthetic pretraining corpus, both as JSON lines, so users can look at what
// a run will train and evaluate on.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/check.h"
#include "tasks/generator.h"

namespace r1::cli {
namespace {

struct TasksArgs {
  std::string task;
  uint64_t n = 10;
  uint64_t seed = 1;
  std::string split = "train";
  std::string options = "{}";
};

nlohmann::json parse_options(const std::string& text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail("--options: expected a JSON object, e.g. '{{\"max_digits\": 4}}': {}", e.what());
  }
}

void run_tasks(const TasksArgs& args) {
  const auto generator = make_task_generator(args.task, parse_options(args.options));
  const Split split = parse_split(args.split, "--split");
  for (uint64_t i = 0; i < args.n; ++i) {
    fmt::print("{}\n", to_json(generator->problem(args.seed, i, split)).dump());
  }
}

}  // namespace

void add_tasks(CLI::App& app) {
  auto args = std::make_shared<TasksArgs>();
  auto* tasks = app.add_subcommand("tasks", "Print generated problems of a built-in task as JSONL");
  tasks->add_option("--task", args->task, "Task: arithmetic, countdown, linear, word, trivial")
      ->required();
  tasks->add_option("--n", args->n, "Number of problems")->capture_default_str();
  tasks->add_option("--seed", args->seed, "Seed")->capture_default_str();
  tasks->add_option("--split", args->split, "train or test")->capture_default_str();
  tasks->add_option("--options", args->options, "Task options as a JSON object")
      ->capture_default_str();
  tasks->callback([args] { run_tasks(*args); });
}

}  // namespace r1::cli
