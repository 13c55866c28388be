// Fuzz target: encoding any bytes gives valid ids whose decoding is the input
// with invalid UTF-8 repaired and NFC applied (checked against utf8proc on the
// whole text, independently of the tokenizer's piecewise normalization), and
// streaming decode agrees with whole decode.
#include <utf8proc.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tokenizer/bpe_trainer.h"
#include "tokenizer/incremental_decoder.h"
#include "tokenizer/tokenizer_io.h"
#include "tokenizer/utf8.h"

namespace {

const r1::Tokenizer& tokenizer() {
  static const r1::Tokenizer t = [] {
    const r1::Tokenizer trained = r1::train_bpe(
        {"The answer is 42. 答案是四十二。 Let me verify: 6 * 7 = 42. Café naïve résumé 😀\n\n",
         "def f(x):\n    return x ** 2  # square\n\tdone"},
        400, r1::builtin_special_tokens());
    auto json = nlohmann::json::parse(r1::tokenizer_json(trained));
    json["normalizer"] = {{"type", "NFC"}};
    r1::TokenizerParts parts = r1::parse_tokenizer_json(json.dump(), "fuzz tokenizer");
    return r1::Tokenizer(std::move(parts));
  }();
  return t;
}

std::string nfc(const std::string& s) {
  utf8proc_uint8_t* out = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                              static_cast<utf8proc_ssize_t>(s.size()), &out,
                              static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0) std::abort();
  std::string result(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  std::free(out);
  return result;
}

void check(bool ok, const char* what, std::string_view input) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_tokenizer_encode: %s for input of %zu bytes:\n", what, input.size());
  for (char c : input) std::fprintf(stderr, "%02x", static_cast<uint8_t>(c));
  std::fprintf(stderr, "\n");
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const r1::Tokenizer& t = tokenizer();
  const auto ids = t.encode(input);
  for (const int32_t id : ids) check(t.is_valid_id(id), "invalid id", input);
  const std::string decoded = t.decode(ids);
  check(decoded == nfc(r1::repair_utf8(input)), "decode(encode(x)) != NFC(x)", input);
  r1::IncrementalDecoder streaming(t);
  std::string streamed;
  for (const int32_t id : ids) streamed += streaming.feed(id);
  check(streamed + streaming.finish() == decoded, "streaming decode differs", input);
  return 0;
}
