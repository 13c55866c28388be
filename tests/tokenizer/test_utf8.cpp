#include <gtest/gtest.h>

#include "core/check.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/utf8.h"

namespace r1 {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

TEST(Utf8, ValidatesWellFormedText) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("你好 😀 é"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // UTF-16 surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE4\xBD"));          // truncated
}

// Expected outputs follow the Unicode standard's "U+FFFD substitution of
// maximal subparts" examples (Table 3-8).
TEST(Utf8, RepairReplacesMaximalSubparts) {
  EXPECT_EQ(repair_utf8("a\xFF"
                        "b"),
            "a" + kReplacement + "b");
  EXPECT_EQ(repair_utf8("\xE4\xBD"
                        "x"),
            kReplacement + "x");  // one U+FFFD for a truncated char
  EXPECT_EQ(repair_utf8("\xC0\xAF"), kReplacement + kReplacement);
  EXPECT_EQ(repair_utf8("\xED\xA0\x80"), kReplacement + kReplacement + kReplacement);
  EXPECT_EQ(repair_utf8("\xF1\x80\x80\xE1\x80\xC2"), kReplacement + kReplacement + kReplacement);
  EXPECT_EQ(repair_utf8("好"), "好");
}

TEST(Utf8, StablePrefixHoldsBackOnlyAnUnfinishedCharacter) {
  EXPECT_EQ(utf8_stable_prefix_length("ab"), 2u);
  EXPECT_EQ(utf8_stable_prefix_length("a\xE4\xBD"), 1u);  // first 2 bytes of 你
  EXPECT_EQ(utf8_stable_prefix_length("a\xF0\x9F\x98"), 1u);
  EXPECT_EQ(utf8_stable_prefix_length("a\xFF"), 2u);         // never valid: emit now
  EXPECT_EQ(utf8_stable_prefix_length("a\xE4\x41"), 3u);     // broken already
  EXPECT_EQ(utf8_stable_prefix_length("\xE4\xBD\xA0"), 3u);  // complete 你
}

// GPT-2's bytes_to_unicode table, by hand: printable ASCII stands for itself;
// bytes 0..32 become U+0100..U+0120, 127..160 U+0121..U+0142, 173 U+0143.
TEST(ByteLevel, MatchesTheGpt2Alphabet) {
  EXPECT_EQ(bytes_to_byte_level(" "), "Ġ");
  EXPECT_EQ(bytes_to_byte_level("\n"), "Ċ");
  EXPECT_EQ(bytes_to_byte_level(std::string(1, '\0')), "Ā");
  EXPECT_EQ(bytes_to_byte_level("\x7F"), "ġ");
  EXPECT_EQ(bytes_to_byte_level("\xAD"), "Ń");
  EXPECT_EQ(bytes_to_byte_level("A~"), "A~");
  EXPECT_EQ(bytes_to_byte_level("你"), "ä½ł");
  EXPECT_EQ(byte_level_to_bytes("ĠtheĊ"), " the\n");
  EXPECT_FALSE(byte_level_to_bytes("<｜User｜>").has_value());
  EXPECT_FALSE(byte_level_to_bytes("a b").has_value());  // a raw space is not in the alphabet
}

}  // namespace
}  // namespace r1
