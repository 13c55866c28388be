// The RL loop end to end on a tiny random model, for GRPO and PPO: the run
// directory holds what it promises, the same seed gives the same metrics and
// weights, a run resumed from a mid-run checkpoint ends with the same bytes,
// and a non-finite gradient skips its update.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>

#include <signal.h>

#include <thread>

#include "../common/subprocess.h"
#include "core/file_io.h"
#include "model/presets.h"
#include "model/scalar_head.h"
#include "rl/grpo_trainer.h"
#include "rl/ppo_trainer.h"
#include "rl/rl_config.h"
#include "rl/rollout.h"
#include "tasks/corpus.h"
#include "tokenizer/bpe_trainer.h"
#include "tokenizer/tokenizer_io.h"

namespace r1 {

namespace fs = std::filesystem;

namespace {

const Tokenizer& corpus_tokenizer() {
  static const Tokenizer tok = [] {
    Corpus corpus{CorpusMix{}};
    std::vector<std::string> texts;
    for (uint64_t i = 0; i < 600; ++i) texts.push_back(corpus.document(1, i).text());
    return train_bpe(texts, 320, builtin_special_tokens());
  }();
  return tok;
}

struct Algorithm {
  std::string name;
  Config (*schema)();
  RlResult (*run)(const Config&, Model&, const Tokenizer&, const std::string&, bool,
                  const RlHooks&);
};

void PrintTo(const Algorithm& algorithm, std::ostream* os) {
  *os << algorithm.name;
}

const Algorithm kGrpo{"grpo", grpo_config_schema, run_grpo};
const Algorithm kPpo{"ppo", ppo_config_schema, run_ppo};

Config tiny_recipe(const Algorithm& algorithm, int64_t steps) {
  Config c = algorithm.schema();
  c.set("num_generations=4");
  c.set("prompts_per_step=3");
  c.set("max_steps=" + std::to_string(steps));
  c.set("max_prompt_length=40");
  c.set("max_completion_length=24");
  c.set("micro_batch_size=5");
  c.set("num_mini_batches=2");
  c.set("num_iterations=2");
  c.set("beta=0.05");
  c.set("eval_every=2");
  c.set("eval_prompts=6");
  c.set("checkpoint_every=2");
  c.set("threads=2");
  // A random model never answers correctly; the overlong penalty varies with
  // length, so groups have reward variance and the policy gets updates.
  c.set(
      R"(rewards=[{name: accuracy}, {name: length, options: {max_length: 24, cache_length: 20}}])");
  return c;
}

Model tiny_model() {
  ModelConfig mc = model_preset("tiny", corpus_tokenizer().vocab_size());
  mc.max_position_embeddings = 80;
  Model m(mc);
  m.init_random(3, 0.1f);
  return m;
}

std::string without_timing(const std::string& path) {
  std::istringstream in(read_file(path));
  std::string line, out;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    for (const char* k : {"time_generate_s", "time_reward_s", "time_train_s", "time_step_s",
                          "time_eval_s", "tokens_per_s", "peak_rss_mb", "forward_from_generation"})
      j.erase(k);
    out += j.dump() + "\n";
  }
  return out;
}

std::string weights_bytes(const Model& m) {
  return std::string(reinterpret_cast<const char*>(m.data()), m.num_params() * sizeof(float));
}

}  // namespace

// Only the first `record` rollouts keep generation's activations (the loop
// asks for the ones its first mini-batch can read); recording some or all
// samples the same completions and keeps the same floats for those it does.
TEST(RolloutEngine, RecordsOnlyTheFirstRollouts) {
  const Config cfg = tiny_recipe(kGrpo, 1);
  Model policy = tiny_model();
  const std::vector<int64_t> asks = {5, 12};
  std::vector<std::vector<Rollout>> out;
  std::vector<std::unique_ptr<RolloutEngine>> engines;
  for (const int64_t record : asks) {
    engines.push_back(std::make_unique<RolloutEngine>(cfg, policy, corpus_tokenizer()));
    std::vector<Problem> problems;
    for (uint64_t i = 0; i < 3; ++i)
      problems.push_back(engines.back()->tasks().draw(7, i, Split::train));
    double generate_s = 0, reward_s = 0;
    out.push_back(
        engines.back()->rollout(problems, 4, 100, {1.0f, 0, 1.0f}, generate_s, reward_s, record));
  }
  const int64_t record_size = RecordLayout(policy.config()).size;
  ASSERT_EQ(out[0].size(), 12u);
  for (size_t i = 0; i < out[0].size(); ++i) {
    const Rollout &some = out[0][i], &all = out[1][i];
    EXPECT_EQ(some.completion, all.completion) << i;
    const size_t length = all.prompt.size() + all.completion.size() - 1;
    ASSERT_EQ(all.records.size(), length) << i;
    if (int64_t(i) >= asks[0]) {
      EXPECT_TRUE(some.records.empty()) << i;
      continue;
    }
    ASSERT_EQ(some.records.size(), length) << i;
    for (size_t t = 0; t < length; ++t)
      ASSERT_EQ(0, std::memcmp(engines[0]->activations()->at(some.records[t]),
                               engines[1]->activations()->at(all.records[t]),
                               size_t(record_size) * sizeof(float)))
          << i << " " << t;
  }
}

