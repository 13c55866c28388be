#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenizer/regex.h"

#include <pcre2.h>

#include "core/check.h"

namespace r1 {

struct Regex::Compiled {
  pcre2_code* code = nullptr;
  bool jit = false;
  ~Compiled() { pcre2_code_free(code); }
};

namespace {

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  pcre2_get_error_message(code, buffer, sizeof(buffer));
  return reinterpret_cast<const char*>(buffer);
}

// Room for the whole match only: the patterns' groups are never read.
struct MatchData {
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  MatchData() { R1_CHECK(data != nullptr, "out of memory creating PCRE2 match data"); }
  ~MatchData() { pcre2_match_data_free(data); }
};

}  // namespace

Regex::Regex(const std::string& pattern, const std::string& field) : pattern_(pattern) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  auto compiled = std::make_shared<Compiled>();
  compiled->code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                    PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &error, &offset, nullptr);
  if (compiled->code == nullptr) {
    fail("{}: regex does not compile at offset {}: {} (pattern: {})", field, offset,
         pcre2_message(error), pattern);
  }
  compiled->jit = pcre2_jit_compile(compiled->code, PCRE2_JIT_COMPLETE) == 0;
  compiled_ = std::move(compiled);
}

void Regex::for_each_match(std::string_view text,
                           const std::function<void(size_t, size_t)>& on_match) const {
  // One match-data block per thread keeps the regex usable from many threads;
  // nested calls (a split inside a split) are safe because the match bounds
  // are copied out before `on_match` runs.
  thread_local MatchData match_data;
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t start = 0;
  while (start < text.size()) {
    int rc = -1;
    if (compiled_->jit) {
      rc = pcre2_jit_match(compiled_->code, subject, text.size(), start, 0, match_data.data,
                           nullptr);
    }
    if (!compiled_->jit || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
      rc = pcre2_match(compiled_->code, subject, text.size(), start, PCRE2_NO_UTF_CHECK,
                       match_data.data, nullptr);
    }
    if (rc == PCRE2_ERROR_NOMATCH) return;
    R1_CHECK(rc >= 0, "regex match failed ({}) for pattern {}", pcre2_message(rc), pattern_);
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match_data.data);
    const size_t begin = ovector[0];
    const size_t end = ovector[1];
    if (end > begin) {
      on_match(begin, end);
      start = end;
    } else {
      // Step over one whole character after an empty match.
      start = begin + 1;
      while (start < text.size() && (static_cast<uint8_t>(text[start]) & 0xC0) == 0x80) ++start;
    }
  }
}

}  // namespace r1
