#include "rewards/language_reward.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/check.h"
#include "rewards/reward_options.h"

namespace r1 {
namespace {

bool is_ascii_letter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Latin letters with diacritics (Latin-1 Supplement, Latin Extended-A/B).
bool is_latin_letter(char32_t c) {
  return is_ascii_letter(c) || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

bool is_cjk(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) ||    // CJK Unified Ideographs
         (c >= 0x3400 && c <= 0x4DBF) ||    // Extension A
         (c >= 0x20000 && c <= 0x2A6DF) ||  // Extension B
         (c >= 0xF900 && c <= 0xFAFF) ||    // Compatibility Ideographs
         (c >= 0x3040 && c <= 0x30FF);      // Hiragana and Katakana
}

// Decodes the code point at text[pos], advancing pos; invalid bytes give
// U+FFFD and advance by one.
char32_t next_code_point(std::string_view text, size_t& pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char b0 = byte(pos);
  size_t length = b0 < 0x80         ? 1
                  : (b0 >> 5) == 6  ? 2
                  : (b0 >> 4) == 14 ? 3
                  : (b0 >> 3) == 30 ? 4
                                    : 0;
  if (length == 0 || pos + length > text.size()) {
    ++pos;
    return 0xFFFD;
  }
  char32_t c = length == 1 ? b0 : b0 & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) {
      ++pos;
      return 0xFFFD;
    }
    c = (c << 6) | (byte(pos + i) & 0x3F);
  }
  pos += length;
  return c;
}

// Position just after the math span opening at `pos`, or pos if none opens.
size_t skip_math(std::string_view text, size_t pos) {
  for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"$$", "$$"},
                             {"$", "$"},
                             {"\\(", "\\)"},
                             {"\\[", "\\]"}}) {
    if (text.compare(pos, open.size(), open) != 0) continue;
    const size_t end = text.find(close, pos + open.size());
    // An unclosed $ (a price, "$5") is not math: only the sign is skipped.
    if (end == std::string_view::npos) return pos + open.size();
    return end + close.size();
  }
  return pos;
}

}  // namespace

LanguageWordCounts count_language_words(std::string_view text) {
  LanguageWordCounts counts;
  size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '$' ||
        (c == '\\' && pos + 1 < text.size() && (text[pos + 1] == '(' || text[pos + 1] == '['))) {
      pos = skip_math(text, pos);
      continue;
    }
    if (c == '\\') {  // a LaTeX command
      ++pos;
      while (pos < text.size() && is_ascii_letter(text[pos])) ++pos;
      continue;
    }
    if (c == '<') {  // markup such as <think> or </answer>
      size_t end = pos + 1 + (pos + 1 < text.size() && text[pos + 1] == '/');
      const size_t name_start = end;
      while (end < text.size() && (is_ascii_letter(text[end]) || text[end] == '_')) ++end;
      if (end > name_start && end < text.size() && text[end] == '>') {
        pos = end + 1;
        continue;
      }
    }
    const char32_t cp = next_code_point(text, pos);
    if (is_cjk(cp)) {
      ++counts.chinese;
    } else if (is_latin_letter(cp)) {
      size_t letters = 1;
      while (pos < text.size()) {
        size_t next = pos;
        if (!is_latin_letter(next_code_point(text, next))) break;
        pos = next;
        ++letters;
      }
      if (letters >= 2) ++counts.english;
    }
  }
  return counts;
}

std::optional<Language> parse_language(std::string_view name) {
  std::string lowered(name);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (lowered == "en" || lowered == "english" || lowered.rfind("en-", 0) == 0)
    return Language::English;
  if (lowered == "zh" || lowered == "chinese" || lowered.rfind("zh-", 0) == 0)
    return Language::Chinese;
  return std::nullopt;
}

std::string_view language_name(Language language) {
  return language == Language::English ? "English" : "Chinese";
}

Language detect_language(std::string_view text) {
  const LanguageWordCounts counts = count_language_words(text);
  return counts.chinese > counts.english ? Language::Chinese : Language::English;
}

bool is_language_mixed(const LanguageWordCounts& counts) {
  const size_t minority = std::min(counts.chinese, counts.english);
  return minority >= kMixingMinWords &&
         static_cast<double>(minority) >= kMixingMinShare * static_cast<double>(counts.total());
}

bool is_language_mixed(std::string_view text) {
  return is_language_mixed(count_language_words(text));
}

std::string_view chain_of_thought(std::string_view completion, std::string_view think_open,
                                  std::string_view think_close) {
  const size_t open = completion.find(think_open);
  const size_t start = open == std::string_view::npos ? 0 : open + think_open.size();
  const size_t close = completion.find(think_close, start);
  if (close == std::string_view::npos) return completion.substr(start);
  return completion.substr(start, close - start);
}

LanguageConsistencyReward::LanguageConsistencyReward(std::string think_open,
                                                     std::string think_close, bool whole_completion)
    : think_open_(std::move(think_open)),
      think_close_(std::move(think_close)),
      whole_completion_(whole_completion) {}

RewardResult LanguageConsistencyReward::score(const RewardInput& input) const {
  Language target = detect_language(input.prompt);
  if (input.reference.is_object() && input.reference.contains("lang")) {
    const nlohmann::json& lang = input.reference["lang"];
    const auto parsed = lang.is_string() ? parse_language(lang.get<std::string>()) : std::nullopt;
    R1_CHECK(parsed.has_value(),
             "language reward: reference field 'lang' must be \"en\" or \"zh\", got {}",
             lang.dump());
    target = *parsed;
  }
  const std::string_view text = whole_completion_
                                    ? input.completion
                                    : chain_of_thought(input.completion, think_open_, think_close_);
  const LanguageWordCounts counts = count_language_words(text);
  if (counts.total() == 0) return {0, "no words in the chain of thought"};
  const size_t in_target = target == Language::English ? counts.english : counts.chinese;
  const double share = static_cast<double>(in_target) / static_cast<double>(counts.total());
  return {share,
          fmt::format("{} of {} words in {} ({} English, {} Chinese)", in_target, counts.total(),
                      language_name(target), counts.english, counts.chinese)};
}

std::unique_ptr<Reward> make_language_reward(const nlohmann::json& json) {
  const RewardOptions options("language", json, {"think_open", "think_close", "whole_completion"});
  return std::make_unique<LanguageConsistencyReward>(options.get_string("think_open", "<think>"),
                                                     options.get_string("think_close", "</think>"),
                                                     options.get_bool("whole_completion", false));
}

}  // namespace r1
