#include "rewards/answer_extract.h"

#include <cctype>

#include "core/check.h"

namespace r1 {
namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Last position of `needle` in `text`, ignoring ASCII case.
size_t rfind_case_insensitive(std::string_view text, std::string_view needle) {
  if (needle.size() > text.size()) return std::string_view::npos;
  for (size_t i = text.size() - needle.size() + 1; i-- > 0;) {
    size_t k = 0;
    while (k < needle.size() && std::tolower(static_cast<unsigned char>(text[i + k])) == needle[k])
      ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

// "\boxed" or "\fbox" starting at `pos` (not a prefix of a longer command).
size_t box_command_length(std::string_view text, size_t pos) {
  for (std::string_view command : {std::string_view("\\boxed"), std::string_view("\\fbox")}) {
    if (text.compare(pos, command.size(), command) == 0 &&
        !(pos + command.size() < text.size() && is_letter(text[pos + command.size()])))
      return command.size();
  }
  return 0;
}

std::string_view strip_dollars(std::string_view s) {
  s = trim(s);
  while (s.size() >= 2 && s.front() == '$' && s.back() == '$') s = trim(s.substr(1, s.size() - 2));
  if (s.size() >= 4 && s.substr(0, 2) == "\\(" && s.substr(s.size() - 2) == "\\)")
    s = trim(s.substr(2, s.size() - 4));
  if (s.size() >= 4 && s.substr(0, 2) == "\\[" && s.substr(s.size() - 2) == "\\]")
    s = trim(s.substr(2, s.size() - 4));
  return s;
}

}  // namespace

std::optional<std::string_view> extract_boxed(std::string_view text) {
  // One pass with a stack of open braces; a brace right after \boxed is marked
  // and recorded when it closes. Linear even for hostile "\boxed{\boxed{…".
  struct Open {
    size_t content_start;
    bool box;
  };
  std::vector<Open> stack;
  bool next_brace_is_box = false;
  std::optional<std::string_view> last;
  size_t last_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      if (const size_t length = box_command_length(text, i); length > 0) {
        next_brace_is_box = true;
        i += length - 1;
      } else {
        ++i;  // an escaped character (\{, \}) or a command's first letter
        next_brace_is_box = false;
      }
      continue;
    }
    if (c == '{') {
      stack.push_back({i + 1, next_brace_is_box});
    } else if (c == '}' && !stack.empty()) {
      const Open open = stack.back();
      stack.pop_back();
      if (open.box && (!last || open.content_start > last_start)) {
        last = text.substr(open.content_start, i - open.content_start);
        last_start = open.content_start;
      }
    }
    if (!is_space(c)) next_brace_is_box = false;
  }
  if (last) return trim(*last);
  return std::nullopt;
}

std::optional<std::string_view> extract_tagged(std::string_view text, std::string_view open,
                                               std::string_view close) {
  const size_t close_pos = text.rfind(close);
  if (close_pos == std::string_view::npos) return std::nullopt;
  const size_t open_pos = text.substr(0, close_pos).rfind(open);
  if (open_pos == std::string_view::npos) return std::nullopt;
  const std::string_view inner =
      trim(text.substr(open_pos + open.size(), close_pos - open_pos - open.size()));
  if (auto boxed = extract_boxed(inner)) return boxed;
  return strip_dollars(inner);
}

std::optional<std::string_view> extract_answer_is(std::string_view text) {
  size_t start = std::string_view::npos;
  const size_t english = rfind_case_insensitive(text, "answer is");
  if (english != std::string_view::npos) start = english + 9;
  for (std::string_view chinese : {std::string_view("答案是"), std::string_view("答案为")}) {
    const size_t pos = text.rfind(chinese);
    if (pos != std::string_view::npos && (start == std::string_view::npos || pos > start))
      start = pos + chinese.size();
  }
  if (start == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(start);
  rest = rest.substr(0, rest.find('\n'));
  if (auto boxed = extract_boxed(rest)) return boxed;
  rest = trim(rest);
  for (std::string_view colon : {std::string_view(":"), std::string_view("：")}) {
    if (rest.substr(0, colon.size()) == colon) rest = trim(rest.substr(colon.size()));
  }
  // A sentence end: ". " (not a decimal point), or a final period.
  for (size_t i = 0; i + 1 < rest.size(); ++i) {
    if (rest[i] == '.' && is_space(rest[i + 1])) {
      rest = rest.substr(0, i);
      break;
    }
  }
  for (std::string_view stop : {std::string_view("。"), std::string_view(".")}) {
    if (rest.size() >= stop.size() && rest.substr(rest.size() - stop.size()) == stop)
      rest.remove_suffix(stop.size());
  }
  rest = strip_dollars(rest);
  if (rest.empty()) return std::nullopt;
  return rest;
}

std::optional<std::string_view> extract_gsm8k(std::string_view text) {
  const size_t pos = text.rfind("####");
  if (pos == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(pos + 4);
  rest = trim(rest.substr(0, rest.find('\n')));
  if (rest.empty()) return std::nullopt;
  return rest;
}

AnswerFormat parse_answer_format(std::string_view name) {
  if (name == "boxed") return AnswerFormat::Boxed;
  if (name == "answer_tag") return AnswerFormat::AnswerTag;
  if (name == "answer_is") return AnswerFormat::AnswerIs;
  if (name == "gsm8k") return AnswerFormat::Gsm8k;
  fail("unknown answer format '{}' (expected one of: boxed, answer_tag, answer_is, gsm8k)", name);
}

std::string_view answer_format_name(AnswerFormat format) {
  switch (format) {
    case AnswerFormat::Boxed:
      return "boxed";
    case AnswerFormat::AnswerTag:
      return "answer_tag";
    case AnswerFormat::AnswerIs:
      return "answer_is";
    case AnswerFormat::Gsm8k:
      return "gsm8k";
  }
  return "?";
}

std::string_view answer_format_label(AnswerFormat format) {
  switch (format) {
    case AnswerFormat::Boxed:
      return "\\boxed{}";
    case AnswerFormat::AnswerTag:
      return "<answer>";
    case AnswerFormat::AnswerIs:
      return "\"answer is\"";
    case AnswerFormat::Gsm8k:
      return "####";
  }
  return "?";
}

AnswerExtractor::AnswerExtractor(std::vector<AnswerFormat> formats) : formats_(std::move(formats)) {
  R1_CHECK(!formats_.empty(), "an answer extractor needs at least one answer format");
}

std::optional<ExtractedAnswer> AnswerExtractor::extract(std::string_view text) const {
  for (AnswerFormat format : formats_) {
    std::optional<std::string_view> found;
    switch (format) {
      case AnswerFormat::Boxed:
        found = extract_boxed(text);
        break;
      case AnswerFormat::AnswerTag:
        found = extract_tagged(text);
        break;
      case AnswerFormat::AnswerIs:
        found = extract_answer_is(text);
        break;
      case AnswerFormat::Gsm8k:
        found = extract_gsm8k(text);
        break;
    }
    if (found) return ExtractedAnswer{*found, format};
  }
  return std::nullopt;
}

std::string AnswerExtractor::missing_reason() const {
  std::string reason = "no ";
  for (size_t i = 0; i < formats_.size(); ++i) {
    if (i > 0) reason += i + 1 == formats_.size() ? " or " : ", ";
    reason += answer_format_label(formats_[i]);
  }
  return reason;
}

}  // namespace r1
