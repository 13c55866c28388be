#include "rl/rollout.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/check.h"
#include "core/rng.h"
#include "generate/stop_strings.h"
#include "rewards/language_reward.h"
#include "rewards/registry.h"

namespace r1 {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

TaskMixture::TaskMixture(const nlohmann::json& spec) {
  R1_CHECK(spec.is_array() && !spec.empty(), "tasks: expected a non-empty list, got {}",
           spec.dump());
  for (const auto& t : spec) {
    R1_CHECK(t.is_object() && t.contains("name"), "tasks: each entry needs a name, got {}",
             t.dump());
    generators_.push_back(make_task_generator(t["name"].get<std::string>(),
                                              t.value("options", nlohmann::json::object())));
    weights_.push_back(t.value("weight", 1.0));
    R1_CHECK(weights_.back() > 0, "tasks: weight of {} must be positive", t.dump());
  }
}

Problem TaskMixture::draw(uint64_t seed, uint64_t index, Split split) const {
  Rng rng(seed, 0x7a5c, index);
  double total = 0;
  for (double w : weights_) total += w;
  double u = rng.uniform_double() * total;
  size_t k = 0;
  while (k + 1 < weights_.size() && u >= weights_[k]) u -= weights_[k++];
  return generators_[k]->problem(seed, index, split);
}

ProblemRewards::ProblemRewards(const nlohmann::json& spec) : spec_(spec) {
  R1_CHECK(spec.is_array() && !spec.empty(), "rewards: expected a non-empty list, got {}",
           spec.dump());
}

ProblemRewards::Scored ProblemRewards::score(const Problem& p, const std::string& completion,
                                             size_t tokens, bool truncated) {
  auto it = composites_.find(p.reward);
  if (it == composites_.end()) {
    nlohmann::json resolved = spec_;
    // "accuracy" becomes the problem's rule; its options are keyed by rule:
    // {name: accuracy, options: {math: {...}, countdown: {...}}}.
    for (auto& c : resolved)
      if (c.value("name", "") == "accuracy") {
        c["name"] = p.reward;
        c["options"] =
            c.value("options", nlohmann::json::object()).value(p.reward, nlohmann::json::object());
      }
    it = composites_.emplace(p.reward, make_composite_reward(resolved)).first;
  }
  // The length reward counts tokens, which only the sampler knows.
  nlohmann::json reference = p.reference;
  reference["completion_tokens"] = tokens;
  // The language reward's target is the problem's language when it has one.
  if (!p.lang.empty() && !reference.contains("lang")) reference["lang"] = p.lang;
  const CompositeResult r =
      it->second->score_components({p.prompt, completion, reference, truncated});
  Scored s{r.value, false, r.reason};
  for (const ComponentResult& c : r.components)
    if (c.name == p.reward) s.correct = c.result.value >= 1.0;
  return s;
}

bool reflects(const std::string& text) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  for (const char* cue : {"wait", "verify", "check", "等等", "检查", "验证"})
    if (lower.find(cue) != std::string::npos) return true;
  return false;
}

RolloutStats summarize(const std::vector<Rollout>& rollouts) {
  RolloutStats s;
  const double n = double(rollouts.size());
  if (rollouts.empty()) return s;
  for (const Rollout& r : rollouts) {
    s.reward_mean += r.scored.reward / n;
    s.accuracy += (r.scored.correct ? 1.0 : 0.0) / n;
    s.format_rate += (r.text.find("</think>") != std::string::npos &&
                              r.text.find("</answer>") != std::string::npos
                          ? 1.0
                          : 0.0) /
                     n;
    s.length_mean += double(r.completion.size()) / n;
    s.length_max = std::max(s.length_max, double(r.completion.size()));
    s.reflection_rate += (reflects(r.text) ? 1.0 : 0.0) / n;
    s.mixing_rate += (is_language_mixed(r.text) ? 1.0 : 0.0) / n;
  }
  for (const Rollout& r : rollouts)
    s.reward_std += (r.scored.reward - s.reward_mean) * (r.scored.reward - s.reward_mean) / n;
  s.reward_std = std::sqrt(s.reward_std);
  return s;
}

RolloutEngine::RolloutEngine(const Config& cfg, Model& policy, const Tokenizer& tok)
    : tok_(tok),
      tasks_(cfg.at("tasks")),
      rewards_(cfg.at("rewards")),
      template_(prompt_template(cfg.get<std::string>("template"))),
      max_prompt_(cfg.get<int64_t>("max_prompt_length")),
      max_completion_(cfg.get<int64_t>("max_completion_length")),
      generator_(policy,
                 {std::max<int64_t>(1, cfg.get<int64_t>("prompts_per_step") *
                                           cfg.get<int64_t>("num_generations")),
                  max_prompt_ + max_completion_ + 1, true, true, cfg.get<uint64_t>("seed")}),
      stop_when_(stop_on_strings(tok, cfg.at("stop").get<std::vector<std::string>>())) {}

