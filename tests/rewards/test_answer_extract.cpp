#include <gtest/gtest.h>

#include "core/check.h"
#include "rewards/answer_extract.h"

namespace {

using r1::AnswerExtractor;
using r1::AnswerFormat;

TEST(ExtractBoxed, TakesLastBoxWithNestedBraces) {
  EXPECT_EQ(r1::extract_boxed("so \\boxed{1} or \\boxed{\\frac{1}{2}}."), "\\frac{1}{2}");
  EXPECT_EQ(r1::extract_boxed("\\fbox{7} then \\boxed{8}"), "8");
  EXPECT_EQ(r1::extract_boxed("\\boxed{8} then \\fbox{ 7 }"), "7");
  EXPECT_EQ(r1::extract_boxed("\\boxed {42}"), "42");
  EXPECT_EQ(r1::extract_boxed("\\boxed{\\{1,2\\}}"), "\\{1,2\\}");
  EXPECT_EQ(r1::extract_boxed("\\boxed{\\boxed{5}}"), "5");
}

TEST(ExtractBoxed, SkipsUnterminatedAndAbsentBoxes) {
  EXPECT_FALSE(r1::extract_boxed("no box here"));
  EXPECT_FALSE(r1::extract_boxed("\\boxed{12"));
  EXPECT_EQ(r1::extract_boxed("\\boxed{3} and finally \\boxed{4"), "3");
  EXPECT_FALSE(r1::extract_boxed("\\boxedx{3}"));
  EXPECT_FALSE(r1::extract_boxed("\\boxed"));
  EXPECT_FALSE(r1::extract_boxed("{3}"));
}

TEST(ExtractTagged, TakesLastAnswerTagAndBoxInside) {
  EXPECT_EQ(r1::extract_tagged("<think>x</think> <answer> 12 </answer>"), "12");
  EXPECT_EQ(r1::extract_tagged("<answer>1</answer><answer>2</answer>"), "2");
  EXPECT_EQ(r1::extract_tagged("<answer>so \\boxed{3}.</answer>"), "3");
  EXPECT_EQ(r1::extract_tagged("<answer>$x=2$</answer>"), "x=2");
  EXPECT_FALSE(r1::extract_tagged("<answer>12"));
  EXPECT_FALSE(r1::extract_tagged("12</answer>"));
  EXPECT_EQ(r1::extract_tagged("[A]5[/A]", "[A]", "[/A]"), "5");
}

TEST(ExtractAnswerIs, ReadsTheStatedAnswer) {
  EXPECT_EQ(r1::extract_answer_is("The answer is: 3.5"), "3.5");
  EXPECT_EQ(r1::extract_answer_is("so the answer is 18. Done."), "18");
  EXPECT_EQ(r1::extract_answer_is("The final answer is $\\frac{1}{2}$."), "\\frac{1}{2}");
  EXPECT_EQ(r1::extract_answer_is("THE ANSWER IS 7\nmore text"), "7");
  EXPECT_EQ(r1::extract_answer_is("the answer is \\boxed{9} I think"), "9");
  EXPECT_EQ(r1::extract_answer_is("answer is 1. Actually the answer is 2"), "2");
  EXPECT_EQ(r1::extract_answer_is("所以答案是 42。"), "42");
  EXPECT_FALSE(r1::extract_answer_is("the answer is"));
  EXPECT_FALSE(r1::extract_answer_is("no answer"));
}

TEST(ExtractGsm8k, ReadsTheHashLine) {
  EXPECT_EQ(r1::extract_gsm8k("16 - 3 - 4 = 9\n#### 18"), "18");
  EXPECT_EQ(r1::extract_gsm8k("#### 1,000\n"), "1,000");
  EXPECT_FALSE(r1::extract_gsm8k("#### \n"));
  EXPECT_FALSE(r1::extract_gsm8k("18"));
}

TEST(AnswerExtractor, TriesFormatsInOrder) {
  const AnswerExtractor extractor({AnswerFormat::AnswerTag, AnswerFormat::Boxed});
  const auto found = extractor.extract("\\boxed{1} <answer>2</answer>");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->text, "2");
  EXPECT_EQ(found->format, AnswerFormat::AnswerTag);
  EXPECT_EQ(extractor.extract("\\boxed{1}")->format, AnswerFormat::Boxed);
  EXPECT_FALSE(extractor.extract("nothing"));
  EXPECT_EQ(extractor.missing_reason(), "no <answer> or \\boxed{}");
  EXPECT_EQ(AnswerExtractor({AnswerFormat::Boxed}).missing_reason(), "no \\boxed{}");
}

TEST(AnswerExtractor, FormatNamesRoundTripAndUnknownIsAnError) {
  for (const char* name : {"boxed", "answer_tag", "answer_is", "gsm8k"})
    EXPECT_EQ(r1::answer_format_name(r1::parse_answer_format(name)), name);
  EXPECT_THROW(r1::parse_answer_format("latex"), r1::Error);
  EXPECT_THROW(AnswerExtractor({}), r1::Error);
}

}  // namespace
