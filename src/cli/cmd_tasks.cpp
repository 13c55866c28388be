// `r1 tasks` prints generated problems and `r1 corpus` prints documents of the
// synthetic pretraining corpus, both as JSON lines, so users can look at what
// a run will train and evaluate on.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/check.h"
#include "pipeline/builtin_base.h"
#include "tasks/corpus.h"
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

struct CorpusArgs {
  uint64_t n = 10;
  uint64_t seed = 1;
  std::string mix = "{}";
  bool stats = false;
};

// Per style: document count, correct share, and the distribution of
// completion lengths in characters (the context budget of the tiny models).
void print_corpus_stats(const Corpus& corpus, const CorpusArgs& args) {
  struct StyleStats {
    std::vector<size_t> completion_chars, text_chars;
    uint64_t correct = 0, mixed = 0, zh_prompts = 0;
  };
  std::map<std::string, StyleStats> styles;
  for (uint64_t i = 0; i < args.n; ++i) {
    const CorpusDocument doc = corpus.document(args.seed, i);
    StyleStats& s = styles[doc.style];
    s.completion_chars.push_back(count_code_points(doc.completion));
    s.text_chars.push_back(count_code_points(doc.text()));
    s.correct += doc.correct;
    s.mixed += doc.cot_lang == "mixed";
    s.zh_prompts += doc.prompt_lang == "zh";
  }
  fmt::print(
      "{:<11} {:>6} {:>6} {:>8} {:>6} {:>6} | completion chars: {:>4} {:>4} {:>4} {:>4} {:>4} "
      "| document max\n",
      "style", "docs", "share", "correct", "mixed", "zh", "min", "mean", "p50", "p95", "max");
  for (auto& [style, s] : styles) {
    std::vector<size_t>& c = s.completion_chars;
    std::sort(c.begin(), c.end());
    double mean = 0;
    for (size_t v : c) mean += double(v) / double(c.size());
    const double docs = double(c.size());
    fmt::print(
        "{:<11} {:>6} {:>6.3f} {:>8.3f} {:>6.3f} {:>6.3f} |                   {:>4} {:>4.0f} "
        "{:>4} {:>4} {:>4} | {:>4}\n",
        style, c.size(), docs / double(args.n), double(s.correct) / docs, double(s.mixed) / docs,
        double(s.zh_prompts) / docs, c.front(), mean, c[c.size() / 2], c[c.size() * 95 / 100],
        c.back(), *std::max_element(s.text_chars.begin(), s.text_chars.end()));
  }
}

void run_corpus(const CorpusArgs& args) {
  nlohmann::json mix_json;
  try {
    mix_json = nlohmann::json::parse(args.mix);
  } catch (const nlohmann::json::parse_error& e) {
    fail("--mix: expected a JSON object, e.g. '{{\"long_share\": 0.2}}': {}", e.what());
  }
  const Corpus corpus(parse_corpus_mix(mix_json, builtin_base_config(/*quick=*/false).mix));
  if (args.stats) {
    print_corpus_stats(corpus, args);
    return;
  }
  for (uint64_t i = 0; i < args.n; ++i) {
    const CorpusDocument doc = corpus.document(args.seed, i);
    const nlohmann::json line = {{"text", doc.text()},        {"task", doc.task},
                                 {"style", doc.style},        {"prompt_lang", doc.prompt_lang},
                                 {"cot_lang", doc.cot_lang},  {"correct", doc.correct},
                                 {"reference", doc.reference}};
    fmt::print("{}\n", line.dump());
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

  auto corpus_args = std::make_shared<CorpusArgs>();
  auto* corpus = app.add_subcommand(
      "corpus", "Print documents of the synthetic pretraining corpus as JSONL (or --stats)");
  corpus->add_option("--n", corpus_args->n, "Number of documents")->capture_default_str();
  corpus->add_option("--seed", corpus_args->seed, "Seed")->capture_default_str();
  corpus
      ->add_option("--mix", corpus_args->mix,
                   "Overrides of the built-in model's corpus mix, as a JSON object")
      ->capture_default_str();
  corpus->add_flag("--stats", corpus_args->stats,
                   "Print per-style shares, correctness and length distribution instead");
  corpus->callback([corpus_args] { run_corpus(*corpus_args); });
}

}  // namespace r1::cli
