// UTF-8 helpers shared by the tokenizer: validation, lossy repair and the
// boundary of the last complete character (for streaming decode).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace r1 {

// Length of the well-formed UTF-8 sequence starting at `s[pos]` (1..4), or 0
// when the bytes there are not a complete well-formed character.
size_t utf8_sequence_length(std::string_view s, size_t pos);

bool is_valid_utf8(std::string_view s);

// Replaces every ill-formed subsequence by U+FFFD using the "maximal subpart"
// rule of the Unicode standard (the one WHATWG TextDecoder and Rust's
// from_utf8_lossy follow), so our text equals what those implementations see.
std::string repair_utf8(std::string_view s);

// Number of leading bytes of `s` that can be converted now without changing
// the result of converting all of `s` plus any continuation: everything except
// a trailing prefix of a character that more bytes could still complete.
size_t utf8_stable_prefix_length(std::string_view s);

void append_utf8(std::string& out, uint32_t code_point);

// Decodes the character at `pos` of valid UTF-8 and advances `pos`.
uint32_t next_code_point(std::string_view s, size_t& pos);

}  // namespace r1
