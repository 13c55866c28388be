#include "generate/stop_strings.h"

#include <algorithm>

namespace r1 {

std::function<bool(const std::vector<int32_t>&)> stop_on_strings(
    const Tokenizer& tokenizer, std::vector<std::string> stop_strings) {
  if (stop_strings.empty()) return {};
  size_t longest = 0;
  for (const std::string& s : stop_strings) longest = std::max(longest, s.size());
  // A stop string ends in the newest token, so it lies within the decoded
  // text of the last `longest` tokens (each token is at least one byte).
  return [&tokenizer, stop_strings = std::move(stop_strings),
          longest](const std::vector<int32_t>& tokens) {
    const size_t from = tokens.size() > longest ? tokens.size() - longest : 0;
    const std::string tail =
        tokenizer.decode(std::span<const int32_t>(tokens.data() + from, tokens.size() - from));
    for (const std::string& s : stop_strings)
      if (tail.find(s) != std::string::npos) return true;
    return false;
  };
}

}  // namespace r1
