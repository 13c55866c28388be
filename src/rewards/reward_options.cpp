#include "rewards/reward_options.h"

#include <algorithm>
#include <cmath>

#include "core/check.h"

namespace r1 {

RewardOptions::RewardOptions(std::string reward_name, const nlohmann::json& options,
                             std::initializer_list<std::string_view> known_keys)
    : reward_name_(std::move(reward_name)), options_(options) {
  if (options_.is_null()) return;
  R1_CHECK(options_.is_object(), "reward '{}': options must be a JSON object, got {}", reward_name_,
           options_.dump());
  for (const auto& [key, value] : options_.items()) {
    if (std::find(known_keys.begin(), known_keys.end(), key) != known_keys.end()) continue;
    std::string known;
    for (std::string_view k : known_keys) {
      if (!known.empty()) known += ", ";
      known += k;
    }
    fail("reward '{}': unknown option '{}' (known options: {})", reward_name_, key,
         known.empty() ? "none" : known);
  }
}

const nlohmann::json* RewardOptions::find(std::string_view key) const {
  if (!options_.is_object()) return nullptr;
  const auto it = options_.find(key);
  return it == options_.end() ? nullptr : &*it;
}

void RewardOptions::type_error(std::string_view key, std::string_view expected) const {
  fail("reward '{}': option '{}' must be {}, got {}", reward_name_, key, expected,
       find(key)->dump());
}

double RewardOptions::get_double(std::string_view key, double fallback) const {
  const nlohmann::json* value = find(key);
  if (!value) return fallback;
  if (!value->is_number() || !std::isfinite(value->get<double>()))
    type_error(key, "a finite number");
  return value->get<double>();
}

bool RewardOptions::get_bool(std::string_view key, bool fallback) const {
  const nlohmann::json* value = find(key);
  if (!value) return fallback;
  if (!value->is_boolean()) type_error(key, "true or false");
  return value->get<bool>();
}

int64_t RewardOptions::get_int(std::string_view key, int64_t fallback) const {
  const nlohmann::json* value = find(key);
  if (!value) return fallback;
  if (!value->is_number_integer()) type_error(key, "an integer");
  return value->get<int64_t>();
}

std::string RewardOptions::get_string(std::string_view key, std::string_view fallback) const {
  const nlohmann::json* value = find(key);
  if (!value) return std::string(fallback);
  if (!value->is_string()) type_error(key, "a string");
  return value->get<std::string>();
}

std::vector<std::string> RewardOptions::get_strings(std::string_view key,
                                                    std::vector<std::string> fallback) const {
  const nlohmann::json* value = find(key);
  if (!value) return fallback;
  if (value->is_string()) return {value->get<std::string>()};
  if (!value->is_array()) type_error(key, "a string or a list of strings");
  std::vector<std::string> out;
  for (const nlohmann::json& item : *value) {
    if (!item.is_string()) type_error(key, "a string or a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace r1
