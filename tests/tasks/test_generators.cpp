#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "core/check.h"
#include "rewards/countdown.h"
#include "tasks/generator.h"

namespace r1 {
namespace {

std::vector<Problem> draw(const std::string& task, Split split, uint64_t count,
                          const nlohmann::json& options = nullptr, uint64_t seed = 11) {
  return make_task_generator(task, options)->problems(seed, split, count);
}

TEST(TaskGenerators, DeterministicPerSeedAndIndex) {
  for (const std::string& task : task_names()) {
    const auto generator = make_task_generator(task, nullptr);
    const Problem a = generator->problem(5, 17, Split::train);
    const Problem b = generator->problem(5, 17, Split::train);
    EXPECT_EQ(to_json(a), to_json(b)) << task;
    EXPECT_EQ(a.id, task + "-train-17");
    EXPECT_TRUE(a.lang == "en" || a.lang == "zh") << task;
    std::set<std::string> prompts;
    for (uint64_t seed = 0; seed < 50; ++seed) {
      prompts.insert(generator->problem(seed, 0, Split::train).prompt);
    }
    EXPECT_GT(prompts.size(), 10u) << task << ": seeds should give different problems";
  }
}

// The held-out split must never contain a training problem: checked on the
// canonical content and, independently of it, on the prompt text.
TEST(TaskGenerators, HeldOutSplitIsDisjointFromTrain) {
  for (const std::string& task : task_names()) {
    const auto generator = make_task_generator(task, nullptr);
    std::set<std::string> train_canonical, train_prompts;
    for (uint64_t i = 0; i < 3000; ++i) {
      const DrawnProblem d = generator->drawn_problem(3, i, Split::train);
      train_canonical.insert(d.canonical);
      train_prompts.insert(d.problem.prompt);
    }
    int test_count = 0;
    for (uint64_t seed = 0; seed < 4; ++seed) {
      for (uint64_t i = 0; i < 200; ++i) {
        const DrawnProblem d = generator->drawn_problem(seed, i, Split::test);
        EXPECT_EQ(train_canonical.count(d.canonical), 0u) << task << ": " << d.canonical;
        EXPECT_EQ(train_prompts.count(d.problem.prompt), 0u) << task << ": " << d.problem.prompt;
        EXPECT_EQ(split_of(d.canonical, generator->test_fraction()), Split::test);
        ++test_count;
      }
    }
    EXPECT_EQ(test_count, 800);
  }
}

TEST(TaskGenerators, ArithmeticAnswersMatchAnIndependentComputation) {
  const nlohmann::json options = {{"min_digits", 2}, {"max_digits", 4}, {"zh_share", 0.5}};
  const std::regex en(R"(What is (\d+) ([-+*]) (\d+)\?)"),
      zh(R"(计算 (\d+) ([-+*]) (\d+) 等于多少？)");
  std::set<char> ops;
  for (const Problem& p : draw("arithmetic", Split::train, 2000, options)) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(p.prompt, m, p.lang == "zh" ? zh : en)) << p.prompt;
    const long long a = std::stoll(m[1]), b = std::stoll(m[3]);
    const char op = m[2].str()[0];
    ops.insert(op);
    const long long expected = op == '+' ? a + b : op == '-' ? a - b : a * b;
    EXPECT_EQ(p.reference["answer"], std::to_string(expected)) << p.prompt;
    EXPECT_GE(expected, 0) << p.prompt;
    EXPECT_EQ(p.reward, "math");
    EXPECT_TRUE(m[1].length() >= 2 && m[1].length() <= 4) << p.prompt;
    EXPECT_TRUE(m[3].length() >= 2 && m[3].length() <= (op == '*' ? 2 : 4)) << p.prompt;
  }
  EXPECT_EQ(ops, (std::set<char>{'+', '-', '*'}));
  for (const Problem& p : draw("arithmetic", Split::test, 200, {{"ops", "*"}})) {
    EXPECT_NE(p.prompt.find('*'), std::string::npos) << p.prompt;
  }
}

TEST(TaskGenerators, SumTermsAreDistinctInRangeAndAddUp) {
  const nlohmann::json options = {{"min_terms", 3}, {"max_terms", 5}, {"zh_share", 0.5}};
  const std::regex en(R"(What is ([0-9 +]+)\?)"), zh(R"(计算 ([0-9 +]+) 等于多少？)"),
      number(R"(\d+)");
  std::set<size_t> counts;
  for (const Problem& p : draw("sum", Split::train, 2000, options)) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(p.prompt, m, p.lang == "zh" ? zh : en)) << p.prompt;
    const std::string terms = m[1];
    std::set<long long> seen;
    long long total = 0;
    for (auto it = std::sregex_iterator(terms.begin(), terms.end(), number);
         it != std::sregex_iterator(); ++it) {
      const long long t = std::stoll(it->str());
      EXPECT_TRUE(t >= 1 && t <= 9) << p.prompt;
      EXPECT_TRUE(seen.insert(t).second) << p.prompt << ": repeated term";
      total += t;
    }
    counts.insert(seen.size());
    EXPECT_EQ(p.reference["answer"], std::to_string(total)) << p.prompt;
    EXPECT_EQ(p.reward, "math");
  }
  EXPECT_EQ(counts, (std::set<size_t>{3, 4, 5}));
  EXPECT_THROW(make_task_generator("sum", {{"max_terms", 12}}), Error);
  EXPECT_NO_THROW(make_task_generator("sum", {{"max_terms", 12}, {"distinct", 0}}));
}

