#include <gtest/gtest.h>

#include "core/check.h"
#include "tiny_tokenizer.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer_io.h"

namespace r1 {
namespace {

Tokenizer with_template(const std::string& chat_template, const char* bos = nullptr) {
  TokenizerParts parts = parse_tokenizer_json(test::tiny_tokenizer_json({}).dump(), "test");
  parts.config.chat_template = chat_template;
  if (bos != nullptr) {
    parts.added_tokens.push_back({300, bos, true});
    parts.config.bos_token = bos;
  }
  return Tokenizer(std::move(parts));
}

const std::vector<ChatMessage> kConversation = {
    {"system", "Be brief."},
    {"user", "1+1?"},
    {"assistant", "<think>\none plus one\n</think>\n\n2"},
    {"user", "2+2?"}};

TEST(ChatTemplate, ChatMl) {
  const Tokenizer t =
      with_template("{% for m in messages %}<|im_start|>{{ m.role }}...{% endfor %}");
  EXPECT_EQ(render_chat(t, std::vector<ChatMessage>{{"user", "hi"}}, true),
            "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
}

// Expected text worked out by hand from Qwen3's Jinja template: the earlier
// assistant turn loses its reasoning; the generation prompt opens a turn.
TEST(ChatTemplate, Qwen3DropsEarlierReasoning) {
  const Tokenizer t = with_template("<|im_start|> ... reasoning_content ...");
  EXPECT_EQ(render_chat(t, kConversation, true),
            "<|im_start|>system\nBe brief.<|im_end|>\n"
            "<|im_start|>user\n1+1?<|im_end|>\n"
            "<|im_start|>assistant\n2<|im_end|>\n"
            "<|im_start|>user\n2+2?<|im_end|>\n"
            "<|im_start|>assistant\n");
  const std::vector<ChatMessage> last_reply = {{"user", "1+1?"},
                                               {"assistant", "<think>\nsum\n</think>\n\n2"}};
  EXPECT_EQ(render_chat(t, last_reply, false),
            "<|im_start|>user\n1+1?<|im_end|>\n"
            "<|im_start|>assistant\n<think>\nsum\n</think>\n\n2<|im_end|>\n");
}

TEST(ChatTemplate, DeepSeekR1) {
  const Tokenizer t = with_template(
      "{{bos_token}}...<｜User｜>...content.split('</think>')[-1]..."
      "{{'<｜Assistant｜><think>\\n'}}",
      "<｜begin▁of▁sentence｜>");
  EXPECT_EQ(
      render_chat(t, kConversation, true),
      "<｜begin▁of▁sentence｜>Be brief.<｜User｜>1+1?<｜Assistant｜>\n\n2<｜end▁of▁sentence｜>"
      "<｜User｜>2+2?<｜Assistant｜><think>\n");
}

TEST(ChatTemplate, R1ZeroIsThePapersPrompt) {
  const Tokenizer t = with_template(r1_zero_chat_template());
  EXPECT_EQ(render_chat(t, std::vector<ChatMessage>{{"user", "What is 2+3"}}, true),
            "A conversation between User and Assistant. The user asks a question, and the "
            "Assistant solves it. The assistant first thinks about the reasoning process in the "
            "mind and then provides the user with the answer. The reasoning process and answer are "
            "enclosed within <think> </think> and <answer> </answer> tags, respectively, i.e., "
            "<think> reasoning process here </think> <answer> answer here </answer>. User: What "
            "is 2+3. Assistant:");
  EXPECT_THROW(render_chat(t, kConversation, true), Error);
}

TEST(ChatTemplate, UnknownTemplateIsNamed) {
  const Tokenizer t = with_template("[INST] {{ message }} [/INST]");
  try {
    render_chat(t, kConversation, true);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[INST] {{ message }}"), std::string::npos) << e.what();
  }
  EXPECT_THROW(render_chat(with_template(""), kConversation, true), Error);
}

}  // namespace
}  // namespace r1
