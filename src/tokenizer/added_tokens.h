// Added tokens (tokenizer.json's "added_tokens"): strings such as <think> or
// <|im_start|> that are cut out of the text before normalization and BPE and
// map straight to one id. Matching is leftmost-longest, as in HF.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace r1 {

struct AddedToken {
  int32_t id = 0;
  std::string content;
  bool special = false;
  bool single_word = false;  // only matches when not inside a word
  bool lstrip = false;       // absorbs whitespace on its left
  bool rstrip = false;       // absorbs whitespace on its right
  bool normalized = false;
};

class AddedTokenMatcher {
 public:
  explicit AddedTokenMatcher(const std::vector<AddedToken>& tokens);

  // Splits `text` into plain segments (`token` null) and added tokens, in
  // order, calling `on_part` for each; empty plain segments are skipped.
  void split(std::string_view text,
             const std::function<void(std::string_view, const AddedToken*)>& on_part) const;

 private:
  // A byte trie; children are kept sorted by byte.
  struct Node {
    std::vector<std::pair<uint8_t, int32_t>> children;
    int32_t token = -1;  // index into tokens_ of the token ending here
  };
  int32_t child(int32_t node, uint8_t byte) const;
  // Index of the longest token matching at `pos` that is allowed there, or -1.
  int32_t longest_match(std::string_view text, size_t pos, size_t* length) const;

  std::vector<AddedToken> tokens_;
  std::vector<Node> nodes_;
  bool first_byte_[256] = {};
};

}  // namespace r1
