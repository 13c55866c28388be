// `r1 eval MODEL_DIR`: held-out evaluation on a built-in task's test split or
// a JSONL benchmark; prints a table and writes the report as JSON.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/model_source.h"
#include "cli/problem_source.h"
#include "core/check.h"
#include "core/file_io.h"
#include "core/progress.h"
#include "core/threads.h"
#include "eval/evaluator.h"
#include "model/model.h"

namespace r1::cli {
namespace {

struct EvalArgs {
  std::string model_dir, out;
  ProblemSource problems;
  int threads = 0;
  EvalOptions eval;
};

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
  ProblemSource source = args.problems;
  source.seed = args.eval.seed;
  const std::vector<Problem> problems = load_problems(source, Split::test);
  const auto [model, tokenizer] = load_model_and_tokenizer(args.model_dir);
  Progress progress("eval", int64_t(problems.size()) * args.eval.k, 0, 5.0);
  const EvalReport report =
      evaluate(model, tokenizer, problems, args.eval,
               [&](int64_t done, int64_t) { progress.update(done, "completions"); });
  progress.finish("done");
  print_table(report, describe(source));
  if (!args.out.empty()) {
    nlohmann::json json = to_json(report, /*with_problems=*/true);
    json["model"] = args.model_dir;
    json["source"] = describe(source);
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
  add_problem_source_options(cmd, args->problems);
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
