// A weighted sum of rewards (R1 v2: accuracy + format with equal weights; R1
// stage 2 adds language consistency). The total is Σ weight·value; every
// component's value and reason are kept so training logs can show which part
// of the reward moved. A component value that is NaN or infinite, or whose
// weighted value overflows, counts as 0 with the reason saying so
// ("mine: non-finite value nan counted as 0 (…)"), and so does a total that
// overflows: the value is always finite.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rewards/reward.h"

namespace r1 {

struct ComponentResult {
  std::string name;
  double weight = 0;
  RewardResult result;
};

struct CompositeResult {
  double value = 0;
  std::string reason;  // "math: correct: 12; format: well formatted"
  std::vector<ComponentResult> components;
};

class CompositeReward : public Reward {
 public:
  struct Component {
    std::unique_ptr<Reward> reward;
    double weight = 1;
  };
  // r1::Error on no components, a non-finite weight or a name given twice.
  explicit CompositeReward(std::vector<Component> components);

  std::string name() const override;  // "math+format"
  RewardResult score(const RewardInput& input) const override;
  std::vector<RewardResult> score_batch(const std::vector<RewardInput>& inputs) const override;

  CompositeResult score_components(const RewardInput& input) const;
  // Calls each component's score_batch once, so components that parallelise
  // (the code sandbox) keep doing so.
  std::vector<CompositeResult> score_components_batch(const std::vector<RewardInput>& inputs) const;

  const std::vector<Component>& components() const { return components_; }

 private:
  std::vector<Component> components_;
};

}  // namespace r1