class RlRun : public ::testing::TestWithParam<Algorithm> {
 protected:
  fs::path temp_dir(const std::string& what) const {
    return fs::temp_directory_path() /
           ("r1_" + GetParam().name + "_" + what + "_" + std::to_string(getpid()));
  }
  RlResult run(const Config& cfg, Model& policy, const fs::path& dir, bool resume,
               const RlHooks& hooks = {}) const {
    return GetParam().run(cfg, policy, corpus_tokenizer(), dir.string(), resume, hooks);
  }
};

TEST_P(RlRun, WritesItsFilesAndIsDeterministic) {
  const fs::path dir = temp_dir("det");
  fs::remove_all(dir);
  const Config cfg = tiny_recipe(GetParam(), 4);
  Model a = tiny_model(), b = tiny_model(), c = tiny_model();
  run(cfg, a, dir / "a", false);
  run(cfg, b, dir / "b", false);
  EXPECT_TRUE(weights_bytes(a) == weights_bytes(b));
  const std::string metrics = without_timing((dir / "a/metrics.jsonl").string());
  EXPECT_EQ(metrics, without_timing((dir / "b/metrics.jsonl").string()));
  // The first update's forward taken from generation (the default) or
  // computed: the same bytes (2 mini-batches, μ = 2: reused for the first only).
  Config computed = cfg;
  computed.set("rollout_activations_mb=0");
  run(computed, c, dir / "c", false);
  EXPECT_TRUE(weights_bytes(a) == weights_bytes(c));
  EXPECT_EQ(metrics, without_timing((dir / "c/metrics.jsonl").string()));
  // Which forwards came from generation: 12 rollouts, mini-batches of 6 in
  // micro-batches of 5 and 1, two passes: 8 forwards a step, the first
  // mini-batch's 2 of the first pass from records (all 6 of its rollouts
  // must have been recorded), none without the store.
  for (const auto& [run_dir, share] : {std::pair{"a", 0.25}, std::pair{"c", 0.0}}) {
    std::istringstream lines(read_file((dir / run_dir / "metrics.jsonl").string()));
    int64_t steps = 0;
    for (std::string line; std::getline(lines, line); ++steps)
      EXPECT_DOUBLE_EQ(nlohmann::json::parse(line)["forward_from_generation"].get<double>(), share)
          << run_dir << " step " << steps + 1;
    EXPECT_EQ(steps, 4);
  }
  const auto first = nlohmann::json::parse(metrics.substr(0, metrics.find('\n')));
  for (const char* k :
       {"step", "reward_mean", "reward_std", "accuracy", "format_rate", "response_length_mean",
        "response_length_max", "kl", "entropy", "clip_fraction", "grad_norm", "lr",
        "reflection_rate", "heldout_accuracy", "heldout_response_length"})
    EXPECT_TRUE(first.contains(k)) << k;
  const std::string raw = read_file((dir / "a/metrics.jsonl").string());
  const auto timed = nlohmann::json::parse(raw.substr(0, raw.find('\n')));
  for (const char* k : {"time_generate_s", "time_reward_s", "time_train_s", "time_step_s",
                        "time_eval_s", "peak_rss_mb"})
    EXPECT_GT(timed.value(k, 0.0), 0.0) << k;
  // β > 0: once the policy has moved, it differs from the reference.
  const std::string last_line = metrics.substr(metrics.rfind('\n', metrics.size() - 2) + 1);
  EXPECT_GT(nlohmann::json::parse(last_line)["kl"].get<double>(), 0.0);
  const fs::path checkpoint = dir / "a/checkpoint-00000004";
  EXPECT_TRUE(fs::exists(dir / "a/samples.jsonl"));
  EXPECT_TRUE(fs::exists(dir / "a/config.json"));
  EXPECT_TRUE(fs::exists(checkpoint / "model.safetensors"));
  EXPECT_TRUE(fs::exists(checkpoint / "reference/model.safetensors"));
  if (GetParam().name == "ppo") {
    for (const char* k : {"value_loss", "value_clip_fraction", "explained_variance"})
      EXPECT_TRUE(first.contains(k)) << k;
    const Model critic = load_model((checkpoint / "critic").string());
    EXPECT_EQ(critic.config().num_labels, 1);
    EXPECT_TRUE(fs::exists(checkpoint / "critic/optimizer.safetensors"));
    // The critic learned: it is no longer the policy's trunk with a zero head.
    EXPECT_FALSE(weights_bytes(critic) == weights_bytes(scalar_model_from(tiny_model())));
  }
  // The model changed: updates were applied.
  EXPECT_FALSE(weights_bytes(a) == weights_bytes(tiny_model()));
  fs::remove_all(dir);
}

