// `r1 eval MODEL_DIR`: held-out evaluation on a built-in task's test split or
// a JSONL benchmark; prints a table and writes the report as JSON.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/check.h"
#include "core/file_io.h"
#include "core/progress.h"
#include "core/threads.h"
#include "eval/evaluator.h"
#include "model/model.h"
#include "pipeline/builtin_base.h"
#include "tasks/corpus.h"
#include "tasks/dataset.h"
#include "tasks/generator.h"
#include "tokenizer/tokenizer_io.h"

namespace r1::cli {
namespace {

struct EvalArgs {
  std::string model_dir, task, task_options, data, out;
  int64_t n = 100;
  int threads = 0;
  EvalOptions eval;
};

// Without --task-options a task gets the options of the built-in model's
// corpus, so its test split is the held-out half of what the base model saw.
nlohmann::json task_options(const EvalArgs& args) {
  if (!args.task_options.empty()) {
    try {
      return nlohmann::json::parse(args.task_options);
    } catch (const nlohmann::json::parse_error& e) {
      fail("--task-options: expected a JSON object: {}", e.what());
    }
  }
  const CorpusMix mix = builtin_base_config(/*quick=*/false).mix;
  nlohmann::json options = mix.task_options.value(args.task, nlohmann::json::object());
  options["zh_share"] = mix.zh_prompt_share;
  return options;
}

std::vector<Problem> load_problems(const EvalArgs& args) {
  R1_CHECK(args.task.empty() != args.data.empty(), "give exactly one of --task and --data");
  R1_CHECK(args.n >= 1, "--n must be at least 1, got {}", args.n);
  if (!args.task.empty()) {
    const auto generator = make_task_generator(args.task, task_options(args));
    return generator->problems(args.eval.seed, Split::test, uint64_t(args.n));
  }
  Dataset dataset = load_jsonl_dataset(args.data);
  if (int64_t(dataset.problems.size()) > args.n) dataset.problems.resize(size_t(args.n));
  return std::move(dataset.problems);
}

void print_table(const EvalReport& r, const std::string& source) {
  fmt::print("{} — {} problems × {} samples\n", source, r.problems, r.k);
  const std::vector<std::pair<std::string, double>> rows = {
      {"pass@1", r.pass_at_1},
      {fmt::format("cons@{}", r.k), r.cons_at_k},
      {fmt::format("pass@{}", r.k), r.pass_at_k},
      {"response_length_mean", r.response_length_mean},
      {"reflection_rate", r.reflection_rate},
      {"long_form_rate", r.long_form_rate},
      {"long_form_accuracy", r.long_form_accuracy},
      {"brief_accuracy", r.brief_accuracy},
      {"language_mixing_rate", r.language_mixing_rate}};
  for (const auto& [name, value] : rows) fmt::print("  {:<22} {:>8.4f}\n", name, value);
}

void run_eval(const EvalArgs& args) {
  set_threads(args.threads);
  const std::vector<Problem> problems = load_problems(args);
  const Model model = load_model(args.model_dir);
  const Tokenizer tokenizer = load_tokenizer(args.model_dir);
  R1_CHECK(tokenizer.vocab_size() <= model.config().vocab_size,
           "{}: the tokenizer has {} tokens but the model only {}", args.model_dir,
           tokenizer.vocab_size(), model.config().vocab_size);
  Progress progress("eval", int64_t(problems.size()) * args.eval.k, 0, 5.0);
  const EvalReport report =
      evaluate(model, tokenizer, problems, args.eval,
               [&](int64_t done, int64_t) { progress.update(done, "completions"); });
  progress.finish("done");
  const std::string source = args.task.empty() ? args.data : "task " + args.task;
  print_table(report, source);
  if (!args.out.empty()) {
    nlohmann::json json = to_json(report, /*with_problems=*/true);
    json["model"] = args.model_dir;
    json["source"] = source;
    json["temperature"] = args.eval.sampling.temperature;
    json["top_p"] = args.eval.sampling.top_p;
    json["max_new_tokens"] = args.eval.max_new_tokens;
    json["seed"] = args.eval.seed;
    write_file_atomic(args.out, json.dump(2) + "\n");
    fmt::print(stderr, "wrote {}\n", args.out);
  }
}

}  // namespace

void add_eval(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "eval", "Held-out evaluation: pass@1, cons@k, pass@k, length, reflection, language mixing");
  auto args = std::make_shared<EvalArgs>();
  cmd->add_option("model", args->model_dir, "Model directory (config.json, tokenizer.json, …)")
      ->required();
  cmd->add_option("--task", args->task, "Built-in task whose test split to use");
  cmd->add_option("--task-options", args->task_options,
                  "Task options as JSON (default: those of the built-in corpus)");
  cmd->add_option("--data", args->data, "A JSONL benchmark (question/problem + answer fields)");
  cmd->add_option("--n", args->n, "Problems")->capture_default_str();
  cmd->add_option("--k", args->eval.k, "Samples per problem")->capture_default_str();
  cmd->add_option("--temperature", args->eval.sampling.temperature, "Sampling temperature")
      ->capture_default_str();
  cmd->add_option("--top-p", args->eval.sampling.top_p, "Nucleus sampling")->capture_default_str();
  cmd->add_option("--max-new-tokens", args->eval.max_new_tokens, "Completion limit")
      ->capture_default_str();
  cmd->add_option("--seed", args->eval.seed, "Seed of the problems and the samples")
      ->capture_default_str();
  cmd->add_option("--template", args->eval.template_name, "r1_zero_short or r1_zero")
      ->capture_default_str();
  cmd->add_option("--reward", args->eval.reward,
                  "Reward judging every problem (default: each problem's own)");
  cmd->add_option("--out", args->out, "Write the report (with every completion) as JSON");
  cmd->add_option("--threads", args->threads, "Threads (0: all cores)")->capture_default_str();
  cmd->callback([args] { run_eval(*args); });
}

}  // namespace r1::cli
