// One GRPO step on the reference model (vocab 512, 6 layers, hidden 384,
// 6 heads, SwiGLU 1024): 8 prompts × 8 samples, random 32-token prompts, 128
// new tokens each at temperature 1 (no stop token, so every completion is 128
// tokens long). Timed in three phases:
//   generate  the generation engine: shared prompt prefill, KV cache, one
//             decode step for all 64 sequences, sampling-time log-probs (π_old)
//   reward    decode the tokens to text, score math + format + language (the
//             R1 rule rewards) as a composite, group-normalised advantages
//   train     the default recipe's GRPO loss (per-sequence mean, ε 0.2, β 0,
//             μ 1): forward + grpo_loss + backward over micro-batches of 32
//             packed as the trainer packs them (each group's prompt once, its
//             completions continuing it: 31 + 8·128 positions a group, not
//             8·159), then one clipped AdamW update. As in the trainer, the
//             forward is the one generation computed (its activations
//             recorded while sampling, as rollout_activations_mb does):
//             only the norms, SwiGLU and the head are computed again.
// beside PyTorch doing the same step (tools/bench_grpo_torch.py) in the same
// run, as per-phase and overall ratios. The host's speed drifts over minutes,
// so r1 and PyTorch are timed in rounds, back to back in each (PyTorch's
// settings searched in the first round, its best one timed in the others),
// and the ratios reported are the medians of the rounds' own. Each round's
// times are medians over --steps steps; one warm-up step first; the model
// trains as it goes, as in a run.
//   bench_grpo [--threads N] [--steps N] [--rounds N] [--no-torch]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "bench_common.h"
#include "core/rng.h"
#include "core/threads.h"
#include "generate/generator.h"
#include "model/presets.h"
#include "rewards/registry.h"
#include "rl/grpo_loss.h"
#include "rl/rollout.h"
#include "train/trainer.h"

