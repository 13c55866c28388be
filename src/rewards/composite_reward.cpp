#include "rewards/composite_reward.h"

#include <fmt/format.h>

#include <cmath>

#include "core/check.h"

namespace r1 {

namespace {

// A component whose value is NaN or infinite (a broken user reward), or whose
// weighted value overflows, counts as 0 and says so: a non-finite reward
// would turn its whole group's advantages into NaN.
void sanitize(RewardResult& result, double weight) {
  if (std::isfinite(weight * result.value)) return;
  result.reason =
      std::isfinite(result.value)
          ? fmt::format("value {} × weight {} overflows, counted as 0 ({})", result.value, weight,
                        result.reason)
          : fmt::format("non-finite value {} counted as 0 ({})", result.value, result.reason);
  result.value = 0;
}

}  // namespace

CompositeReward::CompositeReward(std::vector<Component> components)
    : components_(std::move(components)) {
  R1_CHECK(!components_.empty(), "a composite reward needs at least one component");
  for (size_t i = 0; i < components_.size(); ++i) {
    R1_CHECK(components_[i].reward != nullptr, "composite reward: component {} is empty", i);
    const std::string name = components_[i].reward->name();
    R1_CHECK(std::isfinite(components_[i].weight),
             "composite reward: weight of '{}' must be finite, got {}", name,
             components_[i].weight);
    for (size_t j = 0; j < i; ++j)
      R1_CHECK(components_[j].reward->name() != name, "composite reward: '{}' is listed twice",
               name);
  }
}

std::string CompositeReward::name() const {
  std::string out;
  for (const Component& c : components_) {
    if (!out.empty()) out += '+';
    out += c.reward->name();
  }
  return out;
}

RewardResult CompositeReward::score(const RewardInput& input) const {
  CompositeResult result = score_components(input);
  return {result.value, std::move(result.reason)};
}

std::vector<RewardResult> CompositeReward::score_batch(
    const std::vector<RewardInput>& inputs) const {
  std::vector<RewardResult> out;
  out.reserve(inputs.size());
  for (CompositeResult& result : score_components_batch(inputs))
    out.push_back({result.value, std::move(result.reason)});
  return out;
}

CompositeResult CompositeReward::score_components(const RewardInput& input) const {
  return std::move(score_components_batch({input})[0]);
}

std::vector<CompositeResult> CompositeReward::score_components_batch(
    const std::vector<RewardInput>& inputs) const {
  std::vector<CompositeResult> out(inputs.size());
  for (const Component& component : components_) {
    std::vector<RewardResult> results = component.reward->score_batch(inputs);
    R1_CHECK(results.size() == inputs.size(), "reward '{}' returned {} results for {} inputs",
             component.reward->name(), results.size(), inputs.size());
    const std::string name = component.reward->name();
    for (size_t i = 0; i < inputs.size(); ++i) {
      CompositeResult& total = out[i];
      sanitize(results[i], component.weight);
      total.value += component.weight * results[i].value;
      if (!total.reason.empty()) total.reason += "; ";
      total.reason += name + ": " + results[i].reason;
      total.components.push_back({name, component.weight, std::move(results[i])});
    }
  }
  for (CompositeResult& total : out)
    if (!std::isfinite(total.value)) {
      total.value = 0;
      total.reason += "; the sum overflows, counted as 0";
    }
  return out;
}

}  // namespace r1
