// Streaming decode: feed ids one at a time as they are sampled and get back
// only text that can no longer change, i.e. never half a UTF-8 character.
// Concatenating every piece returned (including finish()) equals
// Tokenizer::decode of all the ids.
#pragma once

#include <cstdint>
#include <string>

#include "tokenizer/tokenizer.h"

namespace r1 {

class IncrementalDecoder {
 public:
  explicit IncrementalDecoder(const Tokenizer& tokenizer, bool skip_special_tokens = false)
      : tokenizer_(tokenizer), skip_special_tokens_(skip_special_tokens) {}

  // Returns the text completed by `id` (often empty while a multi-byte
  // character is still incomplete).
  std::string feed(int32_t id);
  // Returns what is left, with an unfinished character shown as U+FFFD, and
  // resets the decoder.
  std::string finish();

 private:
  Tokenizer tokenizer_;
  bool skip_special_tokens_;
  std::string pending_;  // bytes of an unfinished character
};

}  // namespace r1
