#include "rewards/math_reward.h"

#include <fmt/format.h>

#include "core/check.h"
#include "rewards/math_answer.h"
#include "rewards/reward_options.h"

namespace r1 {
namespace {

std::vector<AnswerFormat> parse_formats(const std::vector<std::string>& names) {
  std::vector<AnswerFormat> formats;
  for (const std::string& name : names) formats.push_back(parse_answer_format(name));
  return formats;
}

}  // namespace

MathRewardOptions parse_math_reward_options(const nlohmann::json& json) {
  const RewardOptions options("math", json,
                              {"extract", "reference_extract", "answer_field", "after_think",
                               "correct", "wrong", "missing"});
  MathRewardOptions out;
  try {
    out.extract = parse_formats(options.get_strings("extract", {"boxed"}));
    out.reference_extract = parse_formats(options.get_strings("reference_extract", {}));
  } catch (const Error& e) {
    fail("reward 'math': {}", e.what());
  }
  R1_CHECK(!out.extract.empty(), "reward 'math': option 'extract' needs at least one format");
  out.answer_field = options.get_string("answer_field", out.answer_field);
  out.after_think = options.get_bool("after_think", out.after_think);
  out.correct = options.get_double("correct", out.correct);
  out.wrong = options.get_double("wrong", out.wrong);
  out.missing = options.get_double("missing", out.missing);
  return out;
}

MathReward::MathReward(MathRewardOptions options)
    : options_(std::move(options)), extractor_(options_.extract) {
  if (!options_.reference_extract.empty()) reference_extractor_.emplace(options_.reference_extract);
}

std::string MathReward::reference_answer(const nlohmann::json& reference) const {
  const auto it = reference.is_object() ? reference.find(options_.answer_field) : reference.end();
  R1_CHECK(it != reference.end(), "math reward: the reference has no '{}' field",
           options_.answer_field);
  std::string answer;
  if (it->is_string()) {
    answer = it->get<std::string>();
  } else if (it->is_number_integer()) {
    answer = std::to_string(it->get<int64_t>());
  } else if (it->is_number()) {
    answer = it->dump();
  } else {
    fail("math reward: reference field '{}' must be a string or a number, got {}",
         options_.answer_field, it->dump());
  }
  if (!reference_extractor_) return answer;
  const auto extracted = reference_extractor_->extract(answer);
  R1_CHECK(extracted.has_value(), "math reward: reference field '{}' has {}: {}",
           options_.answer_field, reference_extractor_->missing_reason(),
           shorten_for_reason(answer));
  return std::string(extracted->text);
}

RewardResult MathReward::score(const RewardInput& input) const {
  const std::string reference = reference_answer(input.reference);
  std::string_view text = input.completion;
  if (options_.after_think) {
    const size_t think_end = text.rfind("</think>");
    if (think_end != std::string_view::npos) text = text.substr(think_end + 8);
  }
  const auto found = extractor_.extract(text);
  if (!found) return {options_.missing, extractor_.missing_reason()};
  if (math::answers_equivalent(reference, found->text))
    return {options_.correct, fmt::format("correct: {}", shorten_for_reason(found->text))};
  return {options_.wrong, fmt::format("answer {} ≠ {}", shorten_for_reason(found->text),
                                      shorten_for_reason(reference))};
}

std::unique_ptr<Reward> make_math_reward(const nlohmann::json& options) {
  return std::make_unique<MathReward>(parse_math_reward_options(options));
}

std::string shorten_for_reason(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string out(text.substr(0, cut));
  return out.append("…");
}

}  // namespace r1