namespace {

constexpr int64_t kPrompts = 8, kGroup = 8, kPromptLen = 32, kNewTokens = 128, kMicro = 32;
constexpr int64_t kSeqs = kPrompts * kGroup;
constexpr int64_t kT = kPromptLen + kNewTokens - 1;  // positions scored by the training forward
constexpr double kLr = 3e-4;
constexpr int64_t kRecordBudget = int64_t(4096) << 20;  // the recipes' rollout_activations_mb

// Token → text, so that the rewards read text with tags, numbers, English
// words and Chinese characters in random proportions (the language reward then
// varies within a group and the advantages are not all zero). The same table
// is in tools/bench_grpo_torch.py; past its end, token t is the letter
// 'a' + (t mod (pieces + 26)) − pieces.
const std::vector<std::string> kPieces = {
    "<think>", "</think>", "<answer>", "</answer>", "\\boxed{", "}",    " ",  " ",
    " ",       "\n",       "7",        "12",        "so",       "wait", "是", "的"};

std::string decode(const std::vector<int32_t>& tokens) {
  std::string text;
  for (const int32_t t : tokens) {
    const size_t k = size_t(t) % (kPieces.size() + 26);
    if (k < kPieces.size())
      text += kPieces[k];
    else
      text += char('a' + (k - kPieces.size()));
  }
  return text;
}

struct PhaseTimes {
  double generate = 0, reward = 0, train = 0;
  double total() const { return generate + reward + train; }
};

class GrpoStep {
 public:
  explicit GrpoStep(r1::Model& model)
      : model_(model),
        generator_(model, {kSeqs, kPromptLen + kNewTokens, true, true, 11, kRecordBudget}),
        trainer_(model, {0.9, 0.99, 1e-8, 0.0}, 1.0, kMicro, kT),
        reward_(r1::make_composite_reward(nlohmann::json::parse(R"([
          {"name": "math", "weight": 1.0},
          {"name": "format", "weight": 0.1},
          {"name": "language", "weight": 0.1}])"))),
        reference_({{"answer", "7"}, {"lang", "en"}}),
        old_(size_t(kMicro * kT)),
        dlogprobs_(size_t(kMicro * kT)),
        dentropy_(size_t(kMicro * kT)) {}

  PhaseTimes run(uint64_t step) {
    PhaseTimes times;
    auto clock = std::chrono::steady_clock::now();
    auto lap = [&clock] {
      const auto now = std::chrono::steady_clock::now();
      const double s = std::chrono::duration<double>(now - clock).count();
      clock = now;
      return s;
    };
    std::vector<r1::GenerationRequest> requests;
    generator_.activations()->clear();
    for (int64_t p = 0; p < kPrompts; ++p) {
      r1::Rng rng(step, uint64_t(p));
      std::vector<int32_t> prompt;
      for (int64_t t = 0; t < kPromptLen; ++t) prompt.push_back(int32_t(rng.below(512)));
      for (int64_t g = 0; g < kGroup; ++g) {
        r1::GenerationRequest q;
        q.id = step * uint64_t(kSeqs) + uint64_t(p * kGroup + g);
        q.prompt = prompt;
        q.max_new_tokens = kNewTokens;
        q.record = true;
        requests.push_back(std::move(q));
      }
    }
    const std::vector<r1::GenerationResult> rollouts = generator_.generate(requests);
    times.generate = lap();

    std::vector<std::string> texts;
    std::vector<r1::RewardInput> inputs;
    texts.reserve(rollouts.size());
    for (const r1::GenerationResult& r : rollouts) texts.push_back(decode(r.tokens));
    for (const std::string& text : texts) inputs.push_back({"", text, reference_});
    std::vector<float> rewards;
    for (const r1::CompositeResult& r : reward_->score_components_batch(inputs))
      rewards.push_back(float(r.value));
    const std::vector<float> advantages = r1::group_advantages(rewards, kGroup);
    times.reward = lap();

    std::vector<r1::Rollout> batch(rollouts.size());
    for (size_t i = 0; i < rollouts.size(); ++i) {
      batch[i].prompt = requests[i].prompt;
      batch[i].completion = rollouts[i].tokens;
      batch[i].logprobs = rollouts[i].logprobs;
      batch[i].advantage = advantages[i];
      batch[i].records = rollouts[i].records;
    }
    double loss = 0;
    for (int64_t begin = 0; begin < kSeqs; begin += kMicro) {
      r1::pack_rollouts(batch, begin, begin + kMicro, false, kMicro * kT, packed_, old_.data());
      r1::TrainingGraph& graph = trainer_.graph();
      r1::forward_rollouts(graph, model_, packed_, 1.0f, generator_.activations());
      std::fill(dlogprobs_.begin(), dlogprobs_.end(), 0.0f);
      loss += r1::grpo_loss(loss_config_, packed_.spans, packed_.T, graph.logprobs(),
                            graph.entropy(), old_.data(), nullptr, kSeqs, kSeqs * kNewTokens,
                            dlogprobs_.data(), dentropy_.data())
                  .loss;
      graph.backward(model_, dlogprobs_.data(), nullptr, trainer_.grads().data());
    }
    trainer_.apply(loss, kLr);
    times.train = lap();
    return times;
  }

 private:
  r1::Model& model_;
  r1::Generator generator_;
  r1::Trainer trainer_;
  std::unique_ptr<r1::CompositeReward> reward_;
  nlohmann::json reference_;
  r1::GrpoLossConfig loss_config_;
  r1::PackedRollouts packed_;
  std::vector<float> old_, dlogprobs_, dentropy_;
};

void print_row(const char* engine, double generate, double reward, double train, double total) {
  fmt::print("{:<14} {:>10.3f} {:>10.4f} {:>10.3f} {:>10.3f} {:>12.0f}\n", engine, generate, reward,
             train, total, double(kSeqs * kNewTokens) / total);
}

}  // namespace

int main(int argc, char** argv) {
  r1::init_thread_policy(argv);
  const r1::bench::BenchArgs args = r1::bench::parse_bench_args(argc, argv, "--steps", 3, 3);
  const int threads = args.threads, steps = args.count;
  r1::set_threads(threads);
  r1::Model model(r1::model_preset("reference", 512));
  model.init_random(1);
  GrpoStep grpo(model);
  grpo.run(0);  // warm-up
  fmt::print("GRPO step: {} prompts x {} samples, {}-token prompts, {} new tokens, threads {}\n",
             kPrompts, kGroup, kPromptLen, kNewTokens, threads);
  fmt::print("OPENBLAS_CORETYPE={}  median of {} steps a round, {} rounds\n",
             std::getenv("OPENBLAS_CORETYPE") ? std::getenv("OPENBLAS_CORETYPE") : "(unset)", steps,
             args.rounds);
  fmt::print("{:<14} {:>10} {:>10} {:>10} {:>10} {:>12}\n", "engine", "generate s", "reward s",
             "train s", "step s", "tokens/s");
  std::vector<double> r1_steps, r1_train_tps, ratio_generate, ratio_train, ratio_step;
  std::string setting;  // PyTorch's best, once searched
  uint64_t step = 1;
  for (int round = 1; round <= args.rounds; ++round) {
    std::vector<double> generate, reward, train, total;
    for (int s = 0; s < steps; ++s) {
      const PhaseTimes t = grpo.run(step++);
      generate.push_back(t.generate);
      reward.push_back(t.reward);
      train.push_back(t.train);
      total.push_back(t.total());
    }
    const PhaseTimes r1_times{r1::bench::median(generate), r1::bench::median(reward),
                              r1::bench::median(train)};
    const double r1_total = r1::bench::median(total);
    r1_steps.push_back(r1_total);
    r1_train_tps.push_back(double(kSeqs * kT) / r1_times.train);
    print_row(fmt::format("round {} r1", round).c_str(), r1_times.generate, r1_times.reward,
              r1_times.train, r1_total);
    if (args.torch) {
      std::string torch_args = fmt::format("--threads {} --steps {}", threads, steps);
      if (!setting.empty()) torch_args += " --setting " + setting;
      if (const auto j = r1::bench::run_torch_baseline("bench_grpo_torch.py", torch_args)) {
        const nlohmann::json& best = (*j)["best"];
        setting = best["omp_wait_policy"].get<std::string>() + "," +
                  best["aten_cpu_capability"].get<std::string>() + "," +
                  best["openblas_coretype"].get<std::string>();
        const double g = best["generate_s"], rw = best["reward_s"], tr = best["train_s"],
                     st = best["step_s"];
        print_row(fmt::format("round {} torch", round).c_str(), g, rw, tr, st);
        ratio_generate.push_back(g / r1_times.generate);
        ratio_train.push_back(tr / r1_times.train);
        ratio_step.push_back(st / r1_total);
        fmt::print(
            "round {} ratio r1 / pytorch ({}): generate {:.2f}x  train {:.2f}x  step {:.2f}x\n",
            round, setting, ratio_generate.back(), ratio_train.back(), ratio_step.back());
      }
    }
    std::fflush(stdout);
  }
  fmt::print("dropped to 1 thread under contention: {}x\n", r1::contention_fallbacks());
  fmt::print(
      "r1 step {:.3f} s, train {:.0f} tokens/s (forward+backward+AdamW; medians of the rounds)\n",
      r1::bench::median(r1_steps), r1::bench::median(r1_train_tps));
  if (!ratio_step.empty())
    fmt::print(
        "ratio r1 / pytorch (medians of the rounds' own): generate {:.2f}x  train {:.2f}x  step "
        "{:.2f}x (steps {:.2f} to {:.2f})\n",
        r1::bench::median(ratio_generate), r1::bench::median(ratio_train),
        r1::bench::median(ratio_step), *std::min_element(ratio_step.begin(), ratio_step.end()),
        *std::max_element(ratio_step.begin(), ratio_step.end()));
  return 0;
}
