#include "rl/rollout.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

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
      generator_(policy, {std::max<int64_t>(1, cfg.get<int64_t>("prompts_per_step") *
                                                   cfg.get<int64_t>("num_generations")),
                          max_prompt_ + max_completion_ + 1, true, true, cfg.get<uint64_t>("seed"),
                          cfg.get<int64_t>("rollout_activations_mb") << 20}),
      stop_when_(stop_on_strings(tok, cfg.at("stop").get<std::vector<std::string>>())) {}

std::vector<Rollout> RolloutEngine::rollout(const std::vector<Problem>& problems, int64_t group,
                                            uint64_t id_base, SamplingParams sampling,
                                            double& generate_s, double& reward_s, int64_t record) {
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
      q.record = int64_t(requests.size()) < record && generator_.activations();
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
    out[i].records = results[i].records;
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

namespace {

// One document of a packed batch: rollouts [first, first + count) of one
// group behind their shared prompt (`shared`), or one rollout alone.
struct PackUnit {
  int64_t first = 0, count = 1, length = 0;
  bool shared = false;
};

int64_t alone_length(const Rollout& r) {
  return std::max<int64_t>(1, int64_t(r.prompt.size() + r.completion.size()) - 1);
}

bool same_group(const Rollout& a, const Rollout& b) {
  return a.prompt.size() >= 2 && !a.completion.empty() && !b.completion.empty() &&
         a.prompt == b.prompt;
}

// The documents of rollouts [begin, end) for rows of `row` positions: each
// group split into as few pieces as fit, of near-equal token counts.
std::vector<PackUnit> pack_units(const std::vector<Rollout>& rollouts, int64_t begin, int64_t end,
                                 int64_t row) {
  std::vector<PackUnit> units;
  for (int64_t r = begin, g; r < end; r = g) {
    for (g = r + 1; g < end && same_group(rollouts[size_t(r)], rollouts[size_t(g)]);) ++g;
    if (g - r == 1) {
      units.push_back({r, 1, alone_length(rollouts[size_t(r)]), false});
      continue;
    }
    const int64_t prefix = int64_t(rollouts[size_t(r)].prompt.size()) - 1, room = row - prefix;
    int64_t total = 0;
    for (int64_t i = r; i < g; ++i) total += int64_t(rollouts[size_t(i)].completion.size());
    const int64_t pieces = (total - 1) / room + 1, target = (total + pieces - 1) / pieces;
    PackUnit unit{r, 0, prefix, true};
    for (int64_t i = r; i < g; ++i) {
      const int64_t n = int64_t(rollouts[size_t(i)].completion.size());
      if (unit.count > 0 && (unit.length - prefix >= target || unit.length + n > row)) {
        units.push_back(unit);
        unit = {i, 0, prefix, true};
      }
      ++unit.count;
      unit.length += n;
    }
    units.push_back(unit);
  }
  return units;
}

}  // namespace

void pack_rollouts(const std::vector<Rollout>& rollouts, int64_t begin, int64_t end,
                   bool mask_truncated, int64_t capacity, PackedRollouts& out, float* old) {
  // Rows as long as the longest rollout, or as the longest group behind its
  // shared prompt (up to kMaxPackedRow).
  int64_t longest = 1, longest_group = 0;
  for (int64_t r = begin; r < end; ++r)
    longest = std::max(longest, alone_length(rollouts[size_t(r)]));
  for (const PackUnit& u : pack_units(rollouts, begin, end, std::numeric_limits<int64_t>::max()))
    if (u.shared) longest_group = std::max(longest_group, u.length);
  R1_CHECK((end - begin) * longest <= capacity,
           "pack_rollouts: {} rollouts of up to {} tokens exceed the batch's {} positions",
           end - begin, longest, capacity);
  // First fit into rows of `row` positions, halving it until the batch fits
  // (at the longest rollout's length it does: at most one row per rollout).
  std::vector<PackUnit> units;
  std::vector<int64_t> fill, row_of, at;
  for (int64_t row = std::max(longest, std::min(longest_group, kMaxPackedRow));;
       row = std::max(longest, row / 2)) {
    units = pack_units(rollouts, begin, end, row);
    fill.clear();
    row_of.clear();
    at.clear();
    for (const PackUnit& u : units) {
      int64_t r = 0;
      while (r < int64_t(fill.size()) && fill[size_t(r)] + u.length > row) ++r;
      if (r == int64_t(fill.size())) fill.push_back(0);
      row_of.push_back(r);
      at.push_back(fill[size_t(r)]);
      fill[size_t(r)] += u.length;
    }
    out.rows = int64_t(fill.size());
    out.T = *std::max_element(fill.begin(), fill.end());
    if (out.rows * out.T <= capacity || row == longest) break;
  }
  R1_CHECK(out.rows * out.T <= capacity, "pack_rollouts: {} rows of {} exceed {} positions",
           out.rows, out.T, capacity);
  const int64_t T = out.T, N = out.rows * T;
  for (auto* x : {&out.ids, &out.targets, &out.doc_starts, &out.prefix_starts})
    x->resize(size_t(N));
  bool recorded = true;
  for (int64_t r = begin; r < end; ++r)
    recorded = recorded &&
               int64_t(rollouts[size_t(r)].records.size()) == alone_length(rollouts[size_t(r)]);
  out.records.assign(recorded ? size_t(N) : 0, -1);
  out.spans.clear();
  // Positions [pos, pos + n) of a row: the tokens of `seq` (ids; targets one
  // further), zero past its end, in the document starting at `doc` that
  // continues the one at `prefix`; their records from `records` on.
  const auto place = [&](int64_t row, int64_t pos, int64_t n, const std::vector<int32_t>& seq,
                         int64_t doc, int64_t prefix, const int64_t* records) {
    const int64_t len = int64_t(seq.size());
    for (int64_t t = 0; t < n; ++t) {
      const size_t i = size_t(row * T + pos + t);
      out.ids[i] = t < len ? seq[size_t(t)] : 0;
      out.targets[i] = t + 1 < len ? seq[size_t(t + 1)] : 0;
      out.doc_starts[i] = int32_t(doc);
      out.prefix_starts[i] = int32_t(prefix);
      if (recorded) out.records[i] = records[t];
    }
  };
  const auto add_span = [&](int64_t r, int64_t row, int64_t pos) {
    const Rollout& ro = rollouts[size_t(r)];
    const bool masked = mask_truncated && ro.truncated;
    out.spans.push_back({row, pos, masked ? 0 : int64_t(ro.completion.size()), ro.advantage,
                         ro.advantages.empty() ? nullptr : ro.advantages.data(), r - begin});
    if (old) std::copy(ro.logprobs.begin(), ro.logprobs.end(), old + row * T + pos);
  };
  for (size_t u = 0; u < units.size(); ++u) {
    const PackUnit& unit = units[u];
    const int64_t row = row_of[u], start = at[u];
    const Rollout& first = rollouts[size_t(unit.first)];
    std::vector<int32_t> seq = first.prompt;
    const int64_t P = int64_t(seq.size());
    if (!unit.shared) {
      seq.insert(seq.end(), first.completion.begin(), first.completion.end());
      place(row, start, unit.length, seq, start, start, first.records.data());
      add_span(unit.first, row, start + P - 1);
      continue;
    }
    // The prompt but its last token, then each completion after that token.
    place(row, start, P - 1, seq, start, start, first.records.data());
    int64_t pos = start + P - 1;
    for (int64_t r = unit.first; r < unit.first + unit.count; ++r) {
      const Rollout& ro = rollouts[size_t(r)];
      seq.assign(1, first.prompt.back());
      seq.insert(seq.end(), ro.completion.begin(), ro.completion.end());
      const int64_t n = int64_t(ro.completion.size());
      place(row, pos, n, seq, pos, start, ro.records.data() + P - 1);
      add_span(r, row, pos);
      pos += n;
    }
  }
  // A row's unused tail is padding, each position a document of its own (a
  // row may be longer than the graph's max_seq; a document may not).
  for (int64_t row = 0; row < out.rows; ++row)
    for (int64_t t = fill[size_t(row)]; t < T; ++t) {
      const size_t i = size_t(row * T + t);
      out.ids[i] = out.targets[i] = 0;
      out.doc_starts[i] = out.prefix_starts[i] = int32_t(t);
    }
}

bool forward_rollouts(TrainingGraph& graph, const Model& policy, const PackedRollouts& batch,
                      float temperature, const ActivationStore* recorded) {
  if (!recorded || batch.records.empty()) {
    graph.forward(policy, batch.ids.data(), batch.targets.data(), batch.rows, batch.T, temperature,
                  batch.packing());
    return false;
  }
  std::vector<const float*> records(batch.records.size());
  for (size_t i = 0; i < records.size(); ++i)
    records[i] = batch.records[i] >= 0 ? recorded->at(batch.records[i]) : nullptr;
  graph.forward_recorded(policy, records.data(), batch.ids.data(), batch.targets.data(), batch.rows,
                         batch.T, temperature, batch.packing());
  return true;
}

}  // namespace r1
