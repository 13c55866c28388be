// Fuzz target: the rule rewards on arbitrary completions. Rewards never throw
// on a completion (only on bad reference data) and return finite values in
// their documented ranges.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "rewards/registry.h"

namespace {

struct Rewards {
  std::unique_ptr<r1::Reward> math =
      r1::make_reward("math", {{"extract", {"answer_tag", "boxed", "answer_is", "gsm8k"}}});
  std::unique_ptr<r1::Reward> format = r1::make_reward("format");
  std::unique_ptr<r1::Reward> format_r1 = r1::make_reward("format", {{"layout", "r1"}});
  std::unique_ptr<r1::Reward> language = r1::make_reward("language");
  std::unique_ptr<r1::Reward> length =
      r1::make_reward("length", {{"unit", "chars"}, {"max_length", 64}, {"cache_length", 16}});
  nlohmann::json reference = {{"answer", "\\frac{1}{2}"}, {"lang", "en"}};
};

void check_range(const r1::RewardResult& result, double low, double high) {
  if (!std::isfinite(result.value) || result.value < low || result.value > high) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Rewards rewards;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const r1::RewardInput input{text, text, rewards.reference, false};
  check_range(rewards.math->score(input), 0, 1);
  check_range(rewards.format->score(input), 0, 1);
  check_range(rewards.format_r1->score(input), 0, 1);
  check_range(rewards.language->score(input), 0, 1);
  check_range(rewards.length->score(input), -1, 0);
  return 0;
}
