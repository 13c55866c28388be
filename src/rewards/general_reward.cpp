#include "rewards/general_reward.h"

#include <fmt/format.h>

#include <cmath>
#include <exception>
#include <filesystem>
#include <map>

#include "core/check.h"
#include "rewards/reward_options.h"

namespace r1 {
namespace {

double sigmoid(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

// σ of every input's score under `model`. An input that cannot be scored
// (only a hostile completion could cause it) gets 0 and an error text.
struct Judged {
  std::vector<double> value;
  std::vector<std::string> error;
};

Judged judge(const RewardModel& model,
             const std::vector<std::pair<std::string, std::string>>& inputs) {
  Judged out{std::vector<double>(inputs.size(), 0.0), std::vector<std::string>(inputs.size())};
  std::vector<std::vector<int32_t>> seqs;
  std::vector<size_t> which;
  for (size_t i = 0; i < inputs.size(); ++i) {
    try {
      seqs.push_back(reward_model_ids(model.tokenizer(), inputs[i].first, inputs[i].second,
                                      model.max_length()));
      if (seqs.back().empty()) {
        seqs.pop_back();
        out.error[i] = "nothing to score";
        continue;
      }
      which.push_back(i);
    } catch (const std::exception& e) {
      out.error[i] = fmt::format("not scored: {}", e.what());
    }
  }
  try {
    const std::vector<float> scores = model.score_ids(seqs);
    for (size_t k = 0; k < which.size(); ++k) {
      const double v = sigmoid(double(scores[k]));
      if (std::isfinite(v)) {
        out.value[which[k]] = v;
      } else {
        out.error[which[k]] = "non-finite score";
      }
    }
  } catch (const std::exception& e) {
    for (size_t i : which) out.error[i] = fmt::format("not scored: {}", e.what());
  }
  return out;
}

}  // namespace

std::string_view completion_summary(std::string_view completion) {
  constexpr std::string_view kClose = "</think>";
  const size_t at = completion.rfind(kClose);
  return at == std::string_view::npos ? completion : completion.substr(at + kClose.size());
}

GeneralReward::GeneralReward(std::shared_ptr<const RewardModel> helpfulness,
                             std::shared_ptr<const RewardModel> harmlessness,
                             const PromptTemplate* prompt_template)
    : helpfulness_(std::move(helpfulness)),
      harmlessness_(std::move(harmlessness)),
      template_(prompt_template) {
  R1_CHECK(helpfulness_ || harmlessness_,
           "reward 'general': give helpfulness_model, harmlessness_model or both");
}

RewardResult GeneralReward::score(const RewardInput& input) const {
  return score_batch({input}).front();
}

std::vector<RewardResult> GeneralReward::score_batch(const std::vector<RewardInput>& inputs) const {
  std::vector<std::string> prompts;
  prompts.reserve(inputs.size());
  for (const RewardInput& in : inputs)
    prompts.push_back(template_ ? template_->render(in.prompt) : std::string(in.prompt));
  std::vector<RewardResult> out(inputs.size());
  std::vector<std::vector<std::string>> reasons(inputs.size());
  const int models = (helpfulness_ ? 1 : 0) + (harmlessness_ ? 1 : 0);
  auto add = [&](const RewardModel& model, const char* what, bool summary_only) {
    std::vector<std::pair<std::string, std::string>> pairs;
    pairs.reserve(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i)
      pairs.emplace_back(prompts[i],
                         std::string(summary_only ? completion_summary(inputs[i].completion)
                                                  : inputs[i].completion));
    const Judged judged = judge(model, pairs);
    for (size_t i = 0; i < inputs.size(); ++i) {
      out[i].value += judged.value[i] / models;
      reasons[i].push_back(judged.error[i].empty()
                               ? fmt::format("{} {:.2f}", what, judged.value[i])
                               : fmt::format("{} 0 ({})", what, judged.error[i]));
    }
  };
  if (helpfulness_) add(*helpfulness_, "helpful", true);
  if (harmlessness_) add(*harmlessness_, "harmless", false);
  for (size_t i = 0; i < inputs.size(); ++i) {
    for (const std::string& r : reasons[i])
      out[i].reason += (out[i].reason.empty() ? "" : ", ") + r;
  }
  return out;
}

std::unique_ptr<Reward> make_general_reward(const nlohmann::json& json) {
  const RewardOptions options("general", json,
                              {"helpfulness_model", "harmlessness_model", "template"});
  const std::string helpful_path = options.get_string("helpfulness_model", "");
  const std::string harmless_path = options.get_string("harmlessness_model", "");
  R1_CHECK(!helpful_path.empty() || !harmless_path.empty(),
           "reward 'general': give option helpfulness_model, harmlessness_model or both (reward "
           "model directories from `r1 rm train`)");
  const std::string template_name = options.get_string("template", "r1_zero_short");
  const PromptTemplate* rendering =
      template_name.empty() ? nullptr : &prompt_template(template_name);
  // Each directory is loaded once, even when both options name it.
  std::map<std::string, std::shared_ptr<const RewardModel>> loaded;
  auto load = [&](const std::string& path) -> std::shared_ptr<const RewardModel> {
    if (path.empty()) return nullptr;
    R1_CHECK(std::filesystem::is_directory(path),
             "reward 'general': reward model directory '{}' does not exist", path);
    const std::string key = std::filesystem::canonical(reward_model_dir(path)).string();
    auto it = loaded.find(key);
    if (it == loaded.end()) it = loaded.emplace(key, std::make_shared<RewardModel>(path)).first;
    return it->second;
  };
  auto helpfulness = load(helpful_path);
  auto harmlessness = load(harmless_path);
  return std::make_unique<GeneralReward>(std::move(helpfulness), std::move(harmlessness),
                                         rendering);
}

}  // namespace r1
