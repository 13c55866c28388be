// The code reward's parts: code extraction, stdin/stdout judging, scoring
// modes, options and reference validation.
#include <gtest/gtest.h>

#include "core/check.h"
#include "core/rng.h"
#include "rewards/code_reward.h"

namespace r1 {
namespace {

TEST(CodeExtract, RawAnswerWithoutFence) {
  EXPECT_EQ(extract_python_code("    return x + 1\n"), "    return x + 1\n");
}

TEST(CodeExtract, LastPythonBlockWins) {
  const std::string completion =
      "First try:\n```python\nx = 1\n```\nBetter:\n```python\nx = 2\n```\nUsage:\n```\n$ "
      "run\n```\n";
  EXPECT_EQ(extract_python_code(completion), "x = 2\n");
}

TEST(CodeExtract, AnyFenceWhenNoPythonBlock) {
  EXPECT_EQ(extract_python_code("Here:\n```\nprint(1)\n```\n"), "print(1)\n");
  EXPECT_EQ(extract_python_code("```py\nprint(2)\n```"), "print(2)\n");
}

TEST(CodeExtract, OnlyAfterTheThinking) {
  const std::string completion =
      "<think>draft:\n```python\nwrong()\n```\n</think>\nFinal:\n```python\nright()\n```\n";
  EXPECT_EQ(extract_python_code(completion), "right()\n");
}

TEST(CodeExtract, UnclosedFenceRunsToTheEnd) {
  EXPECT_EQ(extract_python_code("```python\nprint(3)\n"), "print(3)\n");
}

const nlohmann::json kDoubling = {{"tests",
                                   {{{"input", "1\n"}, {"output", "2\n"}},
                                    {{"input", "5\n"}, {"output", "10"}},
                                    {{"input", "3\n"}, {"output", "7\n"}}}}};
const std::string kDoubler = "```python\nprint(int(input()) * 2)\n```";

TEST(CodeRewardStdio, FractionOfTestsPassed) {
  CodeReward reward(code_reward_config_from_json(nlohmann::json::object()));
  const RewardResult result = reward.score({"", kDoubler, kDoubling});
  EXPECT_DOUBLE_EQ(result.value, 2.0 / 3.0);
  EXPECT_EQ(result.reason, "2/3 tests passed; test 3: wrong answer: expected \"7\", got \"6\"");
}

TEST(CodeRewardStdio, AllOrNothing) {
  CodeReward reward(code_reward_config_from_json({{"mode", "all_or_nothing"}}));
  const RewardResult result = reward.score({"", kDoubler, kDoubling});
  EXPECT_EQ(result.value, 0.0);
  EXPECT_EQ(result.reason, "test 3: wrong answer: expected \"7\", got \"6\"");
  const nlohmann::json first_two = {{"tests", {kDoubling["tests"][0], kDoubling["tests"][1]}}};
  const RewardResult passed = reward.score({"", kDoubler, first_two});
  EXPECT_EQ(passed.value, 1.0);
  EXPECT_EQ(passed.reason, "2/2 tests passed");
}

TEST(CodeRewardStdio, TrailingWhitespaceDoesNotCount) {
  CodeReward reward(code_reward_config_from_json(nlohmann::json::object()));
  const nlohmann::json reference = {{"tests", {{{"input", ""}, {"output", "1 2\n3"}}}}};
  EXPECT_EQ(reward.score({"", "print('1 2   ')\nprint('3')\nprint()\n", reference}).value, 1.0);
  EXPECT_EQ(reward.score({"", "print('1  2')\nprint('3')\n", reference}).value, 0.0);
}

TEST(CodeRewardStdio, RuntimeErrorIsTheReason) {
  CodeReward reward(code_reward_config_from_json({{"mode", "all_or_nothing"}}));
  const RewardResult result = reward.score({"", "raise ValueError('bad input')\n", kDoubling});
  EXPECT_EQ(result.value, 0.0);
  EXPECT_EQ(result.reason, "test 1: ValueError: bad input");
}

TEST(CodeRewardStdio, SysExitZeroAfterAnsweringIsFine) {
  CodeReward reward(code_reward_config_from_json(nlohmann::json::object()));
  const nlohmann::json reference = {{"tests", {{{"input", "4\n"}, {"output", "8"}}}}};
  const std::string code = "import sys\nprint(int(input()) * 2)\nsys.exit(0)\nprint('never')\n";
  EXPECT_EQ(reward.score({"", code, reference}).value, 1.0);
}

TEST(CodeRewardHumanEvalStyle, PromptIsPrependedAndCheckRuns) {
  CodeReward reward(code_reward_config_from_json(nlohmann::json::object()));
  const nlohmann::json reference = {
      {"prompt", "import math\n\ndef hyp(a, b):\n    \"\"\"Hypotenuse.\"\"\"\n"},
      {"entry_point", "hyp"},
      {"test", "def check(candidate):\n    assert candidate(3, 4) == 5\n"}};
  EXPECT_EQ(reward.score({"", "    return math.hypot(a, b)\n", reference}).value, 1.0);
  const RewardResult wrong = reward.score({"", "    return a + b\n", reference});
  EXPECT_EQ(wrong.value, 0.0);
  EXPECT_EQ(wrong.reason, "AssertionError");
  const RewardResult broken = reward.score({"", "    return a +\n", reference});
  EXPECT_EQ(broken.value, 0.0);
  EXPECT_NE(broken.reason.find("SyntaxError"), std::string::npos) << broken.reason;
}

TEST(CodeReward, EmptyCompletionHasNoCode) {
  CodeReward reward(code_reward_config_from_json(nlohmann::json::object()));
  const RewardResult result = reward.score({"", "  \n", kDoubling});
  EXPECT_EQ(result.value, 0.0);
  EXPECT_EQ(result.reason, "no code");
}

TEST(CodeReward, InvalidUtf8OutputGivesAPrintableReason) {
  CodeReward reward(code_reward_config_from_json({{"mode", "all_or_nothing"}}));
  // A stray byte, an overlong '/', a surrogate, then "é" which is fine.
  const std::string code =
      "import sys\nsys.stdout.buffer.write(b'\\xff\\xc0\\xaf\\xed\\xa0\\x80\\xc3\\xa9')\n";
  const RewardResult result = reward.score({"", code, kDoubling});
  EXPECT_EQ(result.reason, "test 1: wrong answer: expected \"2\", got \"??????é\"");
  EXPECT_NO_THROW(nlohmann::json(result.reason).dump());
}

// Rewards never throw on a completion (reward.h): random bytes, NULs, an
// unclosed fence and a megabyte of text all get 0 with a printable reason.
TEST(CodeReward, GarbageCompletionsGetZeroAndNeverThrow) {
  Rng rng(20260522);
  std::vector<std::string> completions;
  for (int i = 0; i < 12; ++i) {
    std::string bytes(rng.below(2000), '\0');
    for (char& c : bytes) c = static_cast<char>(rng.below(256));
    completions.push_back(bytes);
  }
  completions.push_back(std::string("def add(a, b):\0\n    return a + b\n", 32));
  completions.push_back("```python\ndef add(a, b):\n    return a +");
  completions.push_back(std::string(1 << 20, 'x'));
  const nlohmann::json add_problem = {
      {"entry_point", "add"}, {"test", "def check(candidate):\n    assert candidate(2, 3) == 5\n"}};
  std::vector<RewardInput> inputs;
  for (const std::string& completion : completions) {
    inputs.push_back({"", completion, add_problem});
    inputs.push_back({"", completion, kDoubling});
  }
  CodeReward reward(code_reward_config_from_json(nlohmann::json::object()));
  std::vector<RewardResult> results;
  ASSERT_NO_THROW(results = reward.score_batch(inputs));
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].value, 0.0) << i << ": " << results[i].reason;
    EXPECT_FALSE(results[i].reason.empty()) << i;
    EXPECT_NO_THROW(nlohmann::json(results[i].reason).dump()) << i;
  }
}

