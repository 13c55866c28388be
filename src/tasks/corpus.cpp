#include "tasks/corpus.h"

#include <fmt/format.h>

#include <cmath>

#include "core/check.h"
#include "tasks/corpus_solutions.h"
#include "tasks/task_options.h"

namespace r1 {
namespace {

// Stream key of the corpus's own draws (style, task, language), distinct from
// the streams the generators draw problems from.
constexpr uint64_t kCorpusStream = 0xC0A9F5;

const std::vector<std::string> kReasoningTasks = {"arithmetic", "sum", "countdown", "linear",
                                                  "word"};

// Index drawn with probabilities `shares` (which sum to 1).
size_t pick(Rng& rng, const std::vector<double>& shares) {
  const double u = rng.uniform_double();
  double cumulative = 0;
  for (size_t i = 0; i < shares.size(); ++i) {
    cumulative += shares[i];
    if (u < cumulative) return i;
  }
  // Rounding can leave u just above the last cumulative sum.
  for (size_t i = shares.size(); i-- > 0;) {
    if (shares[i] > 0) return i;
  }
  return 0;
}

void check_shares_sum_to_one(const std::vector<double>& shares, std::string_view what) {
  double sum = 0;
  for (double s : shares) sum += s;
  R1_CHECK(std::abs(sum - 1.0) < 1e-6, "corpus mix: the {} shares must sum to 1, got {}", what,
           sum);
}

// Renders the chain of thought: in one language, or — "mixed" — choosing the
// language sentence by sentence, with at least one sentence of each language
// when there are two sentences with words.
std::string render_thought(const std::vector<Phrase>& phrases, const std::string& cot_lang,
                           Rng& rng) {
  std::vector<bool> chinese(phrases.size(), cot_lang == "zh");
  if (cot_lang == "mixed") {
    std::vector<size_t> bilingual;
    for (size_t i = 0; i < phrases.size(); ++i) {
      chinese[i] = rng.below(2) == 1;
      if (!phrases[i].neutral) bilingual.push_back(i);
    }
    if (bilingual.size() >= 2) {
      const size_t first = rng.below(bilingual.size());
      size_t second = rng.below(bilingual.size() - 1);
      if (second >= first) ++second;
      chinese[bilingual[first]] = true;
      chinese[bilingual[second]] = false;
    }
  }
  std::string out;
  for (size_t i = 0; i < phrases.size(); ++i) {
    if (i) out += ' ';
    out += chinese[i] ? phrases[i].zh : phrases[i].en;
  }
  return out;
}

}  // namespace

CorpusMix parse_corpus_mix(const nlohmann::json& json, const CorpusMix& defaults) {
  TaskOptions in(json, "corpus mix");
  CorpusMix mix = defaults;
  mix.short_share = in.number("short_share", defaults.short_share, 0, 1);
  mix.long_share = in.number("long_share", defaults.long_share, 0, 1);
  mix.self_check_share = in.number("self_check_share", defaults.self_check_share, 0, 1);
  mix.trivial_share = in.number("trivial_share", defaults.trivial_share, 0, 1);
  mix.short_wrong_rate = in.number("short_wrong_rate", defaults.short_wrong_rate, 0, 1);
  mix.zh_prompt_share = in.number("zh_prompt_share", defaults.zh_prompt_share, 0, 1);
  mix.mixed_cot_share = in.number("mixed_cot_share", defaults.mixed_cot_share, 0, 1);
  mix.arithmetic_share = in.number("arithmetic_share", defaults.arithmetic_share, 0, 1);
  mix.sum_share = in.number("sum_share", defaults.sum_share, 0, 1);
  mix.countdown_share = in.number("countdown_share", defaults.countdown_share, 0, 1);
  mix.linear_share = in.number("linear_share", defaults.linear_share, 0, 1);
  mix.word_share = in.number("word_share", defaults.word_share, 0, 1);
  // Options of a task replace that task's defaults as a whole.
  const nlohmann::json given = in.object("task_options", nlohmann::json::object());
  for (const auto& [task, options] : given.items()) {
    R1_CHECK(defaults.task_options.contains(task),
             "corpus mix: task_options has unknown task '{}' (known: arithmetic, sum, "
             "countdown, linear, word, trivial)",
             task);
    mix.task_options[task] = options;
  }
  mix.template_name = in.text("template_name", defaults.template_name);
  in.finish();
  return mix;
}

nlohmann::json to_json(const CorpusMix& mix) {
  return {{"short_share", mix.short_share},
          {"long_share", mix.long_share},
          {"self_check_share", mix.self_check_share},
          {"trivial_share", mix.trivial_share},
          {"short_wrong_rate", mix.short_wrong_rate},
          {"zh_prompt_share", mix.zh_prompt_share},
          {"mixed_cot_share", mix.mixed_cot_share},
          {"arithmetic_share", mix.arithmetic_share},
          {"sum_share", mix.sum_share},
          {"countdown_share", mix.countdown_share},
          {"linear_share", mix.linear_share},
          {"word_share", mix.word_share},
          {"task_options", mix.task_options},
          {"template_name", mix.template_name}};
}

Corpus::Corpus(CorpusMix mix)
    : mix_(std::move(mix)), template_(&prompt_template(mix_.template_name)) {
  check_shares_sum_to_one(
      {mix_.short_share, mix_.long_share, mix_.self_check_share, mix_.trivial_share}, "style");
  check_shares_sum_to_one({mix_.arithmetic_share, mix_.sum_share, mix_.countdown_share,
                           mix_.linear_share, mix_.word_share},
                          "task");
  for (const std::string& task : task_names()) {
    nlohmann::json options =
        mix_.task_options.contains(task) ? mix_.task_options[task] : nlohmann::json::object();
    R1_CHECK(options.is_object(), "corpus mix: task_options.{} must be a JSON object, got {}", task,
             options.dump());
    R1_CHECK(!options.contains("zh_share"),
             "corpus mix: task_options.{} sets zh_share; the corpus sets it from zh_prompt_share",
             task);
    options["zh_share"] = mix_.zh_prompt_share;
    generators_[task] = make_task_generator(task, options);
  }
}

CorpusDocument Corpus::document(uint64_t seed, uint64_t index) const {
  Rng rng(seed, index, kCorpusStream);
  static const std::vector<std::string> kStyles = {"short", "long", "self_check", "trivial"};
  CorpusDocument doc;
  doc.style = kStyles[pick(
      rng, {mix_.short_share, mix_.long_share, mix_.self_check_share, mix_.trivial_share})];
  doc.task =
      doc.style == "trivial"
          ? "trivial"
          : kReasoningTasks[pick(rng, {mix_.arithmetic_share, mix_.sum_share, mix_.countdown_share,
                                       mix_.linear_share, mix_.word_share})];
  const Problem problem = generators_.at(doc.task)->problem(seed, index, Split::train);
  doc.prompt = template_->render(problem.prompt);
  doc.prompt_lang = problem.lang;
  doc.reference = problem.reference;

  if (doc.style == "trivial") {
    doc.cot_lang = "none";
    doc.completion = fmt::format(" <think> </think> <answer> {} </answer>",
                                 problem.reference.at("answer").get<std::string>());
    return doc;
  }
  WorkedSolution solution;
  if (doc.style == "short") {
    solution = short_solution(doc.task, problem, rng.uniform_double() < mix_.short_wrong_rate, rng);
  } else if (doc.style == "long") {
    solution = long_solution(doc.task, problem, rng);
  } else {
    solution = self_check_solution(doc.task, problem, rng);
  }
  // A short guess is language-neutral ("345 + 789 = 1134"); only worked
  // solutions have sentences whose language can mix.
  doc.cot_lang =
      doc.style != "short" && rng.uniform_double() < mix_.mixed_cot_share ? "mixed" : problem.lang;
  doc.correct = solution.correct;
  doc.completion =
      fmt::format(" <think> {} </think> <answer> {} </answer>",
                  render_thought(solution.thought, doc.cot_lang, rng), solution.answer);
  return doc;
}

size_t count_code_points(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace r1
