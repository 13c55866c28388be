// Final-answer extraction from completions (and from reference solutions):
// the last \boxed{…}/\fbox{…}, the last <answer>…</answer>, "The answer is …",
// GSM8K's "#### N". Every extractor runs in time linear in the text and returns
// a view into it; which extractors apply, and in which order, is set per task.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace r1 {

// The content of the last complete \boxed{…} or \fbox{…} (the one opened last,
// so \boxed{\boxed{5}} gives 5), with nested braces; escaped \{ \} do not
// group. An unterminated box (a truncated completion) is skipped.
std::optional<std::string_view> extract_boxed(std::string_view text);

// The content of the last <open>…<close> pair, trimmed; if it holds a \boxed{}
// that box's content.
std::optional<std::string_view> extract_tagged(std::string_view text,
                                               std::string_view open = "<answer>",
                                               std::string_view close = "</answer>");

// What follows the last "answer is" (any case; also "The final answer is:" and
// Chinese 答案是/答案为) up to the end of its line, without a trailing period
// or surrounding $; a \boxed{} in it wins.
std::optional<std::string_view> extract_answer_is(std::string_view text);

// The rest of the line after the last "####" (GSM8K solutions).
std::optional<std::string_view> extract_gsm8k(std::string_view text);

enum class AnswerFormat { Boxed, AnswerTag, AnswerIs, Gsm8k };

// Parses "boxed", "answer_tag", "answer_is", "gsm8k"; r1::Error otherwise.
AnswerFormat parse_answer_format(std::string_view name);
std::string_view answer_format_name(AnswerFormat format);
// How a missing answer is reported: "\boxed{}", "<answer>", …
std::string_view answer_format_label(AnswerFormat format);

struct ExtractedAnswer {
  std::string_view text;
  AnswerFormat format;
};

// Tries its formats in order; the first that finds an answer wins.
class AnswerExtractor {
 public:
  explicit AnswerExtractor(std::vector<AnswerFormat> formats);
  std::optional<ExtractedAnswer> extract(std::string_view text) const;
  // "no \boxed{}" or "no \boxed{}, <answer> or \"answer is\"".
  std::string missing_reason() const;
  const std::vector<AnswerFormat>& formats() const { return formats_; }

 private:
  std::vector<AnswerFormat> formats_;
};

}  // namespace r1
