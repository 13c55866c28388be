#include "tokenizer/byte_level.h"

#include "tokenizer/utf8.h"

namespace r1 {
namespace {

bool stands_for_itself(uint32_t b) {
  return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

struct ByteLevelTables {
  std::array<uint32_t, 256> code_point_of_byte{};
  // Inverse over U+0000..U+01FF (every alphabet character is below U+0144);
  // -1 marks characters outside the alphabet.
  std::array<int16_t, 512> byte_of_code_point{};

  ByteLevelTables() {
    byte_of_code_point.fill(-1);
    uint32_t next_extra = 0;
    for (uint32_t b = 0; b < 256; ++b) {
      const uint32_t cp = stands_for_itself(b) ? b : 256 + next_extra++;
      code_point_of_byte[b] = cp;
      byte_of_code_point[cp] = static_cast<int16_t>(b);
    }
  }
};

const ByteLevelTables& tables() {
  static const ByteLevelTables t;
  return t;
}

}  // namespace

uint32_t byte_to_code_point(uint8_t b) {
  return tables().code_point_of_byte[b];
}

std::string bytes_to_byte_level(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) append_utf8(out, byte_to_code_point(static_cast<uint8_t>(c)));
  return out;
}

std::optional<std::string> byte_level_to_bytes(std::string_view text) {
  if (!is_valid_utf8(text)) return std::nullopt;
  const auto& t = tables();
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const uint32_t cp = next_code_point(text, pos);
    if (cp >= t.byte_of_code_point.size() || t.byte_of_code_point[cp] < 0) return std::nullopt;
    out.push_back(static_cast<char>(t.byte_of_code_point[cp]));
  }
  return out;
}

}  // namespace r1
