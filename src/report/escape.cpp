#include "report/escape.h"

namespace r1::report {

std::string escape_markup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '"') {
      out += "&quot;";
    } else if (c == '\'') {
      out += "&#39;";
    } else if ((byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7f) {
      // U+2400 + byte, or U+2421 for DEL; in UTF-8 E2 90 (80 + byte) / E2 90 A1.
      out += "\xE2\x90";
      out += static_cast<char>(byte == 0x7f ? 0xA1 : 0x80 + byte);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace r1::report
