#include "rl/grpo_trainer.h"

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "core/check.h"
#include "core/file_io.h"
#include "core/progress.h"
#include "core/rng.h"
#include "generate/generator.h"
#include "generate/stop_strings.h"
#include "model/transformer.h"
#include "rewards/language_reward.h"
#include "rewards/registry.h"
#include "rl/grpo_loss.h"
#include "tasks/generator.h"
#include "tasks/template.h"
#include "train/checkpoint.h"
#include "train/metrics.h"
#include "train/trainer.h"

namespace r1 {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// The weighted task mixture prompts come from.
class TaskMixture {
 public:
  explicit TaskMixture(const nlohmann::json& spec) {
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
  // Problem `index` of `split` (a pure function of seed and index).
  Problem draw(uint64_t seed, uint64_t index, Split split) const {
    Rng rng(seed, 0x7a5c, index);
    double total = 0;
    for (double w : weights_) total += w;
    double u = rng.uniform_double() * total;
    size_t k = 0;
    while (k + 1 < weights_.size() && u >= weights_[k]) u -= weights_[k++];
    return generators_[k]->problem(seed, index, split);
  }

 private:
  std::vector<std::unique_ptr<TaskGenerator>> generators_;
  std::vector<double> weights_;
};

// Rewards for a problem: "accuracy" in the spec means the problem's own rule.
class ProblemRewards {
 public:
  explicit ProblemRewards(const nlohmann::json& spec) : spec_(spec) {
    R1_CHECK(spec.is_array() && !spec.empty(), "rewards: expected a non-empty list, got {}",
             spec.dump());
  }
  struct Scored {
    double reward = 0;
    bool correct = false;
    std::string reason;
  };
  Scored score(const Problem& p, const std::string& completion, size_t tokens, bool truncated) {
    auto it = composites_.find(p.reward);
    if (it == composites_.end()) {
      nlohmann::json resolved = spec_;
      // "accuracy" becomes the problem's rule; its options are keyed by rule:
      // {name: accuracy, options: {math: {...}, countdown: {...}}}.
      for (auto& c : resolved)
        if (c.value("name", "") == "accuracy") {
          c["name"] = p.reward;
          c["options"] = c.value("options", nlohmann::json::object())
                             .value(p.reward, nlohmann::json::object());
        }
      it = composites_.emplace(p.reward, make_composite_reward(resolved)).first;
    }
    // The length reward counts tokens, which only the sampler knows.
    nlohmann::json reference = p.reference;
    reference["completion_tokens"] = tokens;
    const CompositeResult r =
        it->second->score_components({p.prompt, completion, reference, truncated});
    Scored s{r.value, false, r.reason};
    for (const ComponentResult& c : r.components)
      if (c.name == p.reward) s.correct = c.result.value >= 1.0;
    return s;
  }

