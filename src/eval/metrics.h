// Per-problem evaluation metrics over K samples (R1 §3.1): pass@k by the
// unbiased estimator, consensus (majority vote) over extracted answers, and
// the completion traits the R1-Zero curves track.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace r1 {

// 1 − C(n−c, k)/C(n, k): the probability that at least one of k samples drawn
// without replacement from n samples, c of them correct, is correct
// (Chen et al. 2021). Computed as a product, so it is exact for large n.
// r1::Error unless 0 ≤ c ≤ n and 1 ≤ k ≤ n.
double pass_at_k(int64_t n, int64_t c, int64_t k);

// The index of a sample holding the most frequent answer key, or nullopt when
// no sample has one (nullopt keys do not vote). A tie goes to the answer that
// appeared first, so the result depends only on the sample order.
std::optional<size_t> majority_vote(const std::vector<std::optional<std::string>>& keys);

// The completion checks itself: "wait", "verify", "check" (any case), 等等,
// 检查 or 验证.
bool has_reflection(std::string_view completion);

// Sentences of `text`: its sentence ends ('.', '!' or '?' followed by
// whitespace or the end; '。', '！', '？'), plus one for trailing text after the
// last end. "3.5 + 1 = 4.5" is one sentence.
size_t count_sentences(std::string_view text);

// The completion's chain of thought is a worked solution rather than a bare
// guess: it holds at least kLongFormMinWords words (language_reward.h's
// count) or at least kLongFormMinSentences sentences (a running sum
// "3 + 7 = 10. 10 + 4 = 14. …" has steps but almost no words).
inline constexpr size_t kLongFormMinWords = 8;
inline constexpr size_t kLongFormMinSentences = 3;
bool is_long_form(std::string_view completion);

}  // namespace r1
