// A JIT-compiled PCRE2 regular expression over UTF-8 with Unicode properties
// (\p{L}, \p{N}, look-ahead), as the pre-tokenizer patterns need.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace r1 {

class Regex {
 public:
  // Throws r1::Error naming `field` and the compile error's offset when the
  // pattern does not compile.
  Regex(const std::string& pattern, const std::string& field);

  const std::string& pattern() const { return pattern_; }

  // Calls `on_match(begin, end)` for each non-empty, non-overlapping match in
  // valid UTF-8 `text`, left to right.
  void for_each_match(std::string_view text,
                      const std::function<void(size_t, size_t)>& on_match) const;

 private:
  struct Compiled;
  std::string pattern_;
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace r1
