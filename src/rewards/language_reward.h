// Language consistency (R1 §2.3.2): "the proportion of target language words
// in the CoT", added to the reward in R1's reasoning-oriented RL to stop the
// chain of thought from mixing languages. Words are counted as R1 describes:
// each CJK character (Han ideographs and kana) is one word of Chinese, each
// run of two or more Latin letters is one word of English; numbers, single
// letters (variables), LaTeX commands, $…$ / \(…\) / \[…\] math and <tags> are
// neutral.
//
// Also the language-mixing predicate used by the rejection-sampling filter and
// the per-step metrics: a chain of thought is *mixed* when both scripts hold a
// meaningful share of its words — the minority script has at least
// kMixingMinWords words and at least kMixingMinShare of all counted words. A
// Chinese chain of thought naming one or two English terms is not mixed; one
// that switches language for a sentence is.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "rewards/reward.h"

namespace r1 {

enum class Language { English, Chinese };

inline constexpr double kMixingMinShare = 0.10;
inline constexpr size_t kMixingMinWords = 3;

struct LanguageWordCounts {
  size_t chinese = 0;  // CJK characters
  size_t english = 0;  // Latin-script words
  size_t total() const { return chinese + english; }
};

// Counts words in UTF-8 text; invalid bytes are neutral.
LanguageWordCounts count_language_words(std::string_view text);

// "en"/"english" → English, "zh"/"chinese"/"zh-cn"… → Chinese; nullopt otherwise.
std::optional<Language> parse_language(std::string_view name);
std::string_view language_name(Language language);

// The language with more words (English on a tie or no words).
Language detect_language(std::string_view text);

bool is_language_mixed(const LanguageWordCounts& counts);
bool is_language_mixed(std::string_view text);

// The chain of thought of a completion: the text between the first think_open
// and the following think_close; without think_open, everything before
// think_close (the tag may be in the prompt); without either, the whole text.
std::string_view chain_of_thought(std::string_view completion,
                                  std::string_view think_open = "<think>",
                                  std::string_view think_close = "</think>");

// Reads reference field `lang` ("en"/"zh") when present, else detects the
// prompt's language. Value: the share of chain-of-thought words in the target
// language; 0 when the chain of thought has no words (an empty CoT must not
// earn the full reward). Options: think_open, think_close, whole_completion
// (count the whole completion instead of the CoT; default false).
class LanguageConsistencyReward : public Reward {
 public:
  LanguageConsistencyReward(std::string think_open, std::string think_close, bool whole_completion);
  std::string name() const override { return "language"; }
  RewardResult score(const RewardInput& input) const override;

 private:
  std::string think_open_, think_close_;
  bool whole_completion_;
};

std::unique_ptr<Reward> make_language_reward(const nlohmann::json& options);

}  // namespace r1