TEST_P(RlRun, ResumeReproducesTheUninterruptedRun) {
  const fs::path dir = temp_dir("resume");
  fs::remove_all(dir);
  Model full = tiny_model();
  run(tiny_recipe(GetParam(), 4), full, dir / "full", false);
  // A run stopped after its step-2 checkpoint, then resumed to step 4.
  Model part = tiny_model();
  run(tiny_recipe(GetParam(), 2), part, dir / "part", false);
  Model resumed = tiny_model();
  run(tiny_recipe(GetParam(), 4), resumed, dir / "part", true);
  EXPECT_TRUE(weights_bytes(full) == weights_bytes(resumed));
  EXPECT_EQ(without_timing((dir / "full/metrics.jsonl").string()),
            without_timing((dir / "part/metrics.jsonl").string()));
  fs::remove_all(dir);
}

// A gradient made non-finite (through the test hook) before every update:
// each step logs the skip, and neither the policy nor the critic moves.
TEST_P(RlRun, NonFiniteGradientSkipsTheUpdate) {
  const fs::path dir = temp_dir("nan");
  fs::remove_all(dir);
  RlHooks hooks;
  int64_t poisoned = 0;
  hooks.before_update = [&](const std::string&, int64_t, std::vector<float>& grads) {
    grads[7] = std::numeric_limits<float>::quiet_NaN();
    ++poisoned;
  };
  Model policy = tiny_model();
  run(tiny_recipe(GetParam(), 2), policy, dir, false, hooks);
  EXPECT_GT(poisoned, 0);
  EXPECT_TRUE(weights_bytes(policy) == weights_bytes(tiny_model()));
  std::istringstream in(read_file((dir / "metrics.jsonl").string()));
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j.value("skip_reason", ""), "policy: non-finite gradient norm") << line;
    EXPECT_GT(j["skipped_updates"].get<int64_t>(), 0);
    ++lines;
  }
  EXPECT_EQ(lines, 2);
  const Model saved = load_model((dir / "checkpoint-00000002").string());
  EXPECT_TRUE(weights_bytes(saved) == weights_bytes(tiny_model()));
  if (GetParam().name == "ppo") {
    const Model critic = load_model((dir / "checkpoint-00000002/critic").string());
    EXPECT_TRUE(weights_bytes(critic) == weights_bytes(scalar_model_from(tiny_model())));
  }
  fs::remove_all(dir);
}

// The same through the command line, killed with SIGKILL mid-run after its
// step-2 checkpoint and resumed: same final weights and metrics.
TEST_P(RlRun, KilledCommandResumesToTheSameBytes) {
  const fs::path dir = temp_dir("kill");
  fs::remove_all(dir);
  const std::string model_dir = (dir / "base").string();
  save_model(tiny_model(), model_dir);
  save_tokenizer(corpus_tokenizer(), model_dir);
  auto args = [&](const std::string& out, bool resume) {
    std::vector<std::string> a = {testing::r1_binary(), GetParam().name, "--out", out};
    const nlohmann::ordered_json recipe = tiny_recipe(GetParam(), 6).resolved();
    for (const auto& [key, value] : recipe.items())
      a.insert(a.end(), {"--set", key + "=" + value.dump()});
    a.insert(a.end(), {"--set", "model=" + model_dir});
    if (resume) a.push_back("--resume");
    return a;
  };
  const std::string a = (dir / "a").string(), b = (dir / "b").string();
  ASSERT_EQ(testing::wait_exit(testing::spawn(args(a, false))), 0);
  const pid_t pid = testing::spawn(args(b, false));
  for (int i = 0; i < 12000 && !fs::exists(b + "/checkpoint-00000002"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(pid, SIGKILL);
  ASSERT_EQ(testing::wait_exit(pid), -SIGKILL) << "the run finished before it could be killed";
  ASSERT_EQ(testing::wait_exit(testing::spawn(args(b, true))), 0);
  EXPECT_TRUE(read_file(a + "/model/model.safetensors") ==
              read_file(b + "/model/model.safetensors"));
  EXPECT_EQ(without_timing(a + "/metrics.jsonl"), without_timing(b + "/metrics.jsonl"));
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, RlRun, ::testing::Values(kGrpo, kPpo),
                         [](const ::testing::TestParamInfo<Algorithm>& info) {
                           return info.param.name;
                         });

}  // namespace r1