 private:
  nlohmann::json spec_;
  std::map<std::string, std::unique_ptr<CompositeReward>> composites_;
};

bool reflects(const std::string& text) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  for (const char* cue : {"wait", "verify", "check", "等等", "检查", "验证"})
    if (lower.find(cue) != std::string::npos) return true;
  return false;
}

struct Rollout {
  Problem problem;
  std::vector<int32_t> prompt, completion;
  std::vector<float> logprobs;
  std::string text;
  bool truncated = false;
  ProblemRewards::Scored scored;
  float advantage = 0;
};

struct RolloutStats {
  double reward_mean = 0, reward_std = 0, accuracy = 0, format_rate = 0, length_mean = 0;
  double length_max = 0, reflection_rate = 0, mixing_rate = 0;
};

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

class GrpoRun {
 public:
  GrpoRun(const Config& cfg, Model& policy, const Tokenizer& tok, std::string run_dir)
      : cfg_(cfg),
        policy_(policy),
        tok_(tok),
        run_dir_(std::move(run_dir)),
        tasks_(cfg.at("tasks")),
        rewards_(cfg.at("rewards")),
        template_(prompt_template(cfg.get<std::string>("template"))),
        seed_(cfg.get<uint64_t>("seed")),
        G_(cfg.get<int64_t>("num_generations")),
        B_(cfg.get<int64_t>("prompts_per_step")),
        max_prompt_(cfg.get<int64_t>("max_prompt_length")),
        max_completion_(cfg.get<int64_t>("max_completion_length")),
        micro_(cfg.get<int64_t>("micro_batch_size")),
        temperature_(cfg.get<float>("temperature")),
        trainer_(policy, {0.9, 0.99, 1e-8, cfg.get<double>("weight_decay")},
                 cfg.get<double>("max_grad_norm"), micro_, max_prompt_ + max_completion_),
        generator_(policy, {std::max<int64_t>(1, B_ * G_), max_prompt_ + max_completion_ + 1, true,
                            true, seed_}),
        stop_when_(stop_on_strings(tok, cfg.at("stop").get<std::vector<std::string>>())) {
    R1_CHECK(G_ >= 2, "num_generations must be at least 2 for group-relative advantages");
    R1_CHECK(B_ >= 1 && micro_ >= 1, "prompts_per_step and micro_batch_size must be positive");
    R1_CHECK(temperature_ > 0, "temperature must be positive for RL rollouts");
    R1_CHECK(max_prompt_ + max_completion_ + 1 <= policy.config().max_position_embeddings,
             "max_prompt_length + max_completion_length ({}) exceeds the model's context ({})",
             max_prompt_ + max_completion_, policy.config().max_position_embeddings);
    loss_.epsilon = cfg.get<double>("epsilon");
    loss_.epsilon_high = cfg.get<double>("epsilon_high");
    loss_.beta = cfg.get<double>("beta");
    loss_.entropy_coef = cfg.get<double>("entropy_coef");
    loss_.loss_type = cfg.get<std::string>("loss_type");
    loss_.max_completion_length = max_completion_;
    schedule_ = {cfg.get<double>("learning_rate"), cfg.get<int64_t>("warmup_steps"),
                 cfg.get<int64_t>("max_steps"), cfg.get<std::string>("lr_scheduler"), 0.1};
    if (loss_.beta != 0.0) reference_ = std::make_unique<Model>(policy);
  }

  GrpoResult run(bool resume);

 private:
  std::vector<Rollout> rollout(const std::vector<Problem>& problems, int64_t group,
                               uint64_t id_base, SamplingParams sampling);
  void train_step(std::vector<Rollout>& rollouts, nlohmann::json& metrics, double lr);
  nlohmann::json evaluate();

  const Config& cfg_;
  Model& policy_;
  const Tokenizer& tok_;
  std::string run_dir_;
  TaskMixture tasks_;
  ProblemRewards rewards_;
  const PromptTemplate& template_;
  uint64_t seed_;
  int64_t G_, B_, max_prompt_, max_completion_, micro_;
  float temperature_;
  Trainer trainer_;
  Generator generator_;
  std::function<bool(const std::vector<int32_t>&)> stop_when_;
  GrpoLossConfig loss_;
  LrSchedule schedule_;
  std::unique_ptr<Model> reference_;
};

std::vector<Rollout> GrpoRun::rollout(const std::vector<Problem>& problems, int64_t group,
                                      uint64_t id_base, SamplingParams sampling) {
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
      out.push_back({problems[p], ids, {}, {}, {}, false, {}, 0});
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
    out[i].scored =
        rewards_.score(out[i].problem, out[i].text, out[i].completion.size(), out[i].truncated);
  }
  return out;
}

