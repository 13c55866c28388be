// A byte tokenizer for tests: bytes are ids 0..255 (no merges), followed by
// <|im_start|> (256), <|im_end|> (257) and <|endoftext|> (258, EOS), so the
// ids of a text can be written down by hand.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tokenizer/byte_level.h"
#include "tokenizer/tokenizer_io.h"

namespace r1::testing {

constexpr int32_t kImStart = 256, kImEnd = 257, kEos = 258;
constexpr const char* kChatMlTemplate =
    "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + "
    "'<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' "
    "}}{% endif %}";

inline Tokenizer byte_tokenizer(const std::string& chat_template = kChatMlTemplate) {
  nlohmann::json vocab = nlohmann::json::object();
  for (int b = 0; b < 256; ++b) vocab[bytes_to_byte_level(std::string(1, char(b)))] = b;
  const nlohmann::json j = {
      {"version", "1.0"},
      {"added_tokens",
       {{{"id", kImStart}, {"content", "<|im_start|>"}, {"special", true}},
        {{"id", kImEnd}, {"content", "<|im_end|>"}, {"special", true}},
        {{"id", kEos}, {"content", "<|endoftext|>"}, {"special", true}}}},
      {"normalizer", nullptr},
      {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}},
      {"post_processor", nullptr},
      {"decoder", {{"type", "ByteLevel"}}},
      {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", nlohmann::json::array()}}}};
  TokenizerParts parts = parse_tokenizer_json(j.dump(), "byte tokenizer");
  parts.config.eos_token = "<|endoftext|>";
  parts.config.chat_template = chat_template;
  return Tokenizer(std::move(parts));
}

}  // namespace r1::testing
