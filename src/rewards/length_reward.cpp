#include "rewards/length_reward.h"

#include <fmt/format.h>

#include "core/check.h"
#include "rewards/reward_options.h"

namespace r1 {
namespace {

std::string_view unit_name(LengthReward::Unit unit) {
  switch (unit) {
    case LengthReward::Unit::Tokens:
      return "tokens";
    case LengthReward::Unit::Chars:
      return "chars";
    case LengthReward::Unit::Bytes:
      return "bytes";
  }
  return "?";
}

}  // namespace

double soft_overlong_penalty(size_t length, size_t max_length, size_t cache_length) {
  if (length > max_length) return -1;
  const size_t free_length = max_length - cache_length;
  if (length <= free_length) return 0;
  return -static_cast<double>(length - free_length) / static_cast<double>(cache_length);
}

LengthReward::LengthReward(size_t max_length, size_t cache_length, Unit unit)
    : max_length_(max_length), cache_length_(cache_length), unit_(unit) {
  R1_CHECK(cache_length_ <= max_length_,
           "reward 'length': cache_length ({}) must not exceed max_length ({})", cache_length_,
           max_length_);
}

size_t LengthReward::length(const RewardInput& input) const {
  switch (unit_) {
    case Unit::Bytes:
      return input.completion.size();
    case Unit::Chars: {
      size_t n = 0;
      for (char c : input.completion) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      return n;
    }
    case Unit::Tokens: {
      const auto it = input.reference.is_object() ? input.reference.find("completion_tokens")
                                                  : input.reference.end();
      R1_CHECK(it != input.reference.end(),
               "length reward: the reference has no 'completion_tokens' field (needed with "
               "unit \"tokens\"; use unit \"chars\" or \"bytes\" to count the text)");
      R1_CHECK(it->is_number_unsigned() || (it->is_number_integer() && it->get<int64_t>() >= 0),
               "length reward: 'completion_tokens' must be a nonnegative integer, got {}",
               it->dump());
      return it->get<size_t>();
    }
  }
  return 0;
}

bool LengthReward::truncated(const RewardInput& input) const {
  return input.truncated || length(input) > max_length_;
}

RewardResult LengthReward::score(const RewardInput& input) const {
  const size_t n = length(input);
  const double penalty = soft_overlong_penalty(n, max_length_, cache_length_);
  std::string reason;
  if (n > max_length_) {
    reason = fmt::format("{} {} > max {}", n, unit_name(unit_), max_length_);
  } else if (penalty < 0) {
    reason = fmt::format("{} {} in the last {} before max {}", n, unit_name(unit_), cache_length_,
                         max_length_);
  } else {
    reason = fmt::format("{} {} within {}", n, unit_name(unit_), max_length_ - cache_length_);
  }
  if (input.truncated) reason += " (truncated)";
  return {penalty, std::move(reason)};
}

std::unique_ptr<Reward> make_length_reward(const nlohmann::json& json) {
  const RewardOptions options("length", json, {"max_length", "cache_length", "unit"});
  const int64_t max_length = options.get_int("max_length", 20480);
  const int64_t cache_length = options.get_int("cache_length", 4096);
  R1_CHECK(max_length > 0, "reward 'length': option 'max_length' must be positive, got {}",
           max_length);
  R1_CHECK(cache_length > 0, "reward 'length': option 'cache_length' must be positive, got {}",
           cache_length);
  const std::string unit = options.get_string("unit", "tokens");
  LengthReward::Unit parsed;
  if (unit == "tokens") {
    parsed = LengthReward::Unit::Tokens;
  } else if (unit == "chars") {
    parsed = LengthReward::Unit::Chars;
  } else if (unit == "bytes") {
    parsed = LengthReward::Unit::Bytes;
  } else {
    fail("reward 'length': option 'unit' must be \"tokens\", \"chars\" or \"bytes\", got \"{}\"",
         unit);
  }
  return std::make_unique<LengthReward>(static_cast<size_t>(max_length),
                                        static_cast<size_t>(cache_length), parsed);
}

}  // namespace r1
