#include "eval/metrics.h"

#include <algorithm>
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

bool is_long_form(std::string_view completion) {
  return count_language_words(chain_of_thought(completion)).total() >= kLongFormMinWords;
}

}  // namespace r1
