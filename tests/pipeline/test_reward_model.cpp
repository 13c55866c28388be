// Reward models on the quick built-in base: trained on the built-in helpful
// pairs, a model ranks held-out pairs (unseen queries and replies) far better
// than chance, and the "general" reward built on it prefers the chosen
// response, agrees with the model's own scores, batches as it scores one by
// one, and never throws on a hostile completion.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "core/check.h"
#include "core/file_io.h"
#include "model/scalar_head.h"
#include "pipeline/builtin_base.h"
#include "rewards/general_reward.h"
#include "rewards/registry.h"
#include "rewards/reward_model.h"
#include "tasks/preference_data.h"
#include "tokenizer/tokenizer_io.h"
#include "train/rm.h"

namespace r1 {
namespace {

namespace fs = std::filesystem;

std::vector<RmPair> tokenized(const std::vector<PreferencePair>& pairs, const Tokenizer& tok,
                              int64_t max_length) {
  std::vector<RmPair> out;
  int64_t truncated = 0;
  for (const PreferencePair& p : pairs) {
    out.push_back(rm_pair({{"prompt", p.prompt}, {"chosen", p.chosen}, {"rejected", p.rejected}},
                          tok, max_length, truncated));
    out.back().prompt = p.prompt;
  }
  EXPECT_EQ(truncated, 0);
  return out;
}

class RewardModelOnQuickBase : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("r1_rm_quick_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    const std::string base_dir = (root_ / "base").string();
    build_builtin_base(builtin_base_config(true), "test", base_dir);
    const Model base = load_model(base_dir);
    const Tokenizer tok = load_tokenizer(base_dir);
    const PromptTemplate& tmpl = prompt_template("r1_zero_short");
    train_ = preference_pairs(PreferenceKind::helpful, 1, Split::train, 1000, 0.25, tmpl);
    held_out_ = preference_pairs(PreferenceKind::helpful, 2, Split::test, 400, 0.25, tmpl);
    const int64_t context = base.config().max_position_embeddings;
    Model rm = scalar_model_from(base);
    RmConfig config;
    config.schedule.lr = 1e-3;
    out_ = (root_ / "rm").string();
    result_ = rm_train(rm, tokenized(train_, tok, context), tokenized(held_out_, tok, context),
                       config, out_);
    for (const char* name : {"tokenizer.json", "tokenizer_config.json"})
      write_file_atomic(out_ + "/model/" + name, read_file(base_dir + "/" + name));
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  static inline fs::path root_;
  static inline std::string out_;
  static inline std::vector<PreferencePair> train_, held_out_;
  static inline RmResult result_;
};

// A scorer that ignores the text ranks a pair right with probability 1/2 (a
// constant one never: ties do not count). Over 400 held-out pairs the
// accuracy of such a coin has standard deviation 0.025, and the pairs come
// from a handful of queries, which widens it; 0.6 is four of those deviations
// above chance. The quick model reaches 0.70 after its one epoch (more epochs
// memorise the training queries and lose held-out accuracy).
TEST_F(RewardModelOnQuickBase, RanksHeldOutPairsWellAboveChance) {
  ASSERT_TRUE(result_.evaluated);
  EXPECT_GT(result_.eval.accuracy, 0.6);
}

// The reward sees the raw query (RL's problem prompt) and renders it with the
// template, and reads the summary after </think>: the same text the model was
// trained on. Its value is σ(score) of the reward model.
TEST_F(RewardModelOnQuickBase, GeneralRewardPrefersChosenAndMatchesTheModel) {
  const auto reward = make_reward("general", {{"helpfulness_model", out_}});
  const RewardModel model(out_);
  const nlohmann::json reference = nlohmann::json::object();
  std::vector<RewardInput> inputs;
  std::vector<std::pair<std::string, std::string>> direct;
  std::vector<std::string> completions;
  for (const PreferencePair& p : held_out_) {
    completions.push_back(" <think> </think>" + p.chosen);
    completions.push_back(" <think> </think>" + p.rejected);
  }
  for (size_t i = 0; i < completions.size(); ++i) {
    const PreferencePair& p = held_out_[i / 2];
    inputs.push_back({p.query, completions[i], reference});
    direct.emplace_back(p.prompt, i % 2 == 0 ? p.chosen : p.rejected);
  }
  const std::vector<RewardResult> batch = reward->score_batch(inputs);
  const std::vector<float> scores = model.score(direct);
  int64_t right = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_GT(batch[i].value, 0.0);
    EXPECT_LT(batch[i].value, 1.0);
    EXPECT_NEAR(batch[i].value, 1.0 / (1.0 + std::exp(-double(scores[i]))), 1e-6);
    EXPECT_EQ(batch[i].reason.rfind("helpful 0.", 0), 0u) << batch[i].reason;
    if (i % 2 == 1) right += batch[i - 1].value > batch[i].value;
  }
  // The same ranking the trainer measured, through the reward's own path.
  EXPECT_NEAR(double(right) / double(held_out_.size()), result_.eval.accuracy, 1e-9);
  // One at a time gives the batch's values (padding never leaks into a row).
  for (size_t i = 0; i < 8; ++i)
    EXPECT_NEAR(reward->score(inputs[i]).value, batch[i].value, 1e-6) << i;
}

TEST_F(RewardModelOnQuickBase, GeneralRewardAveragesBothModelsAndNeverThrows) {
  const auto reward = make_reward(
      "general", {{"helpfulness_model", out_}, {"harmlessness_model", out_ + "/model"}});
  const nlohmann::json reference = nlohmann::json::object();
  const std::string huge(100000, 'a');
  const std::string invalid = "\xff\xfe <answer> \xc3 </answer>";
  const std::string nul("a\0b", 3);
  for (const std::string& completion :
       {std::string(), huge, invalid, nul, std::string("</think>")}) {
    RewardResult r;
    EXPECT_NO_THROW(r = reward->score({"hello", completion, reference}));
    EXPECT_TRUE(std::isfinite(r.value));
    EXPECT_GE(r.value, 0.0);
    EXPECT_LT(r.value, 1.0);
    EXPECT_NE(r.reason.find("helpful"), std::string::npos) << r.reason;
    EXPECT_NE(r.reason.find("harmless"), std::string::npos) << r.reason;
  }
  // Both options name one directory: the value is the mean of two equal σ's.
  const auto helpful_only = make_reward("general", {{"helpfulness_model", out_}});
  const auto harmless_only = make_reward("general", {{"harmlessness_model", out_}});
  const RewardInput in{"hello", " <think> hmm </think> <answer> Hello! </answer>", reference};
  EXPECT_NEAR(reward->score(in).value,
              (helpful_only->score(in).value + harmless_only->score(in).value) / 2, 1e-9);
}

TEST(GeneralReward, OptionErrorsAreNamed) {
  auto error_of = [](const nlohmann::json& options) {
    try {
      make_reward("general", options);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(error_of(nlohmann::json::object()).find("give option helpfulness_model"),
            std::string::npos);
  EXPECT_NE(error_of({{"helpfulness_model", "/nonexistent/rm"}}).find("/nonexistent/rm"),
            std::string::npos);
  EXPECT_NE(error_of({{"helpfulness_model", 3}}).find("'helpfulness_model'"), std::string::npos);
  EXPECT_NE(error_of({{"helpful_model", "x"}}).find("unknown option 'helpful_model'"),
            std::string::npos);
}

TEST(GeneralReward, SummaryIsTheTextAfterTheLastThink) {
  EXPECT_EQ(completion_summary(" <think> a </think> b </think> c"), " c");
  EXPECT_EQ(completion_summary(" <answer> x </answer>"), " <answer> x </answer>");
  EXPECT_EQ(completion_summary(""), "");
}

}  // namespace
}  // namespace r1
