// Length shaping from DAPO (Yu et al. 2025, eq. 13, "soft overlong
// punishment"): no penalty up to L_max − L_cache, a linear penalty from 0 to −1
// over the last L_cache positions, and −1 beyond L_max:
//
//   R_length(y) = 0                               if |y| ≤ L_max − L_cache
//               = ((L_max − L_cache) − |y|) / L_cache  if L_max − L_cache < |y| ≤ L_max
//               = −1                              if L_max < |y|
//
// It is added to the accuracy reward (weight 1 in DAPO). The truncation flag
// (the sampler stopped at the length limit, or the length exceeds L_max) marks
// completions whose loss the RL step may mask (DAPO's overlong filtering).
//
// The length is read from reference field `completion_tokens` (unit "tokens",
// the default: the sampler knows the token count), or counted in the
// completion's Unicode code points ("chars") or bytes ("bytes").
// Options: max_length (L_max, default 20480), cache_length (L_cache, default
// 4096; DAPO's values), unit.
#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "rewards/reward.h"

namespace r1 {

// DAPO eq. 13; requires cache_length ≤ max_length.
double soft_overlong_penalty(size_t length, size_t max_length, size_t cache_length);

class LengthReward : public Reward {
 public:
  enum class Unit { Tokens, Chars, Bytes };
  LengthReward(size_t max_length, size_t cache_length, Unit unit);
  std::string name() const override { return "length"; }
  RewardResult score(const RewardInput& input) const override;

  // The length of a completion in the configured unit; r1::Error if the unit
  // is tokens and the reference has no integer `completion_tokens`.
  size_t length(const RewardInput& input) const;
  // True when the loss of this completion should be masked.
  bool truncated(const RewardInput& input) const;

 private:
  size_t max_length_, cache_length_;
  Unit unit_;
};

std::unique_ptr<Reward> make_length_reward(const nlohmann::json& options);

}  // namespace r1
