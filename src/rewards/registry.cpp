#include "rewards/registry.h"

#include "core/check.h"
#include "rewards/code_reward.h"
#include "rewards/countdown.h"
#include "rewards/format_reward.h"
#include "rewards/general_reward.h"
#include "rewards/language_reward.h"
#include "rewards/length_reward.h"
#include "rewards/math_reward.h"

namespace r1 {

const std::vector<RewardRegistration>& reward_registry() {
  static const std::vector<RewardRegistration> registry = {
      {"math", "accuracy of the final math answer (\\boxed{}, <answer>, …) against 'answer'",
       make_math_reward},
      {"format", "<think>…</think> then <answer>…</answer> (r1_zero) or a summary (r1)",
       make_format_reward},
      {"language",
       "share of chain-of-thought words in the target language ('lang' or the prompt's)",
       make_language_reward},
      {"length", "DAPO soft overlong penalty (max_length, cache_length)", make_length_reward},
      {"countdown", "Countdown: the <answer> expression uses the numbers once and hits the target",
       make_countdown_reward},
      {"code", "Python code run against 'tests' in the bubblewrap sandbox", make_code_reward},
      {"general",
       "learned reward models: helpfulness of the summary, harmlessness of the whole response",
       make_general_reward},
  };
  return registry;
}

std::unique_ptr<Reward> make_reward(std::string_view name, const nlohmann::json& options) {
  std::string known;
  for (const RewardRegistration& r : reward_registry()) {
    if (r.name == name) return r.make(options);
    if (!known.empty()) known += ", ";
    known += r.name;
  }
  fail("unknown reward '{}' (known rewards: {})", name, known);
}

std::unique_ptr<CompositeReward> make_composite_reward(const nlohmann::json& spec) {
  R1_CHECK(spec.is_array() && !spec.empty(),
           "reward spec must be a non-empty list of {{\"name\", \"weight\", \"options\"}}, got {}",
           spec.dump());
  std::vector<CompositeReward::Component> components;
  for (size_t i = 0; i < spec.size(); ++i) {
    const nlohmann::json& entry = spec[i];
    R1_CHECK(entry.is_object() && entry.contains("name") && entry["name"].is_string(),
             "reward spec entry {}: expected an object with a string 'name', got {}", i,
             entry.dump());
    const std::string name = entry["name"].get<std::string>();
    for (const auto& [key, value] : entry.items())
      R1_CHECK(key == "name" || key == "weight" || key == "options",
               "reward spec entry {} ('{}'): unknown key '{}' (expected name, weight, options)", i,
               name, key);
    double weight = 1;
    if (entry.contains("weight")) {
      R1_CHECK(entry["weight"].is_number(),
               "reward spec entry {} ('{}'): 'weight' must be a "
               "number, got {}",
               i, name, entry["weight"].dump());
      weight = entry["weight"].get<double>();
    }
    const nlohmann::json options = entry.value("options", nlohmann::json::object());
    components.push_back({make_reward(name, options), weight});
  }
  return std::make_unique<CompositeReward>(std::move(components));
}

}  // namespace r1
