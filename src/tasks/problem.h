// A prompt whose answer can be checked: what every task source (generators,
// JSONL datasets) yields and every reward reads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace r1 {

struct Problem {
  std::string id;
  std::string prompt;
  // "answer" plus task-specific fields (Countdown: "numbers", "target").
  nlohmann::json reference;
  // Registry name of the reward that judges it: "math", "countdown", "code", "general".
  std::string reward;
  std::string lang;  // "en" or "zh"
};

inline nlohmann::json to_json(const Problem& p) {
  return {{"id", p.id},
          {"prompt", p.prompt},
          {"reference", p.reference},
          {"reward", p.reward},
          {"lang", p.lang}};
}

}  // namespace r1
