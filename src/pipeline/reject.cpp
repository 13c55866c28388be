#include "pipeline/reject.h"

#include <set>
#include <sstream>

#include "core/check.h"
#include "eval/metrics.h"
#include "rewards/language_reward.h"
#include "tasks/corpus.h"
#include "tasks/template.h"

namespace r1 {

namespace {

// Position of the only occurrence of `tag` at or after `from`; npos when it is
// missing or occurs twice.
size_t find_once(std::string_view text, std::string_view tag, size_t from) {
  const size_t at = text.find(tag, from);
  if (at == std::string_view::npos) return at;
  if (text.find(tag, at + tag.size()) != std::string_view::npos) return std::string_view::npos;
  return at;
}

bool well_formed(std::string_view completion) {
  size_t at = 0;
  for (std::string_view tag : {"<think>", "</think>", "<answer>", "</answer>"}) {
    at = find_once(completion, tag, at);
    if (at == std::string_view::npos) return false;
    at += tag.size();
  }
  return true;
}

size_t longest_paragraph(std::string_view text) {
  size_t longest = 0, start = 0;
  while (start <= text.size()) {
    size_t end = text.find("\n\n", start);
    if (end == std::string_view::npos) end = text.size();
    longest = std::max(longest, count_code_points(text.substr(start, end - start)));
    start = end + 2;
  }
  return longest;
}

}  // namespace

double repeated_trigram_share(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string w; in >> w;) words.push_back(std::move(w));
  if (words.size() < 3) return 0;
  std::set<std::string> seen;
  size_t repeated = 0;
  for (size_t i = 0; i + 2 < words.size(); ++i) {
    const std::string trigram = words[i] + '\x1f' + words[i + 1] + '\x1f' + words[i + 2];
    if (!seen.insert(trigram).second) ++repeated;
  }
  return double(repeated) / double(words.size() - 2);
}

std::optional<std::string> rejection_reason(const Problem& problem, std::string_view completion,
                                            const RejectFilters& filters) {
  if (filters.require_format && !well_formed(completion)) return "format";
  const std::string_view cot = chain_of_thought(completion);
  const LanguageWordCounts counts = count_language_words(cot);
  if (filters.reject_mixed_language) {
    const std::optional<Language> target = parse_language(problem.lang);
    if (is_language_mixed(counts)) return "language";
    if (target && counts.total() > 0 && detect_language(cot) != *target) return "language";
  }
  if (counts.total() < filters.min_cot_words) return "short";
  if (repeated_trigram_share(cot) > filters.max_repeated_share) return "repetition";
  if (longest_paragraph(completion) > filters.max_paragraph_chars) return "paragraph";
  if (filters.reject_code_blocks && completion.find("```") != std::string_view::npos) return "code";
  return std::nullopt;
}

RejectResult rejection_sample(const Model& model, const Tokenizer& tokenizer,
                              const std::vector<Problem>& problems, const RejectOptions& options,
                              const std::function<void(int64_t, int64_t)>& on_progress) {
  R1_CHECK(options.keep_per_problem >= 1, "reject: keep per prompt must be at least 1, got {}",
           options.keep_per_problem);
  const PromptTemplate& prompt_format = prompt_template(options.sampling.template_name);
  const EvalReport report = evaluate(model, tokenizer, problems, options.sampling, on_progress);
  RejectResult result;
  for (size_t p = 0; p < problems.size(); ++p) {
    const Problem& problem = problems[p];
    const ProblemEval& eval = report.per_problem[p];
    std::set<std::string> kept;
    for (size_t s = 0; s < eval.completions.size(); ++s) {
      const std::string& completion = eval.completions[s];
      ++result.samples;
      if (!eval.sample_correct[s]) {
        ++result.rejected["incorrect"];
        continue;
      }
      ++result.correct;
      if (const auto reason = rejection_reason(problem, completion, options.filters)) {
        ++result.rejected[*reason];
        continue;
      }
      if (kept.count(completion) > 0) {
        ++result.rejected["duplicate"];
        continue;
      }
      if (int64_t(kept.size()) >= options.keep_per_problem) {
        ++result.rejected["surplus"];
        continue;
      }
      kept.insert(completion);
      result.examples.push_back({{"prompt", prompt_format.render(problem.prompt)},
                                 {"completion", completion},
                                 {"id", problem.id},
                                 {"lang", problem.lang},
                                 {"source", "reject"}});
      ++result.kept;
    }
    result.problems_kept += !kept.empty();
  }
  return result;
}

std::vector<nlohmann::json> general_examples(int64_t n, uint64_t seed, CorpusMix mix) {
  mix.short_share = mix.long_share = mix.self_check_share = 0;
  mix.trivial_share = 1;
  const Corpus corpus(mix);
  std::vector<nlohmann::json> examples;
  for (int64_t i = 0; i < n; ++i) {
    const CorpusDocument doc = corpus.document(seed, uint64_t(i));
    examples.push_back({{"prompt", doc.prompt},
                        {"completion", doc.completion},
                        {"id", "general-" + std::to_string(i)},
                        {"lang", doc.prompt_lang},
                        {"source", "general"}});
  }
  return examples;
}

}  // namespace r1
