// HumanEval (openai/human-eval) through the code reward. Every canonical
// solution must get reward 1 — a false negative would teach the policy that
// correct code is wrong — and an empty function body must get 0 on every
// problem, which shows that the tests really run.
#include <gtest/gtest.h>

#include "humaneval_fixture.h"
#include "rewards/code_reward.h"

namespace r1 {
namespace {

const char* kHumanEvalPath = R1_SOURCE_DIR "/../shared/data/humaneval/HumanEval.jsonl.gz";

std::vector<RewardResult> score_all(const std::vector<nlohmann::json>& problems,
                                    const std::vector<std::string>& completions) {
  std::vector<RewardInput> inputs;
  for (size_t i = 0; i < problems.size(); ++i) {
    inputs.push_back(
        {problems[i]["prompt"].get_ref<const std::string&>(), completions[i], problems[i]});
  }
  // Generous limits: the machine may be busy, and a slow pass is still a pass.
  CodeReward reward(code_reward_config_from_json({{"timeout_seconds", 20}, {"cpu_seconds", 20}}));
  return reward.score_batch(inputs);
}

TEST(CodeRewardHumanEval, AllCanonicalSolutionsPass) {
  const std::vector<nlohmann::json> problems = read_humaneval(kHumanEvalPath);
  ASSERT_EQ(problems.size(), 164u);
  std::vector<std::string> completions;
  for (const nlohmann::json& problem : problems) {
    completions.push_back(problem["canonical_solution"].get<std::string>());
  }
  const std::vector<RewardResult> results = score_all(problems, completions);
  ASSERT_EQ(results.size(), problems.size());
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].value, 1.0) << problems[i]["task_id"] << ": " << results[i].reason;
    EXPECT_EQ(results[i].reason, "1/1 tests passed");
  }
}

TEST(CodeRewardHumanEval, EmptyBodiesFailEveryTwentiethProblem) {
  const std::vector<nlohmann::json> all = read_humaneval(kHumanEvalPath);
  std::vector<nlohmann::json> problems;
  for (size_t i = 0; i < all.size(); i += 20) problems.push_back(all[i]);
  const std::vector<std::string> completions(problems.size(), "    pass\n");
  const std::vector<RewardResult> results = score_all(problems, completions);
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].value, 0.0) << problems[i]["task_id"];
    // None returned where a value is asserted: the check raises.
    EXPECT_FALSE(results[i].reason.empty());
  }
}

}  // namespace
}  // namespace r1