void GrpoRun::train_step(std::vector<Rollout>& rollouts, nlohmann::json& metrics, double lr) {
  const int64_t T = max_prompt_ + max_completion_;
  const int64_t n = int64_t(rollouts.size());
  const int64_t iterations = cfg_.get<int64_t>("num_iterations");
  const int64_t mini_batches = std::min<int64_t>(cfg_.get<int64_t>("num_mini_batches"), n);
  const bool mask_truncated = cfg_.get<bool>("mask_truncated_completions");
  TrainingGraph& graph = trainer_.graph();
  std::vector<int32_t> ids(size_t(micro_ * T)), targets(size_t(micro_ * T));
  std::vector<float> old(size_t(micro_ * T)), ref(size_t(micro_ * T)), dlogp(size_t(micro_ * T)),
      dent(size_t(micro_ * T));
  // Reference log-probs of every rollout token, computed once per step.
  std::vector<std::vector<float>> ref_logprobs(static_cast<size_t>(n));
  auto pack = [&](int64_t begin, int64_t end, std::vector<CompletionSpan>& spans) {
    std::fill(ids.begin(), ids.end(), 0);
    std::fill(targets.begin(), targets.end(), 0);
    spans.clear();
    int64_t rows_T = 1;
    for (int64_t r = begin; r < end; ++r) {
      const Rollout& ro = rollouts[size_t(r)];
      rows_T = std::max<int64_t>(rows_T, int64_t(ro.prompt.size() + ro.completion.size()) - 1);
    }
    for (int64_t r = begin; r < end; ++r) {
      const Rollout& ro = rollouts[size_t(r)];
      const int64_t row = r - begin, P = int64_t(ro.prompt.size());
      std::vector<int32_t> seq = ro.prompt;
      seq.insert(seq.end(), ro.completion.begin(), ro.completion.end());
      for (int64_t t = 0; t + 1 < int64_t(seq.size()); ++t) {
        ids[size_t(row * rows_T + t)] = seq[size_t(t)];
        targets[size_t(row * rows_T + t)] = seq[size_t(t + 1)];
      }
      const bool masked = mask_truncated && ro.truncated;
      spans.push_back({row, P - 1, masked ? 0 : int64_t(ro.completion.size()), ro.advantage});
      for (size_t t = 0; t < ro.completion.size(); ++t)
        old[size_t(row * rows_T + P - 1) + t] = ro.logprobs[t];
    }
    return rows_T;
  };
  std::vector<CompletionSpan> spans;
  if (reference_) {
    for (int64_t b = 0; b < n; b += micro_) {
      const int64_t e = std::min(n, b + micro_);
      const int64_t rows_T = pack(b, e, spans);
      graph.forward(*reference_, ids.data(), targets.data(), e - b, rows_T, temperature_);
      for (const CompletionSpan& s : spans)
        ref_logprobs[size_t(b + s.row)].assign(
            graph.logprobs() + s.row * rows_T + s.begin,
            graph.logprobs() + s.row * rows_T + s.begin +
                int64_t(rollouts[size_t(b + s.row)].completion.size()));
    }
  }
  double loss_sum = 0, kl_sum = 0, clip_sum = 0, entropy_sum = 0, grad_norm_sum = 0;
  int64_t updates = 0, skipped = 0, loss_parts = 0;
  for (int64_t it = 0; it < iterations; ++it) {
    for (int64_t mb = 0; mb < mini_batches; ++mb) {
      const int64_t mb_begin = n * mb / mini_batches, mb_end = n * (mb + 1) / mini_batches;
      int64_t tokens = 0;
      for (int64_t r = mb_begin; r < mb_end; ++r)
        if (!(mask_truncated && rollouts[size_t(r)].truncated))
          tokens += int64_t(rollouts[size_t(r)].completion.size());
      double loss = 0;
      for (int64_t b = mb_begin; b < mb_end; b += micro_) {
        const int64_t e = std::min(mb_end, b + micro_);
        const int64_t rows_T = pack(b, e, spans);
        if (reference_)
          for (const CompletionSpan& s : spans)
            std::copy(ref_logprobs[size_t(b + s.row)].begin(),
                      ref_logprobs[size_t(b + s.row)].end(),
                      ref.begin() + s.row * rows_T + s.begin);
        graph.forward(policy_, ids.data(), targets.data(), e - b, rows_T, temperature_);
        std::fill(dlogp.begin(), dlogp.end(), 0.0f);
        std::fill(dent.begin(), dent.end(), 0.0f);
        const GrpoLossStats st =
            grpo_loss(loss_, spans, rows_T, graph.logprobs(), graph.entropy(), old.data(),
                      reference_ ? ref.data() : nullptr, mb_end - mb_begin,
                      std::max<int64_t>(1, tokens), dlogp.data(), dent.data());
        graph.backward(policy_, dlogp.data(), loss_.entropy_coef != 0 ? dent.data() : nullptr,
                       trainer_.grads().data());
        loss += st.loss;
        kl_sum += st.kl_mean;
        clip_sum += st.clip_fraction;
        entropy_sum += st.entropy_mean;
        ++loss_parts;
      }
      const StepStats stats = trainer_.apply(loss, lr);
      loss_sum += loss;
      grad_norm_sum += stats.grad_norm;
      ++updates;
      if (stats.skipped) {
        ++skipped;
        fmt::print(stderr, "update skipped: {}\n", stats.skip_reason);
      }
    }
  }
  metrics["loss"] = loss_sum / double(std::max<int64_t>(1, updates));
  metrics["grad_norm"] = grad_norm_sum / double(std::max<int64_t>(1, updates));
  metrics["kl"] = kl_sum / double(std::max<int64_t>(1, loss_parts));
  metrics["clip_fraction"] = clip_sum / double(std::max<int64_t>(1, loss_parts));
  metrics["entropy"] = entropy_sum / double(std::max<int64_t>(1, loss_parts));
  metrics["skipped_updates"] = skipped;
}

