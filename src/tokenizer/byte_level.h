// The GPT-2 byte-level alphabet: each of the 256 byte values is shown as one
// printable Unicode character, so that vocabularies can be stored as text.
// Printable Latin-1 bytes stand for themselves; the others map to U+0100.. in
// byte order (so the space 0x20 is 'Ġ' U+0120 and '\n' is 'Ċ' U+010A).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace r1 {

// Code point that stands for byte `b`.
uint32_t byte_to_code_point(uint8_t b);

// Byte-level text of raw bytes, e.g. " the" -> "Ġthe".
std::string bytes_to_byte_level(std::string_view bytes);

// Raw bytes of a byte-level token, or nullopt when some character of `text`
// is not in the alphabet (such a token is not a byte-level token).
std::optional<std::string> byte_level_to_bytes(std::string_view text);

}  // namespace r1
