// The quick built-in base model: built once into a temporary cache, reused on
// the second call, loadable, and evaluable end to end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/check.h"
#include "eval/evaluator.h"
#include "model/model.h"
#include "pipeline/builtin_base.h"
#include "pipeline/reject.h"
#include "tasks/generator.h"
#include "tokenizer/tokenizer_io.h"

namespace r1 {
namespace {

namespace fs = std::filesystem;

class BuiltinBase : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("r1_builtin_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    dir_ = (root_ / ("builtin-" + builtin_base_key(builtin_base_config(true), "test"))).string();
    first_ = build_builtin_base(builtin_base_config(true), "test", dir_);
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  static inline fs::path root_;
  static inline std::string dir_;
  static inline BuiltinBaseResult first_;
};

TEST_F(BuiltinBase, BuildsALoadableModelDirectory) {
  EXPECT_FALSE(first_.reused);
  EXPECT_EQ(first_.dir, dir_);
  for (const char* file :
       {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"})
    EXPECT_TRUE(fs::exists(fs::path(dir_) / file)) << file;
  const Model model = load_model(dir_);
  const Tokenizer tokenizer = load_tokenizer(dir_);
  EXPECT_EQ(model.config().vocab_size, tokenizer.vocab_size());
  ASSERT_TRUE(tokenizer.eos_id().has_value());
  EXPECT_EQ(tokenizer.token_text(*tokenizer.eos_id()), "<|endoftext|>");
  for (const char* special :
       {"<think>", "</think>", "<answer>", "</answer>", "<|im_start|>", "<|im_end|>"})
    EXPECT_TRUE(tokenizer.token_id(special).has_value()) << special;
  // Nothing of the temporary build directory is left beside it.
  for (const auto& entry : fs::directory_iterator(root_)) EXPECT_EQ(entry.path().string(), dir_);
}

TEST_F(BuiltinBase, SecondCallReusesTheCache) {
  const auto weights = fs::path(dir_) / "model.safetensors";
  const auto written = fs::last_write_time(weights);
  const BuiltinBaseResult again = build_builtin_base(builtin_base_config(true), "test", dir_);
  EXPECT_TRUE(again.reused);
  EXPECT_EQ(fs::last_write_time(weights), written);
}

TEST_F(BuiltinBase, AnotherConfigurationIsRefusedNotOverwritten) {
  EXPECT_THROW(build_builtin_base(builtin_base_config(true), "other-version", dir_), Error);
}

TEST_F(BuiltinBase, KeyDependsOnEveryInput) {
  const BuiltinBaseConfig base = builtin_base_config(true);
  const std::string key = builtin_base_key(base, "v");
  EXPECT_EQ(key.size(), 16u);
  EXPECT_NE(key, builtin_base_key(base, "w"));
  BuiltinBaseConfig c = base;
  c.train.schedule.lr *= 2;
  EXPECT_NE(key, builtin_base_key(c, "v"));
  c = base;
  c.mix.short_wrong_rate = 0.4;
  EXPECT_NE(key, builtin_base_key(c, "v"));
  c = base;
  c.vocab_size += 1;
  EXPECT_NE(key, builtin_base_key(c, "v"));
  EXPECT_NE(key, builtin_base_key(builtin_base_config(false), "v"));
}

TEST_F(BuiltinBase, EvaluatesEndToEnd) {
  const Model model = load_model(dir_);
  const Tokenizer tokenizer = load_tokenizer(dir_);
  std::vector<Problem> problems =
      make_task_generator("arithmetic", {{"max_digits", 2}})->problems(7, Split::test, 2);
  for (Problem& p :
       make_task_generator("countdown", {{"max_count", 3}})->problems(7, Split::test, 1))
    problems.push_back(p);
  EvalOptions options;
  options.k = 3;
  options.max_new_tokens = 24;
  int64_t last_progress = 0;
  const EvalReport report =
      evaluate(model, tokenizer, problems, options, [&](int64_t done, int64_t total) {
        EXPECT_EQ(total, 9);
        last_progress = done;
      });
  EXPECT_EQ(last_progress, 9);
  ASSERT_EQ(report.per_problem.size(), 3u);
  const nlohmann::json json = to_json(report, true);
  for (const char* field : {"pass@1", "cons@k", "pass@k", "reflection_rate", "language_mixing_rate",
                            "long_form_rate"}) {
    ASSERT_TRUE(json.contains(field)) << field;
    EXPECT_GE(json[field].get<double>(), 0.0) << field;
    EXPECT_LE(json[field].get<double>(), 1.0) << field;
  }
  EXPECT_GT(json["response_length_mean"].get<double>(), 0.0);
  EXPECT_LE(json["response_length_mean"].get<double>(), 24.0);
  // pass@k is at least pass@1 for every problem, so also on average.
  EXPECT_GE(report.pass_at_k, report.pass_at_1);
  for (const ProblemEval& p : report.per_problem) {
    EXPECT_EQ(p.completions.size(), 3u);
    EXPECT_EQ(p.lengths.size(), 3u);
  }
  EXPECT_EQ(json["per_problem"].size(), 3u);
}

// Rejection sampling end to end on the quick model, judged by the format
// reward: every sample is accounted for once, and every kept completion (the
// quick model keeps few or none) passes the filters, belongs to its problem
// and is one of at most `keep` for it.
TEST_F(BuiltinBase, RejectionSamplingKeepsOnlyWhatPasses) {
  const Model model = load_model(dir_);
  const Tokenizer tokenizer = load_tokenizer(dir_);
  const auto problems = make_task_generator("sum", {})->problems(3, Split::train, 12);
  RejectOptions options;
  options.sampling.k = 4;
  options.sampling.sampling.temperature = 1.0f;
  options.sampling.sampling.top_p = 1.0f;
  options.sampling.max_new_tokens = 60;
  options.sampling.reward = "format";
  options.filters.reject_mixed_language = false;
  options.keep_per_problem = 2;
  const RejectResult r = rejection_sample(model, tokenizer, problems, options);
  EXPECT_EQ(r.samples, 48);
  int64_t accounted = r.kept;
  for (const auto& [reason, count] : r.rejected) accounted += count;
  EXPECT_EQ(accounted, r.samples);
  EXPECT_EQ(int64_t(r.examples.size()), r.kept);
  std::map<std::string, int> per_problem;
  for (const auto& e : r.examples) {
    const std::string id = e.at("id"), completion = e.at("completion");
    const auto p = std::find_if(problems.begin(), problems.end(),
                                [&](const Problem& q) { return q.id == id; });
    ASSERT_NE(p, problems.end()) << id;
    EXPECT_EQ(e.at("prompt"), "User: " + p->prompt + "\nAssistant:");
    EXPECT_EQ(rejection_reason(*p, completion, options.filters), std::nullopt) << completion;
    EXPECT_LE(++per_problem[id], 2) << id;
  }
}

}  // namespace
}  // namespace r1