TEST(TaskGenerators, EveryCountdownProblemIsSolvedByItsWitness) {
  const nlohmann::json options = {{"min_count", 3}, {"max_count", 5}, {"max_target", 200}};
  for (Split split : {Split::train, Split::test}) {
    for (const Problem& p : draw("countdown", split, 1500, options)) {
      const std::vector<int64_t> numbers = p.reference["numbers"];
      const int64_t target = p.reference["target"];
      ASSERT_TRUE(numbers.size() >= 3 && numbers.size() <= 5) << p.prompt;
      for (int64_t n : numbers) EXPECT_TRUE(n >= 1 && n <= 50) << p.prompt;
      EXPECT_TRUE(target >= 1 && target <= 200) << p.prompt;
      const CountdownCheck check =
          check_countdown_expression(p.reference["answer"].get<std::string>(), numbers, target);
      EXPECT_EQ(check.verdict, CountdownVerdict::correct) << p.prompt << ": " << check.detail;
      EXPECT_EQ(p.reference["steps"].size(), numbers.size() - 1);
      EXPECT_EQ(p.reward, "countdown");
    }
  }
}

TEST(TaskGenerators, LinearEquationSolutionsSatisfyTheEquation) {
  const std::regex en(R"(Solve for x: (\d+)x ([-+]) (\d+) = (-?\d+)\.)");
  const std::regex zh(R"(解方程：(\d+)x ([-+]) (\d+) = (-?\d+)。求 x。)");
  const nlohmann::json options = {{"negative_solutions", 1}, {"zh_share", 0.5}};
  bool saw_negative = false;
  for (const Problem& p : draw("linear", Split::train, 1000, options)) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(p.prompt, m, p.lang == "zh" ? zh : en)) << p.prompt;
    const long long a = std::stoll(m[1]), b = (m[2] == "-" ? -1 : 1) * std::stoll(m[3]);
    const long long c = std::stoll(m[4]), x = std::stoll(p.reference["answer"].get<std::string>());
    EXPECT_EQ(a * x + b, c) << p.prompt;
    saw_negative |= x < 0;
  }
  EXPECT_TRUE(saw_negative);
}

TEST(TaskGenerators, WordProblemStepsAreCorrectArithmetic) {
  const std::regex step(R"((\d+) ([-+*/]) (\d+) = (\d+))");
  int zh = 0;
  for (const Problem& p : draw("word", Split::train, 1000, {{"zh_share", 0.5}})) {
    long long last = -1;
    for (const auto& s : p.reference["steps"]) {
      std::smatch m;
      const std::string text = s.get<std::string>();
      ASSERT_TRUE(std::regex_match(text, m, step)) << text;
      const long long a = std::stoll(m[1]), b = std::stoll(m[3]), r = std::stoll(m[4]);
      const char op = m[2].str()[0];
      EXPECT_EQ(op == '+' ? a + b : op == '-' ? a - b : op == '*' ? a * b : a / b, r) << text;
      if (op == '/') {
        EXPECT_EQ(a % b, 0) << text;
      }
      // Each number of the step is stated in the prompt or an earlier step.
      EXPECT_TRUE(p.prompt.find(m[1].str()) != std::string::npos || a == last) << p.prompt;
      EXPECT_NE(p.prompt.find(m[3].str()), std::string::npos) << p.prompt;
      last = r;
    }
    EXPECT_EQ(p.reference["answer"], std::to_string(last)) << p.prompt;
    zh += p.lang == "zh";
  }
  EXPECT_GT(zh, 400);
  EXPECT_LT(zh, 600);
}

TEST(TaskGenerators, TrivialQueriesHaveRepliesInBothSplitsAndLanguages) {
  for (Split split : {Split::train, Split::test}) {
    std::set<std::string> langs;
    for (const Problem& p : draw("trivial", split, 300, {{"zh_share", 0.5}})) {
      EXPECT_EQ(p.reward, "general");
      EXPECT_FALSE(p.reference["answer"].get<std::string>().empty());
      langs.insert(p.lang);
    }
    EXPECT_EQ(langs.size(), 2u) << split_name(split);
  }
}

TEST(TaskGenerators, BadNamesAndOptionsAreClearErrors) {
  EXPECT_THROW(make_task_generator("sudoku", nullptr), Error);
  EXPECT_THROW(make_task_generator("arithmetic", {{"max_digit", 4}}), Error);
  EXPECT_THROW(make_task_generator("arithmetic", {{"max_digits", 40}}), Error);
  EXPECT_THROW(make_task_generator("arithmetic", {{"ops", "+/"}}), Error);
  EXPECT_THROW(make_task_generator("countdown", {{"min_count", "3"}}), Error);
  EXPECT_THROW(make_task_generator("linear", nlohmann::json::array()), Error);
  try {
    make_task_generator("word", {{"max_vale", 3}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'max_vale'"), std::string::npos) << e.what();
  }
  const auto all_train = make_task_generator("linear", {{"test_fraction", 0.0}});
  EXPECT_NO_THROW(all_train->problem(1, 0, Split::train));
  EXPECT_THROW(all_train->problem(1, 0, Split::test), Error);
}

TEST(Split, FractionOfTheHashSpaceIsRespected) {
  int test = 0;
  for (int i = 0; i < 100000; ++i) test += split_of(std::to_string(i), 0.1) == Split::test;
  // Binomial(100000, 0.1): standard deviation ≈ 95, so ±600 is > 6 sigma.
  EXPECT_NEAR(test, 10000, 600);
  EXPECT_EQ(parse_split("test", "x"), Split::test);
  EXPECT_THROW(parse_split("validation", "--split"), Error);
  // FNV-1a 64 reference values (the published test vectors).
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
}

}  // namespace
}  // namespace r1
