// Consistency of answer extraction and equivalence on the real benchmark files
// in ../shared/data (beside the repository root): MATH-500's boxed answer and
// its "The answer is:" line agree, AIME 2024's boxed solution agrees with its
// answer field, and every GSM8K solution has a "#### N" number.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/file_io.h"
#include "rewards/answer_extract.h"
#include "rewards/math_answer.h"

namespace {

const std::string kDataDir = R1_SOURCE_DIR "/../shared/data/";

std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::vector<nlohmann::json> rows;
  const std::string text = r1::read_file(path);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) rows.push_back(nlohmann::json::parse(text.substr(start, end - start)));
    start = end + 1;
  }
  return rows;
}

#define SKIP_IF_MISSING(path) \
  if (!r1::path_exists(path)) GTEST_SKIP() << "benchmark data not found: " << (path)

TEST(MathDatasets, Math500BoxedAnswerMatchesAnswerLine) {
  const std::string path = kDataDir + "math500/test.jsonl";
  SKIP_IF_MISSING(path);
  const auto rows = read_jsonl(path);
  ASSERT_EQ(rows.size(), 500u);
  int structured = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string solution = rows[i].at("answer").get<std::string>();
    const auto boxed = r1::extract_boxed(solution);
    const auto stated = r1::extract_answer_is(solution);
    ASSERT_TRUE(boxed) << "line " << i + 1 << ": no \\boxed{}";
    ASSERT_TRUE(stated) << "line " << i + 1 << ": no \"The answer is\"";
    EXPECT_TRUE(r1::math::answers_equivalent(*boxed, *stated))
        << "line " << i + 1 << ": " << *boxed << " vs " << *stated;
    if (r1::math::parse_answer(*boxed).kind != r1::math::Answer::Kind::Text) ++structured;
  }
  // Five answers are words, compared as text: Evelyn, east, even, ellipse, Navin.
  EXPECT_EQ(structured, 495);
}

// The check must also tell answers apart: every MATH-500 answer that parses as
// one number or expression differs from itself plus one.
TEST(MathDatasets, Math500AnswersDifferFromPerturbedAnswers) {
  const std::string path = kDataDir + "math500/test.jsonl";
  SKIP_IF_MISSING(path);
  int checked = 0;
  for (const auto& row : read_jsonl(path)) {
    const std::string solution = row.at("answer").get<std::string>();
    const auto boxed = r1::extract_boxed(solution);
    ASSERT_TRUE(boxed);
    if (r1::math::parse_answer(*boxed).kind != r1::math::Answer::Kind::Scalar) continue;
    std::string perturbed = "(";
    perturbed.append(*boxed).append(")+1");
    EXPECT_FALSE(r1::math::answers_equivalent(*boxed, perturbed)) << *boxed;
    ++checked;
  }
  EXPECT_GE(checked, 350);
}

TEST(MathDatasets, Aime24BoxedSolutionMatchesAnswer) {
  const std::string path = kDataDir + "aime24/test.jsonl";
  SKIP_IF_MISSING(path);
  const auto rows = read_jsonl(path);
  ASSERT_EQ(rows.size(), 30u);
  int with_box = 0;
  for (const auto& row : rows) {
    const std::string solution = row.at("solution").get<std::string>();
    const std::string answer = row.at("answer").get<std::string>();
    const auto boxed = r1::extract_boxed(solution);
    if (!boxed) continue;
    ++with_box;
    EXPECT_TRUE(r1::math::answers_equivalent(answer, *boxed))
        << "id " << row.at("id") << ": " << *boxed << " vs " << answer;
    EXPECT_FALSE(r1::math::answers_equivalent(answer, std::to_string(std::stoi(answer) + 1)));
  }
  EXPECT_EQ(with_box, 29);  // problem 60's solution states its answer without a box
}

void check_gsm8k(const std::string& path, size_t expected_rows) {
  const auto rows = read_jsonl(path);
  ASSERT_EQ(rows.size(), expected_rows);
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string solution = rows[i].at("answer").get<std::string>();
    const auto number = r1::extract_gsm8k(solution);
    ASSERT_TRUE(number) << path << ":" << i + 1;
    const auto parsed = r1::math::parse_answer(*number);
    ASSERT_EQ(parsed.kind, r1::math::Answer::Kind::Scalar)
        << path << ":" << i + 1 << ": " << *number;
    EXPECT_TRUE(r1::math::eval_exact(*parsed.expr)) << path << ":" << i + 1 << ": " << *number;
  }
}

TEST(MathDatasets, Gsm8kTrainHasNumericAnswerOnEveryLine) {
  const std::string path = kDataDir + "gsm8k/train.jsonl";
  SKIP_IF_MISSING(path);
  check_gsm8k(path, 7473);
}

TEST(MathDatasets, Gsm8kTestHasNumericAnswerOnEveryLine) {
  const std::string path = kDataDir + "gsm8k/test.jsonl";
  SKIP_IF_MISSING(path);
  check_gsm8k(path, 1319);
}

}  // namespace
