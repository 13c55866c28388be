#include "rewards/format_reward.h"

#include <fmt/format.h>

#include <cctype>

#include "core/check.h"
#include "rewards/reward_options.h"

namespace r1 {
namespace {

bool is_blank(std::string_view s) {
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  return true;
}

size_t count(std::string_view text, std::string_view tag) {
  size_t n = 0;
  for (size_t pos = text.find(tag); pos != std::string_view::npos; pos = text.find(tag, pos + 1))
    ++n;
  return n;
}

}  // namespace

FormatRewardOptions parse_format_reward_options(const nlohmann::json& json) {
  const RewardOptions options("format", json,
                              {"layout", "think_open", "think_close", "answer_open", "answer_close",
                               "think_in_prompt", "correct", "wrong"});
  FormatRewardOptions out;
  const std::string layout = options.get_string("layout", "r1_zero");
  if (layout == "r1_zero") {
    out.layout = FormatRewardOptions::Layout::R1Zero;
  } else if (layout == "r1") {
    out.layout = FormatRewardOptions::Layout::R1;
  } else {
    fail("reward 'format': option 'layout' must be \"r1_zero\" or \"r1\", got \"{}\"", layout);
  }
  out.think_open = options.get_string("think_open", out.think_open);
  out.think_close = options.get_string("think_close", out.think_close);
  out.answer_open = options.get_string("answer_open", out.answer_open);
  out.answer_close = options.get_string("answer_close", out.answer_close);
  out.think_in_prompt = options.get_bool("think_in_prompt", out.think_in_prompt);
  out.correct = options.get_double("correct", out.correct);
  out.wrong = options.get_double("wrong", out.wrong);
  for (const std::string* tag :
       {&out.think_open, &out.think_close, &out.answer_open, &out.answer_close})
    R1_CHECK(!tag->empty(), "reward 'format': tag options must not be empty");
  return out;
}

FormatReward::FormatReward(FormatRewardOptions options) : options_(std::move(options)) {}

std::string FormatReward::violation(std::string_view text) const {
  const FormatRewardOptions& o = options_;
  const size_t expected_opens = o.think_in_prompt ? 0 : 1;
  if (const size_t n = count(text, o.think_open); n != expected_opens)
    return fmt::format("{} appears {} times, expected {}", o.think_open, n, expected_opens);
  if (const size_t n = count(text, o.think_close); n != 1)
    return n == 0 ? fmt::format("no {}", o.think_close)
                  : fmt::format("{} appears {} times", o.think_close, n);
  size_t reasoning_start = 0;
  if (!o.think_in_prompt) {
    const size_t open = text.find(o.think_open);
    if (!is_blank(text.substr(0, open))) return fmt::format("text before {}", o.think_open);
    reasoning_start = open + o.think_open.size();
  }
  const size_t close = text.find(o.think_close);
  if (close < reasoning_start) return fmt::format("{} before {}", o.think_close, o.think_open);
  if (is_blank(text.substr(reasoning_start, close - reasoning_start))) return "empty reasoning";
  const std::string_view after = text.substr(close + o.think_close.size());
  if (o.layout == FormatRewardOptions::Layout::R1) {
    if (is_blank(after)) return fmt::format("no summary after {}", o.think_close);
    return {};
  }
  const size_t answer_opens = count(text, o.answer_open),
               answer_closes = count(text, o.answer_close);
  if (answer_opens != 1 || answer_closes != 1)
    return fmt::format("{} and {} must appear once each, found {} and {}", o.answer_open,
                       o.answer_close, answer_opens, answer_closes);
  const size_t answer_open = after.find(o.answer_open);
  const size_t answer_close = after.find(o.answer_close);
  if (answer_open == std::string_view::npos || answer_close == std::string_view::npos)
    return fmt::format("{} inside the reasoning", o.answer_open);
  if (!is_blank(after.substr(0, answer_open)))
    return fmt::format("text between {} and {}", o.think_close, o.answer_open);
  const size_t answer_start = answer_open + o.answer_open.size();
  if (answer_close < answer_start)
    return fmt::format("{} before {}", o.answer_close, o.answer_open);
  if (is_blank(after.substr(answer_start, answer_close - answer_start))) return "empty answer";
  if (!is_blank(after.substr(answer_close + o.answer_close.size())))
    return fmt::format("text after {}", o.answer_close);
  return {};
}

RewardResult FormatReward::score(const RewardInput& input) const {
  std::string problem = violation(input.completion);
  if (problem.empty()) return {options_.correct, "well formatted"};
  return {options_.wrong, std::move(problem)};
}

std::unique_ptr<Reward> make_format_reward(const nlohmann::json& options) {
  return std::make_unique<FormatReward>(parse_format_reward_options(options));
}

}  // namespace r1