TEST(CodeReward, MalformedReferenceNamesTheField) {
  CodeReward reward(code_reward_config_from_json(nlohmann::json::object()));
  const nlohmann::json missing_output = {{"tests", {{{"input", "1"}}}}};
  try {
    reward.score({"", "print(1)", missing_output});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tests[0]"), std::string::npos) << e.what();
  }
  const nlohmann::json bad_entry = {{"entry_point", "f; import os"},
                                    {"test", "def check(c): pass"}};
  EXPECT_THROW(reward.score({"", "print(1)", bad_entry}), Error);
  EXPECT_THROW(reward.score({"", "print(1)", nlohmann::json::object()}), Error);
}

TEST(CodeRewardOptions, UnknownKeysAndWrongTypesAreErrors) {
  try {
    code_reward_config_from_json({{"timeout", 3}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown key 'timeout'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(code_reward_config_from_json({{"mode", "partial"}}), Error);
  EXPECT_THROW(code_reward_config_from_json({{"timeout_seconds", -1}}), Error);
  EXPECT_THROW(code_reward_config_from_json({{"memory_mb", "lots"}}), Error);
  EXPECT_THROW(code_reward_config_from_json({{"unsandboxed", "yes"}}), Error);
  EXPECT_THROW(code_reward_config_from_json(nlohmann::json::array()), Error);
}

TEST(CodeRewardOptions, ValuesReachTheLimits) {
  const CodeRewardConfig config = code_reward_config_from_json({{"mode", "all_or_nothing"},
                                                                {"workers", 3},
                                                                {"timeout_seconds", 2.5},
                                                                {"memory_mb", 512},
                                                                {"max_processes", 4},
                                                                {"max_output_bytes", 100},
                                                                {"tmpfs_mb", 8},
                                                                {"cpu_seconds", 7}});
  EXPECT_EQ(config.mode, CodeRewardMode::all_or_nothing);
  EXPECT_EQ(config.workers, 3);
  EXPECT_EQ(config.sandbox.limits.wall_seconds, 2.5);
  EXPECT_EQ(config.sandbox.limits.cpu_seconds, 7);
  EXPECT_EQ(config.sandbox.limits.address_space_bytes, 512 * 1024 * 1024);
  EXPECT_EQ(config.sandbox.limits.max_processes, 4);
  EXPECT_EQ(config.sandbox.limits.max_output_bytes, 100);
  EXPECT_EQ(config.sandbox.limits.tmpfs_bytes, 8 * 1024 * 1024);
}

TEST(CodeRewardOptions, RefusesWithoutBubblewrapUnlessUnsandboxed) {
  EXPECT_THROW(make_code_reward({{"bwrap", "/nonexistent/bwrap"}}), Error);
  const std::unique_ptr<Reward> reward =
      make_code_reward({{"bwrap", "/nonexistent/bwrap"}, {"unsandboxed", true}});
  EXPECT_EQ(reward->name(), "code");
  EXPECT_EQ(reward->score({"", kDoubler, kDoubling}).reason,
            "2/3 tests passed; test 3: wrong answer: expected \"7\", got \"6\"");
}

}  // namespace
}  // namespace r1
