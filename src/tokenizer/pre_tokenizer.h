// tokenizer.json's "pre_tokenizer" for byte-level BPE: a sequence of Split
// steps (regex or literal, with HF's delimiter behaviours and `invert`) and a
// ByteLevel step. Pieces are raw UTF-8 bytes; the byte-level character mapping
// is folded into the vocabulary instead (see BpeModel), so ByteLevel only
// contributes its optional prefix space and GPT-2 regex.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/regex.h"

namespace r1 {

// What Split does with the parts its pattern matches (HF's
// SplitDelimiterBehavior).
enum class SplitBehavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

class PreTokenizer {
 public:
  static PreTokenizer from_json(const nlohmann::json& j, const std::string& field);

  // A pre-tokenizer of one regex Split (Isolated) followed by ByteLevel, the
  // form our BPE trainer writes.
  static PreTokenizer split_then_byte_level(const std::string& pattern);

  bool has_byte_level() const { return has_byte_level_; }

  // Calls `on_piece` with each piece of valid UTF-8 `text`, in order.
  void split(std::string_view text, const std::function<void(std::string_view)>& on_piece) const;

 private:
  struct Step {
    enum class Kind { kSplit, kPrefixSpace } kind = Kind::kSplit;
    std::shared_ptr<Regex> regex;  // null for a literal pattern
    std::string literal;
    SplitBehavior behavior = SplitBehavior::kIsolated;
    bool invert = false;
  };

  void parse_into(const nlohmann::json& j, const std::string& field);
  void run(size_t step, std::string_view text,
           const std::function<void(std::string_view)>& on_piece) const;

  std::vector<Step> steps_;
  bool has_byte_level_ = false;
};

}  // namespace r1