std::vector<Rollout> RolloutEngine::rollout(const std::vector<Problem>& problems, int64_t group,
                                            uint64_t id_base, SamplingParams sampling,
                                            double& generate_s, double& reward_s) {
  const auto t0 = Clock::now();
  std::vector<GenerationRequest> requests;
  std::vector<Rollout> out;
  for (size_t p = 0; p < problems.size(); ++p) {
    const std::vector<int32_t> ids = tok_.encode(template_.render(problems[p].prompt));
    R1_CHECK(int64_t(ids.size()) <= max_prompt_,
             "problem {}: the prompt has {} tokens, more than max_prompt_length {}", problems[p].id,
             ids.size(), max_prompt_);
    for (int64_t g = 0; g < group; ++g) {
      GenerationRequest q;
      q.id = id_base + uint64_t(p) * uint64_t(group) + uint64_t(g);
      q.prompt = ids;
      q.sampling = sampling;
      q.max_new_tokens = max_completion_;
      if (auto eos = tok_.eos_id()) q.stop_ids = {*eos};
      q.stop_when = stop_when_;
      requests.push_back(std::move(q));
      Rollout r;
      r.problem = problems[p];
      r.prompt = ids;
      out.push_back(std::move(r));
    }
  }
  const auto results = generator_.generate(requests);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].completion = results[i].tokens;
    out[i].logprobs = results[i].logprobs;
    out[i].truncated = results[i].stop_reason == "length";
    // Special tokens such as <think> are part of the format the rewards check;
    // only the end-of-text token is dropped.
    std::vector<int32_t> tokens = results[i].tokens;
    if (!tokens.empty() && tok_.eos_id() && tokens.back() == *tok_.eos_id()) tokens.pop_back();
    out[i].text = tok_.decode(tokens);
  }
  generate_s += seconds_since(t0);
  const auto t1 = Clock::now();
  for (Rollout& r : out)
    r.scored = rewards_.score(r.problem, r.text, r.completion.size(), r.truncated);
  reward_s += seconds_since(t1);
  return out;
}

PackedRollouts pack_rollouts(const std::vector<Rollout>& rollouts, int64_t begin, int64_t end,
                             bool mask_truncated, std::vector<int32_t>& ids,
                             std::vector<int32_t>& targets, std::vector<int32_t>& doc_starts,
                             std::vector<CompletionSpan>& spans, float* old) {
  const auto length = [&](int64_t r) {
    const Rollout& ro = rollouts[size_t(r)];
    return std::max<int64_t>(1, int64_t(ro.prompt.size() + ro.completion.size()) - 1);
  };
  PackedRollouts packed{0, 1};
  for (int64_t r = begin; r < end; ++r) packed.T = std::max(packed.T, length(r));
  const int64_t T = packed.T;
  R1_CHECK((end - begin) * T <= int64_t(std::min({ids.size(), targets.size(), doc_starts.size()})),
           "pack_rollouts: {} rollouts of up to {} tokens exceed the batch buffer", end - begin, T);
  // First fit: each rollout goes to the first row with room for it.
  std::vector<int64_t> fill;
  spans.clear();
  for (int64_t r = begin; r < end; ++r) {
    const Rollout& ro = rollouts[size_t(r)];
    const int64_t n = length(r), P = int64_t(ro.prompt.size());
    int64_t row = 0;
    while (row < int64_t(fill.size()) && fill[size_t(row)] + n > T) ++row;
    if (row == int64_t(fill.size())) fill.push_back(0);
    const int64_t start = fill[size_t(row)], at = row * T + start;
    fill[size_t(row)] += n;
    std::vector<int32_t> seq = ro.prompt;
    seq.insert(seq.end(), ro.completion.begin(), ro.completion.end());
    for (int64_t t = 0; t < n; ++t) {
      ids[size_t(at + t)] = t < int64_t(seq.size()) ? seq[size_t(t)] : 0;
      targets[size_t(at + t)] = t + 1 < int64_t(seq.size()) ? seq[size_t(t + 1)] : 0;
      doc_starts[size_t(at + t)] = int32_t(start);
    }
    const bool masked = mask_truncated && ro.truncated;
    spans.push_back({row, start + P - 1, masked ? 0 : int64_t(ro.completion.size()), ro.advantage,
                     ro.advantages.empty() ? nullptr : ro.advantages.data(), r - begin});
    if (old)
      for (size_t t = 0; t < ro.completion.size(); ++t)
        old[size_t(at + P - 1) + t] = ro.logprobs[t];
  }
  packed.rows = int64_t(fill.size());
  // A row's unused tail is one more document of padding.
  for (int64_t row = 0; row < packed.rows; ++row)
    for (int64_t t = fill[size_t(row)]; t < T; ++t) {
      ids[size_t(row * T + t)] = 0;
      targets[size_t(row * T + t)] = 0;
      doc_starts[size_t(row * T + t)] = int32_t(fill[size_t(row)]);
    }
  return packed;
}

}  // namespace r1