nlohmann::json GrpoRun::evaluate() {
  const int64_t n = cfg_.get<int64_t>("eval_prompts");
  std::vector<Problem> problems;
  for (int64_t i = 0; i < n; ++i)
    problems.push_back(tasks_.draw(seed_ + 1, uint64_t(i), Split::test));
  SamplingParams sampling{cfg_.get<float>("eval_temperature"), 0, cfg_.get<float>("eval_top_p")};
  // Request ids far from the training ones; the same every evaluation, so
  // held-out numbers differ only through the policy.
  const auto rollouts = rollout(problems, 1, uint64_t(1) << 62, sampling);
  const RolloutStats s = summarize(rollouts);
  return {{"heldout_accuracy", s.accuracy},
          {"heldout_response_length", s.length_mean},
          {"heldout_reflection_rate", s.reflection_rate},
          {"heldout_language_mixing_rate", s.mixing_rate}};
}

GrpoResult GrpoRun::run(bool resume) {
  make_dirs(run_dir_);
  const int64_t max_steps = cfg_.get<int64_t>("max_steps");
  const int64_t eval_every = cfg_.get<int64_t>("eval_every");
  const int64_t checkpoint_every = cfg_.get<int64_t>("checkpoint_every");
  const int64_t ref_reset = cfg_.get<int64_t>("ref_reset_steps");
  const int64_t samples_per_step = cfg_.get<int64_t>("samples_per_step");
  const bool dynamic = cfg_.get<bool>("dynamic_sampling");
  const bool scale = cfg_.get<bool>("scale_rewards");
  int64_t start = 0;
  if (resume) {
    if (auto dir = latest_checkpoint(run_dir_)) {
      start = load_checkpoint(*dir, policy_, trainer_.optimizer()).step;
      if (reference_ && path_exists(run_dir_ + "/reference/model.safetensors")) {
        const Model ref = load_model(run_dir_ + "/reference");
        std::copy(ref.data(), ref.data() + ref.num_params(), reference_->data());
      }
      fmt::print(stderr, "resuming from {} (step {})\n", *dir, start);
    }
  }
  write_file_atomic(run_dir_ + "/config.json", cfg_.resolved().dump(2) + "\n");
  MetricsLog metrics(run_dir_ + "/metrics.jsonl", start);
  MetricsLog samples(run_dir_ + "/samples.jsonl", start);
  GrpoResult result;
  Progress progress("grpo", max_steps, start);
  for (int64_t step = start; step < max_steps; ++step) {
    nlohmann::json line = {{"step", step + 1}};
    if (reference_ && ref_reset > 0 && step > 0 && step % ref_reset == 0) {
      std::copy(policy_.data(), policy_.data() + policy_.num_params(), reference_->data());
      save_model(*reference_, run_dir_ + "/reference");
    }
    if (eval_every > 0 && step % eval_every == 0) {
      const nlohmann::json e = evaluate();
      line.update(e);
      if (result.first_heldout_accuracy < 0) {
        result.first_heldout_accuracy = e["heldout_accuracy"];
        result.first_heldout_length = e["heldout_response_length"];
      }
      result.last_heldout_accuracy = e["heldout_accuracy"];
      result.last_heldout_length = e["heldout_response_length"];
    }
    auto t0 = Clock::now();
    // Draw prompts; with dynamic sampling, groups without reward variance are
    // dropped and more prompts drawn (a bounded number of rounds).
    std::vector<Rollout> rollouts;
    int64_t drawn = 0, dropped = 0;
    const SamplingParams sampling{temperature_, cfg_.get<int>("top_k"), cfg_.get<float>("top_p")};
    for (int round = 0; round < (dynamic ? 4 : 1) && int64_t(rollouts.size()) < B_ * G_; ++round) {
      std::vector<Problem> problems;
      const int64_t want = B_ - int64_t(rollouts.size()) / G_;
      for (int64_t i = 0; i < want; ++i)
        problems.push_back(
            tasks_.draw(seed_, uint64_t(step) * 1000003ULL + uint64_t(drawn++), Split::train));
      auto batch =
          rollout(problems, G_, (uint64_t(step) * 1000003ULL + uint64_t(drawn)) * 64, sampling);
      for (size_t g = 0; g < batch.size(); g += size_t(G_)) {
        bool varied = false;
        for (int64_t i = 1; i < G_; ++i)
          varied = varied || batch[g + size_t(i)].scored.reward != batch[g].scored.reward;
        if (dynamic && !varied) {
          ++dropped;
          continue;
        }
        rollouts.insert(rollouts.end(), batch.begin() + int64_t(g),
                        batch.begin() + int64_t(g) + G_);
      }
    }
    const double time_generate = seconds_since(t0);
    const RolloutStats stats = summarize(rollouts);
    std::vector<float> rewards;
    for (const Rollout& r : rollouts) rewards.push_back(float(r.scored.reward));
    const std::vector<float> adv =
        rollouts.empty() ? std::vector<float>() : group_advantages(rewards, G_, scale);
    for (size_t i = 0; i < rollouts.size(); ++i) rollouts[i].advantage = adv[i];
    t0 = Clock::now();
    const double lr = schedule_.at(step);
    if (!rollouts.empty()) train_step(rollouts, line, lr);
    const double time_train = seconds_since(t0);
    int64_t tokens = 0;
    for (const Rollout& r : rollouts) tokens += int64_t(r.completion.size());
    line.update({{"reward_mean", stats.reward_mean},
                 {"reward_std", stats.reward_std},
                 {"accuracy", stats.accuracy},
                 {"format_rate", stats.format_rate},
                 {"response_length_mean", stats.length_mean},
                 {"response_length_max", stats.length_max},
                 {"reflection_rate", stats.reflection_rate},
                 {"language_mixing_rate", stats.mixing_rate},
                 {"lr", lr},
                 {"groups_dropped", dropped},
                 {"time_generate_s", time_generate},
                 {"time_reward_s", 0.0},
                 {"time_train_s", time_train},
                 {"tokens_per_s", double(tokens) / std::max(1e-9, time_generate + time_train)}});
    metrics.append(line);
    for (int64_t i = 0; i < std::min<int64_t>(samples_per_step, int64_t(rollouts.size())); ++i) {
      const Rollout& r = rollouts[size_t(i * G_ % int64_t(rollouts.size()))];
      samples.append({{"step", step + 1},
                      {"prompt", r.problem.prompt},
                      {"completion", r.text},
                      {"reward", r.scored.reward},
                      {"reason", r.scored.reason},
                      {"advantage", r.advantage}});
    }
    const bool last = step + 1 == max_steps;
    if (last || (checkpoint_every > 0 && (step + 1) % checkpoint_every == 0))
      save_checkpoint(run_dir_, policy_, trainer_.optimizer(), {step + 1, {}});
    result.steps = step + 1;
    progress.update(step + 1, fmt::format("reward {:.3f} acc {:.2f} len {:.1f}", stats.reward_mean,
                                          stats.accuracy, stats.length_mean));
  }
  if (eval_every > 0) {
    const nlohmann::json e = evaluate();
    result.last_heldout_accuracy = e["heldout_accuracy"];
    result.last_heldout_length = e["heldout_response_length"];
    nlohmann::json final_line = {{"step", max_steps}, {"final", true}};
    final_line.update(e);
    write_file_atomic(run_dir_ + "/final_eval.json", final_line.dump(2) + "\n");
  }
  progress.finish(fmt::format("held-out accuracy {:.3f} → {:.3f}, length {:.1f} → {:.1f}",
                              result.first_heldout_accuracy, result.last_heldout_accuracy,
                              result.first_heldout_length, result.last_heldout_length));
  return result;
}

}  // namespace

GrpoResult run_grpo(const Config& config, Model& policy, const Tokenizer& tokenizer,
                    const std::string& run_dir, bool resume) {
  GrpoRun run(config, policy, tokenizer, run_dir);
  return run.run(resume);
}

}  // namespace r1
