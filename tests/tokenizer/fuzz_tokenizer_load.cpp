// Fuzz target: any bytes given as tokenizer.json either load, and then
// encode/decode a probe text, or fail with r1::Error; never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/check.h"
#include "tokenizer/tokenizer_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const r1::Tokenizer tokenizer(r1::parse_tokenizer_json(
        std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json"));
    const auto ids = tokenizer.encode("Hello 世界 <think>42</think>\n", true);
    tokenizer.decode(ids);
  } catch (const r1::Error&) {
  }
  return 0;
}
