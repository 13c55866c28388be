#include "tokenizer/incremental_decoder.h"

#include "core/check.h"
#include "tokenizer/utf8.h"

namespace r1 {

std::string IncrementalDecoder::feed(int32_t id) {
  R1_CHECK(tokenizer_.is_valid_id(id), "decode: token id {} is outside the vocabulary [0, {})", id,
           tokenizer_.vocab_size());
  if (skip_special_tokens_ && tokenizer_.is_special(id)) return {};
  pending_.append(tokenizer_.token_bytes(id));
  const size_t ready = utf8_stable_prefix_length(pending_);
  std::string out = repair_utf8(std::string_view(pending_).substr(0, ready));
  pending_.erase(0, ready);
  return out;
}

std::string IncrementalDecoder::finish() {
  std::string out = repair_utf8(pending_);
  pending_.clear();
  return out;
}

}  // namespace r1
