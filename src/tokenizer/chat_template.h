// Chat templates. tokenizer_config.json ships a Jinja template; rather than
// run Jinja we recognise which known family it is and render that family in
// C++: Qwen's ChatML (<|im_start|>role ... <|im_end|>, with Qwen3's <think>
// handling), DeepSeek-R1/V3 (<｜User｜>...<｜Assistant｜>), and the plain
// R1-Zero prompt of the DeepSeek-R1 paper. Anything else is an error that
// names the template.
#pragma once

#include <span>
#include <string>

#include "tokenizer/tokenizer.h"

namespace r1 {

enum class ChatFamily { kChatMl, kQwen3, kDeepSeek, kR1Zero };

struct ChatMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

// The family of a Jinja chat template; an unknown or empty template is an
// r1::Error quoting its start.
ChatFamily chat_family(const std::string& chat_template);

// Renders `messages` as the model expects them; `add_generation_prompt` ends
// the text where the assistant's reply starts.
std::string render_chat(const Tokenizer& tokenizer, std::span<const ChatMessage> messages,
                        bool add_generation_prompt);

// The R1-Zero prompt (R1_NOTES.md, verbatim) around one user prompt.
std::string r1_zero_prompt(const std::string& prompt);

// A Jinja template rendering the R1-Zero prompt, written into the
// tokenizer_config.json of our own tokenizers so that Hugging Face tools
// render the same text.
std::string r1_zero_chat_template();

}  // namespace r1
