// Math reward throughput on typical completions: ~300 tokens (~1,200 bytes) of
// reasoning in <think>…</think>, then an answer in \boxed{} (integers,
// fractions, decimals with separators, roots and π, tuples, expressions), a
// third of them wrong. Target: ≥ 20,000 completions/s on one core.
//
// Baseline in the same run: the least any checker must do — find the last
// "\boxed{" by a plain scan and compare the raw text with the reference
// (which gets every equivalent-but-different answer wrong). The ratio shows
// what correct equivalence costs on top of reading the completion.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/rng.h"
#include "rewards/registry.h"

namespace {

struct Sample {
  std::string completion;
  nlohmann::json reference;
};

// (reference, equivalent candidate) pairs of the kinds MATH and GSM8K hold.
const std::vector<std::pair<std::string, std::string>> kAnswers = {
    {"42", "42"},
    {"1,000", "1000"},
    {"\\frac{3}{4}", "0.75"},
    {"\\frac{14}{3}", "\\dfrac{14}{3}"},
    {"3\\sqrt{13}", "\\sqrt{117}"},
    {"\\frac{\\pi}{2}", "\\frac{1}{2}\\pi"},
    {"\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})"},
    {"x^2+2x+1", "(x+1)^2"},
    {"90^\\circ", "90"},
    {"\\{1,2\\}", "\\{2,1\\}"},
    {"-\\frac{35}{9}", "\\frac{-35}{9}"},
    {"5.4 \\text{ cents}", "5.4"},
};

const char* kWords[] = {"so",    "the",      "sum",          "of",        "first", "term", "is",
                        "then",  "we",       "get",          "wait",      "let",   "me",   "check",
                        "again", "multiply", "both",         "sides",     "by",    "$x$",  "$2x+1$",
                        "=",     "12",       "\\frac{a}{b}", "therefore", "now"};

std::vector<Sample> make_samples(size_t count) {
  std::vector<Sample> samples;
  for (size_t i = 0; i < count; ++i) {
    r1::Rng rng(2024, i);
    const auto& [reference, equivalent] = kAnswers[rng.below(kAnswers.size())];
    std::string completion = "<think>\n";
    while (completion.size() < 1150) {
      completion += kWords[rng.below(std::size(kWords))];
      completion += rng.below(12) == 0 ? ".\n" : " ";
    }
    completion += "</think>\nThe final answer is $\\boxed{";
    completion += rng.below(3) == 0 ? "7" : equivalent;  // a third are wrong
    completion += "}$.";
    samples.push_back({std::move(completion), {{"answer", reference}}});
  }
  return samples;
}

const std::vector<Sample>& samples() {
  static const std::vector<Sample> s = make_samples(1024);
  return s;
}

void run_reward(benchmark::State& state, const r1::Reward& reward) {
  const auto& pool = samples();
  size_t i = 0;
  double total = 0;
  for (auto _ : state) {
    const Sample& s = pool[i++ % pool.size()];
    total += reward.score(r1::RewardInput{"", s.completion, s.reference}).value;
  }
  benchmark::DoNotOptimize(total);
  state.SetItemsProcessed(state.iterations());
  state.counters["completions/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_MathReward(benchmark::State& state) {
  const auto reward = r1::make_reward("math");
  run_reward(state, *reward);
}
BENCHMARK(BM_MathReward);

void BM_MathFormatLanguageComposite(benchmark::State& state) {
  const auto reward = r1::make_composite_reward(nlohmann::json::parse(
      R"([{"name": "math"}, {"name": "format", "options": {"layout": "r1"}},
          {"name": "language", "weight": 0.1}])"));
  run_reward(state, *reward);
}
BENCHMARK(BM_MathFormatLanguageComposite);

void BM_BaselineScanAndCompareText(benchmark::State& state) {
  const auto& pool = samples();
  size_t i = 0, matches = 0;
  for (auto _ : state) {
    const Sample& s = pool[i++ % pool.size()];
    const std::string_view text = s.completion;
    const size_t open = text.rfind("\\boxed{");
    if (open == std::string_view::npos) continue;
    const size_t close = text.find('}', open);
    const std::string_view boxed = text.substr(open + 7, close - open - 7);
    matches += boxed == s.reference["answer"].get_ref<const std::string&>();
  }
  benchmark::DoNotOptimize(matches);
  state.SetItemsProcessed(state.iterations());
  state.counters["completions/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BaselineScanAndCompareText);

// Prints the usual table, then completions/s of each reward against the target
// and as a ratio to the baseline measured in this run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      const auto it = run.counters.find("completions/s");
      if (it != run.counters.end()) rates_[run.benchmark_name()] = it->second.value;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    const double baseline = rates_["BM_BaselineScanAndCompareText"];
    std::printf("\ncompletions/s on one core (~1,200-byte completions; target 20,000):\n");
    for (const auto& [name, rate] : rates_)
      std::printf("  %-34s %12.0f /s   %6.3f x baseline\n", name.c_str(), rate,
                  baseline > 0 ? rate / baseline : 0.0);
  }

 private:
  std::map<std::string, double> rates_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
