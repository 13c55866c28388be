#include "eval/metrics.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/check.h"
#include "rewards/language_reward.h"

namespace r1 {

double pass_at_k(int64_t n, int64_t c, int64_t k) {
  R1_CHECK(n >= 1 && c >= 0 && c <= n && k >= 1 && k <= n,
           "pass@k needs 0 <= c <= n and 1 <= k <= n, got n={} c={} k={}", n, c, k);
  if (n - c < k) return 1.0;
  // C(n−c, k)/C(n, k) = Π_{i=n−c+1}^{n} (1 − k/i).
  double all_wrong = 1.0;
  for (int64_t i = n - c + 1; i <= n; ++i) all_wrong *= 1.0 - double(k) / double(i);
  return 1.0 - all_wrong;
}

std::optional<size_t> majority_vote(const std::vector<std::optional<std::string>>& keys) {
  std::map<std::string, size_t> count;
  for (const auto& key : keys)
    if (key) ++count[*key];
  std::optional<size_t> best;
  size_t best_count = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!keys[i]) continue;
    const size_t n = count[*keys[i]];
    if (n > best_count) best = i, best_count = n;
  }
  return best;
}

bool has_reflection(std::string_view completion) {
  std::string lower(completion);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return char(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  for (std::string_view cue : {"wait", "verify", "check", "等等", "检查", "验证"})
    if (lower.find(cue) != std::string::npos) return true;
  return false;
}

size_t count_sentences(std::string_view text) {
  size_t sentences = 0;
  bool pending = false;  // text since the last sentence end
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool ascii_end = (c == '.' || c == '!' || c == '?') &&
                           (i + 1 == text.size() || std::isspace((unsigned char)text[i + 1]));
    size_t wide_end = 0;  // bytes of a full-width sentence end at i
    for (std::string_view mark : {"。", "！", "？"})
      if (text.substr(i, mark.size()) == mark) wide_end = mark.size();
    if (wide_end > 0) i += wide_end - 1;
    if (ascii_end || wide_end > 0) {
      ++sentences;
      pending = false;
    } else if (!std::isspace((unsigned char)c)) {
      pending = true;
    }
  }
  return sentences + (pending ? 1 : 0);
}

bool is_long_form(std::string_view completion) {
  const std::string_view cot = chain_of_thought(completion);
  return count_language_words(cot).total() >= kLongFormMinWords ||
         count_sentences(cot) >= kLongFormMinSentences;
}

}  // namespace r1
