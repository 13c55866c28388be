// `r1 reject MODEL_DIR`: rejection sampling — sample completions for a task's
// train split (or a JSONL file of problems), keep the correct and readable
// ones, and write them as prompt/completion JSONL for `r1 sft`.
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "cli/commands.h"
#include "cli/model_source.h"
#include "cli/problem_source.h"
#include "cli/reject_data.h"
#include "core/check.h"
#include "core/threads.h"
#include "model/model.h"
#include "pipeline/reject.h"

namespace r1::cli {
namespace {

struct RejectArgs {
  std::string model_dir, out;
  ProblemSource problems;
  RejectOptions reject;
  bool allow_mixed = false, allow_code = false;
  int64_t general = 0;
  int threads = 0;
};

void print_stats(const RejectResult& r, int64_t problems, int64_t general) {
  fmt::print(stderr, "reject: {} problems × {} samples = {} completions, {} correct\n", problems,
             problems == 0 ? 0 : r.samples / problems, r.samples, r.correct);
  for (const auto& [reason, count] : r.rejected)
    fmt::print(stderr, "  rejected {:<11} {:>7} ({:.1f}%)\n", reason, count,
               100.0 * double(count) / double(std::max<int64_t>(1, r.samples)));
  fmt::print(stderr, "  kept {} completions for {} of {} problems, plus {} general examples\n",
             r.kept, r.problems_kept, problems, general);
}

void run_reject(RejectArgs& args) {
  set_threads(args.threads);
  args.reject.filters.reject_mixed_language = !args.allow_mixed;
  args.reject.filters.reject_code_blocks = !args.allow_code;
  const RejectResult result = write_rejection_data(args.model_dir, args.problems, args.reject,
                                                   args.general, args.out, "reject");
  // Every problem gets exactly k samples.
  print_stats(result, result.samples / std::max<int64_t>(1, args.reject.sampling.k), args.general);
  fmt::print(stderr, "wrote {}\n", args.out);
}

}  // namespace

void add_reject(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "reject",
      "Rejection sampling: keep correct, readable completions of a model as SFT data (JSONL)");
  auto args = std::make_shared<RejectArgs>();
  args->reject.sampling.k = 4;
  args->reject.sampling.sampling.temperature = 1.0f;
  args->reject.sampling.sampling.top_p = 1.0f;
  cmd->add_option("model", args->model_dir, "Model directory (config.json, tokenizer.json, …)")
      ->required();
  add_problem_source_options(cmd, args->problems);
  cmd->add_option("--out", args->out, "Output JSONL: prompt, completion, id, lang, source")
      ->required();
  cmd->add_option("--samples", args->reject.sampling.k, "Samples per problem")
      ->capture_default_str();
  cmd->add_option("--keep", args->reject.keep_per_problem,
                  "Distinct completions kept per problem at most")
      ->capture_default_str();
  cmd->add_option("--temperature", args->reject.sampling.sampling.temperature,
                  "Sampling temperature")
      ->capture_default_str();
  cmd->add_option("--top-p", args->reject.sampling.sampling.top_p, "Nucleus sampling")
      ->capture_default_str();
  cmd->add_option("--max-new-tokens", args->reject.sampling.max_new_tokens, "Completion limit")
      ->capture_default_str();
  cmd->add_option("--min-cot-words", args->reject.filters.min_cot_words,
                  "Words the chain of thought must hold at least (cold start: long ones)")
      ->capture_default_str();
  cmd->add_option("--max-repeated-share", args->reject.filters.max_repeated_share,
                  "Reject chains of thought whose repeated word 3-grams exceed this share")
      ->capture_default_str();
  cmd->add_option("--max-paragraph-chars", args->reject.filters.max_paragraph_chars,
                  "Reject completions with a longer paragraph")
      ->capture_default_str();
  cmd->add_flag("--allow-mixed", args->allow_mixed,
                "Keep chains of thought that mix languages or differ from the prompt's");
  cmd->add_flag("--allow-code", args->allow_code, "Keep completions with ``` code blocks");
  cmd->add_option("--general", args->general,
                  "Add this many non-reasoning examples (built-in trivial queries, no CoT)")
      ->capture_default_str();
  cmd->add_option("--template", args->reject.sampling.template_name, "r1_zero_short or r1_zero")
      ->capture_default_str();
  cmd->add_option("--seed", args->reject.sampling.seed, "Seed of the problems and the samples")
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "Threads (0: all cores)")->capture_default_str();
  cmd->callback([args] { run_reject(*args); });
}

}  // namespace r1::cli
