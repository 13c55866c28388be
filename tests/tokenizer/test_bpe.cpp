#include <gtest/gtest.h>

#include "core/check.h"
#include "tiny_tokenizer.h"
#include "tokenizer/tokenizer_io.h"

namespace r1 {
namespace {

using Ids = std::vector<int32_t>;

Tokenizer make(const nlohmann::json& j) {
  return Tokenizer(parse_tokenizer_json(j.dump(), "test"));
}

// Merges: a+b (rank 0) -> 256 "ab", b+c (rank 1) -> 257 "bc", ab+c (rank 2)
// -> 258 "abc"; added tokens <think> = 259, <|im_end|> = 260.
Tokenizer abc_tokenizer() {
  return make(test::tiny_tokenizer_json({{"a", "b"}, {"b", "c"}, {"ab", "c"}}));
}

TEST(Bpe, AppliesLowestRankMergeFirst) {
  const Tokenizer t = abc_tokenizer();
  EXPECT_EQ(t.encode("abc"), (Ids{258}));        // ab, then ab+c
  EXPECT_EQ(t.encode("bcab"), (Ids{257, 256}));  // a+b (rank 0) before b+c (rank 1)
  EXPECT_EQ(t.encode("cba"), (Ids{'c', 'b', 'a'}));
  EXPECT_EQ(t.encode(" ab"), (Ids{' ', 256}));  // no merge for space+a
  EXPECT_EQ(t.vocab_size(), 261);
}

TEST(Bpe, RepeatedPairMergesLeftmostFirst) {
  const Tokenizer t = make(test::tiny_tokenizer_json({{"a", "a"}}));
  EXPECT_EQ(t.encode("aaa"), (Ids{256, 'a'}));
  EXPECT_EQ(t.encode("aaaa"), (Ids{256, 256}));
}

TEST(Bpe, AddedTokensAreCutOutFirst) {
  const Tokenizer t = abc_tokenizer();
  EXPECT_EQ(t.encode("ab<think>c<|im_end|>"), (Ids{256, 259, 'c', 260}));
  EXPECT_EQ(t.encode("<thin"), (Ids{'<', 't', 'h', 'i', 'n'}));
  EXPECT_EQ(t.token_id("<think>"), 259);
  EXPECT_EQ(t.token_id("ab"), 256);
  EXPECT_EQ(t.token_id("Ġ"), ' ');
  EXPECT_FALSE(t.token_id("zz").has_value());
}

TEST(Bpe, DecodesBytesAndSkipsSpecialTokensOnRequest) {
  const Tokenizer t = abc_tokenizer();
  EXPECT_EQ(t.decode(Ids{258, ' ', 256, 259}), "abc ab<think>");
  EXPECT_EQ(t.decode(Ids{258, 259, 'c'}, true), "abcc");
  EXPECT_EQ(t.decode(Ids{0xE4, 0xBD, 0xA0}), "你");
  EXPECT_EQ(t.decode(Ids{0xE4, 'x'}), "\xEF\xBF\xBDx");
  EXPECT_THROW(t.decode(Ids{261}), Error);
  EXPECT_THROW(t.decode(Ids{-1}), Error);
}

TEST(Bpe, ArrayAndStringMergeFormsAgree) {
  auto j = test::tiny_tokenizer_json({{"a", "b"}, {"b", "c"}, {"ab", "c"}});
  j["model"]["merges"] =
      nlohmann::json::array({nlohmann::json::array({"a", "b"}), nlohmann::json::array({"b", "c"}),
                             nlohmann::json::array({"ab", "c"})});
  EXPECT_EQ(make(j).encode("bcab abc"), abc_tokenizer().encode("bcab abc"));
}

TEST(Bpe, IgnoreMergesTakesWholeVocabularyWords) {
  auto j = test::tiny_tokenizer_json({{"a", "b"}});
  j["model"]["vocab"]["abc"] = 257;
  EXPECT_EQ(make(j).encode("abc"), (Ids{256, 'c'}));
  j["model"]["ignore_merges"] = true;
  EXPECT_EQ(make(j).encode("abc"), (Ids{257}));
}

TEST(Bpe, InvalidUtf8IsEncodedAsReplacementCharacter) {
  const Tokenizer t = abc_tokenizer();
  // U+FFFD is EF BF BD; "\xFF" and "\xC3" each become one.
  EXPECT_EQ(t.encode("a\xFF"), (Ids{'a', 0xEF, 0xBF, 0xBD}));
  EXPECT_EQ(t.encode("\xC3"), (Ids{0xEF, 0xBF, 0xBD}));
}

TEST(Bpe, TemplatePostProcessorAddsBosAndEos) {
  auto j = test::tiny_tokenizer_json({{"a", "b"}});
  j["post_processor"] = {
      {"type", "TemplateProcessing"},
      {"single",
       {{{"SpecialToken", {{"id", "<think>"}, {"type_id", 0}}}},
        {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
        {{"SpecialToken", {{"id", "<|im_end|>"}, {"type_id", 0}}}}}},
      {"special_tokens",
       {{"<think>", {{"id", "<think>"}, {"ids", {257}}, {"tokens", {"<think>"}}}},
        {"<|im_end|>", {{"id", "<|im_end|>"}, {"ids", {258}}, {"tokens", {"<|im_end|>"}}}}}}};
  const Tokenizer t = make(j);
  EXPECT_EQ(t.encode("ab", true), (Ids{257, 256, 258}));
  EXPECT_EQ(t.encode("ab", false), (Ids{256}));
}

TEST(Bpe, NfcNormalizerComposes) {
  auto j = test::tiny_tokenizer_json({});
  j["normalizer"] = {{"type", "Sequence"}, {"normalizers", {{{"type", "NFC"}}}}};
  // e + U+0301 composes to é (C3 A9).
  EXPECT_EQ(make(j).encode("e\xCC\x81"), (Ids{0xC3, 0xA9}));
  j["normalizer"] = nullptr;
  EXPECT_EQ(make(j).encode("e\xCC\x81"), (Ids{'e', 0xCC, 0x81}));
}

}  // namespace
}  // namespace r1
