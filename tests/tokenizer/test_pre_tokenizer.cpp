#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/check.h"
#include "tokenizer/bpe_trainer.h"
#include "tokenizer/pre_tokenizer.h"

namespace r1 {
namespace {

using Pieces = std::vector<std::string>;

Pieces split(const PreTokenizer& p, std::string_view text) {
  Pieces out;
  p.split(text, [&](std::string_view piece) { out.emplace_back(piece); });
  return out;
}

Pieces split_dash(const char* behavior, bool invert, std::string_view text) {
  const nlohmann::json j = {{"type", "Split"},
                            {"pattern", {{"String", "-"}}},
                            {"behavior", behavior},
                            {"invert", invert}};
  return split(PreTokenizer::from_json(j, "test"), text);
}

// Expected pieces are the examples of HF's SplitDelimiterBehavior docs.
TEST(PreTokenizer, SplitBehaviors) {
  const char* text = "the-final--countdown";
  EXPECT_EQ(split_dash("Removed", false, text), (Pieces{"the", "final", "countdown"}));
  EXPECT_EQ(split_dash("Isolated", false, text),
            (Pieces{"the", "-", "final", "-", "-", "countdown"}));
  EXPECT_EQ(split_dash("MergedWithPrevious", false, text),
            (Pieces{"the-", "final-", "-", "countdown"}));
  EXPECT_EQ(split_dash("MergedWithNext", false, text),
            (Pieces{"the", "-final", "-", "-countdown"}));
  EXPECT_EQ(split_dash("Contiguous", false, text),
            (Pieces{"the", "-", "final", "--", "countdown"}));
  EXPECT_EQ(split_dash("Removed", true, text), (Pieces{"-", "-", "-"}));
}

TEST(PreTokenizer, Qwen2PatternSplitsSpacesDigitsAndNewlines) {
  const PreTokenizer p = PreTokenizer::split_then_byte_level(kQwen2SplitPattern);
  EXPECT_EQ(split(p, "Hello  world\n\n"), (Pieces{"Hello", " ", " world", "\n\n"}));
  EXPECT_EQ(split(p, "x=123"), (Pieces{"x", "=", "1", "2", "3"}));
  EXPECT_EQ(split(p, "I'LL go"), (Pieces{"I", "'LL", " go"}));
  // "[^\r\n\p{L}\p{N}]?\p{L}+" comes first and takes the comma with the word after it.
  EXPECT_EQ(split(p, "你好，世界"), (Pieces{"你好", "，世界"}));
}

TEST(PreTokenizer, ByteLevelPrefixSpaceAndGpt2Regex) {
  const nlohmann::json j = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"use_regex", true}};
  const PreTokenizer p = PreTokenizer::from_json(j, "test");
  EXPECT_EQ(split(p, "Hello world's 42"), (Pieces{" Hello", " world", "'s", " 42"}));
}

}  // namespace
}  // namespace r1
