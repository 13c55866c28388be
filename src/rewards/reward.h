// The reward interface. A reward maps one completion (plus the reference data
// of its prompt) to a value and a human-readable reason; it never throws on any
// completion — empty, huge, invalid UTF-8 or hostile — because rewards must
// never crash the trainer (DESIGN.md invariants). Errors in the *reference*
// data or configuration are r1::Error, raised when the reward is constructed or
// when the reference is malformed.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace r1 {

struct RewardInput {
  std::string_view prompt;
  std::string_view completion;
  // Reference fields of the prompt: "answer", "tests", "entry_point", "lang",
  // "numbers"/"target" (Countdown), … — each reward documents what it reads.
  const nlohmann::json& reference;
  // The completion hit the length limit without stopping.
  bool truncated = false;
};

struct RewardResult {
  double value = 0;
  std::string reason;  // e.g. "no \boxed{}", "answer 12 ≠ 13", "timeout after 2 s"
};

class Reward {
 public:
  virtual ~Reward() = default;
  virtual std::string name() const = 0;
  virtual RewardResult score(const RewardInput& input) const = 0;
  // Scores many completions; rewards with expensive set-up (the code sandbox)
  // override it to run them in parallel. Results are in input order.
  virtual std::vector<RewardResult> score_batch(const std::vector<RewardInput>& inputs) const {
    std::vector<RewardResult> out;
    out.reserve(inputs.size());
    for (const RewardInput& in : inputs) out.push_back(score(in));
    return out;
  }
};

}  // namespace r1
