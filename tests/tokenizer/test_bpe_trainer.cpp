#include <gtest/gtest.h>

#include <filesystem>

#include "core/check.h"
#include "tokenizer/bpe_trainer.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer_io.h"

namespace r1 {
namespace {

using Ids = std::vector<int32_t>;

// "ab ab ab" pre-tokenizes to "ab" once and " ab" twice. Pair counts: a+b 3,
// space+a 2, so merge 1 is a+b (id 256); then space+ab 2 (id 257); then no
// pair is left. Special tokens follow: 258.. in the order given.
TEST(BpeTrainer, LearnsTheMostFrequentPairsByHand) {
  const Tokenizer t = train_bpe({"ab ab ab"}, 300, builtin_special_tokens());
  ASSERT_EQ(t.parts().model->merges().size(), 2u);
  EXPECT_EQ(t.parts().model->merges()[0], (std::pair<std::string, std::string>{"a", "b"}));
  EXPECT_EQ(t.parts().model->merges()[1], (std::pair<std::string, std::string>{"Ġ", "ab"}));
  EXPECT_EQ(t.vocab_size(), 256 + 2 + 7);
  EXPECT_EQ(t.encode("ab ab<think>b"), (Ids{256, 257, 259, 'b'}));
  EXPECT_EQ(t.eos_id(), 258);
  EXPECT_EQ(t.pad_id(), 258);
  EXPECT_FALSE(t.bos_id().has_value());
  EXPECT_EQ(chat_family(t.config().chat_template), ChatFamily::kR1Zero);
}

TEST(BpeTrainer, TiesGoToTheSmallerByteString) {
  // c+d, d+b and b+a each occur twice; the pair "b","a" sorts first.
  const Tokenizer t = train_bpe({"cdba", "cdba"}, 257, {});
  ASSERT_EQ(t.parts().model->merges().size(), 1u);
  EXPECT_EQ(t.parts().model->merges()[0], (std::pair<std::string, std::string>{"b", "a"}));
}

TEST(BpeTrainer, SpecialTokensInTextAreNotLearned) {
  const Tokenizer t = train_bpe({"<think><think><think>"}, 400, {"<think>"});
  EXPECT_TRUE(t.parts().model->merges().empty());
}

TEST(BpeTrainer, SavedTokenizerReloadsIdentically) {
  const std::vector<std::string> texts = {"The cat sat on the mat. 猫坐在垫子上。 12+34=46",
                                          "the the the cat cat 垫子 垫子"};
  const Tokenizer t = train_bpe(texts, 300, builtin_special_tokens());
  const std::string dir = std::string(R1_BINARY_DIR) + "/test_bpe_trainer_saved";
  std::filesystem::remove_all(dir);
  save_tokenizer(t, dir);
  const Tokenizer loaded = load_tokenizer(dir);
  const std::string probe = "the cat<|im_end|> 垫子 99 <answer>";
  EXPECT_EQ(loaded.encode(probe), t.encode(probe));
  EXPECT_EQ(loaded.vocab_size(), t.vocab_size());
  EXPECT_EQ(loaded.eos_id(), t.eos_id());
  EXPECT_EQ(loaded.decode(loaded.encode(probe)), probe);
  EXPECT_EQ(tokenizer_json(loaded), tokenizer_json(t));
}

TEST(BpeTrainer, RejectsTooSmallVocabulary) {
  EXPECT_THROW(train_bpe({"x"}, 100, builtin_special_tokens()), Error);
}

}  // namespace
}  // namespace r1
