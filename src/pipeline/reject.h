// Rejection sampling (R1 §2.3.3, and the R1-Zero outputs of the cold start,
// §2.3.1): sample several completions per reasoning prompt, keep only correct
// and readable ones, and write them as SFT examples. A completion is rejected
// for the first filter it fails, so the counts say why data was lost.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eval/evaluator.h"
#include "tasks/corpus.h"
#include "tasks/problem.h"

namespace r1 {

struct RejectFilters {
  // <think> … </think> then <answer> … </answer>, each once and in order.
  bool require_format = true;
  // No chain of thought mixing English and Chinese (language_reward.h), and
  // none in another language than the prompt's.
  bool reject_mixed_language = true;
  // Words the chain of thought must hold at least (0: any; the cold start
  // wants long chains of thought).
  size_t min_cot_words = 0;
  // Largest share of the chain of thought's word 3-grams that repeat an
  // earlier one (a model stuck in a loop).
  double max_repeated_share = 0.5;
  // Longest paragraph (text between blank lines), in code points.
  size_t max_paragraph_chars = 1000;
  bool reject_code_blocks = true;
};

// Share of the word 3-grams of `text` that already occurred earlier in it.
double repeated_trigram_share(std::string_view text);

// Why `completion` (judged correct or not by the caller) fails `filters` for
// `problem`: "format", "language", "short", "repetition", "paragraph", "code";
// nullopt when it passes.
std::optional<std::string> rejection_reason(const Problem& problem, std::string_view completion,
                                            const RejectFilters& filters);

struct RejectOptions {
  EvalOptions sampling;  // k = samples per prompt; the paper samples at temperature 1
  RejectFilters filters;
  int64_t keep_per_problem = 1;  // distinct kept completions per prompt at most
};

struct RejectResult {
  // {"prompt": rendered template, "completion", "id", "lang", "source"}: the
  // prompt/completion shape `r1 sft` reads.
  std::vector<nlohmann::json> examples;
  int64_t samples = 0, correct = 0, kept = 0, problems_kept = 0;
  std::map<std::string, int64_t>
      rejected;  // reason → count: "incorrect", a filter's, "duplicate", "surplus" (over keep)
};

RejectResult rejection_sample(const Model& model, const Tokenizer& tokenizer,
                              const std::vector<Problem>& problems, const RejectOptions& options,
                              const std::function<void(int64_t, int64_t)>& on_progress = {});

// `n` non-reasoning examples: the trivial queries of the corpus `mix` (its
// languages and template) answered with an empty chain of thought (R1 §2.3.3:
// "hello" gets no CoT), in the same shape as rejection_sample's examples.
std::vector<nlohmann::json> general_examples(int64_t n, uint64_t seed, CorpusMix mix);

}  // namespace r1
