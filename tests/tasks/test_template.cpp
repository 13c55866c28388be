#include <gtest/gtest.h>

#include "core/check.h"
#include "tasks/template.h"

namespace r1 {
namespace {

TEST(PromptTemplate, R1ZeroIsVerbatimFromThePaper) {
  // Copied from R1_NOTES.md ("R1-Zero training template (verbatim)") with the
  // prompt substituted by hand.
  EXPECT_EQ(
      prompt_template("r1_zero").render("What is 2 + 3?"),
      "A conversation between User and Assistant. The user asks a question, and the Assistant "
      "solves it. The assistant first thinks about the reasoning process in the mind and then "
      "provides the user with the answer. The reasoning process and answer are enclosed within "
      "<think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process "
      "here </think> <answer> answer here </answer>. User: What is 2 + 3?. Assistant:");
}

TEST(PromptTemplate, ShortTemplateAndBracesInPrompts) {
  EXPECT_EQ(prompt_template("r1_zero_short").render("你好"), "User: 你好\nAssistant:");
  EXPECT_EQ(prompt_template("r1_zero_short").render("set {prompt} {x}"),
            "User: set {prompt} {x}\nAssistant:");
  EXPECT_EQ(prompt_template_names(), (std::vector<std::string>{"r1_zero", "r1_zero_short"}));
  EXPECT_THROW(prompt_template("chatml"), Error);
}

}  // namespace
}  // namespace r1
