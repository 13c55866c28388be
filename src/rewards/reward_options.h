// Typed access to one reward's options (a JSON object from the recipe file or
// the command line). Unknown keys and wrongly typed values are r1::Error naming
// the reward, the option and what was expected, so a typo never silently falls
// back to a default.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace r1 {

class RewardOptions {
 public:
  RewardOptions(std::string reward_name, const nlohmann::json& options,
                std::initializer_list<std::string_view> known_keys);

  double get_double(std::string_view key, double fallback) const;
  bool get_bool(std::string_view key, bool fallback) const;
  int64_t get_int(std::string_view key, int64_t fallback) const;
  std::string get_string(std::string_view key, std::string_view fallback) const;
  std::vector<std::string> get_strings(std::string_view key,
                                       std::vector<std::string> fallback) const;

 private:
  const nlohmann::json* find(std::string_view key) const;
  [[noreturn]] void type_error(std::string_view key, std::string_view expected) const;

  std::string reward_name_;
  const nlohmann::json& options_;
};

}  // namespace r1
