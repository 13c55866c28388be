// Rewards by name, so recipe files and `r1 reward` can name them. Each reward
// registers one factory taking its options object (unknown options are
// errors). The registry is a table in registry.cpp: adding a reward is one
// line there.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "rewards/composite_reward.h"
#include "rewards/reward.h"

namespace r1 {

using RewardFactory = std::unique_ptr<Reward> (*)(const nlohmann::json& options);

struct RewardRegistration {
  std::string_view name;
  std::string_view description;
  RewardFactory make;
};

const std::vector<RewardRegistration>& reward_registry();

// r1::Error for an unknown name (listing the known ones) or bad options.
std::unique_ptr<Reward> make_reward(std::string_view name,
                                    const nlohmann::json& options = nlohmann::json::object());

// A weighted sum from a spec: a list of {"name": …, "weight": w (default 1),
// "options": {…} (default none)}, as a recipe file gives it.
std::unique_ptr<CompositeReward> make_composite_reward(const nlohmann::json& spec);

}  // namespace r1
