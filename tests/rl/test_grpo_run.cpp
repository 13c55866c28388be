// The GRPO loop end to end on a tiny random model: the run directory holds
// what it promises, the same seed gives the same metrics and weights, and a
// run resumed from a mid-run checkpoint ends with the same bytes.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include <signal.h>

#include <thread>

#include "../common/subprocess.h"
#include "core/file_io.h"
#include "model/presets.h"
#include "rl/grpo_config.h"
#include "rl/grpo_trainer.h"
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

Config tiny_recipe(int64_t steps) {
  Config c = grpo_config_schema();
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
    for (const char* k : {"time_generate_s", "time_reward_s", "time_train_s", "tokens_per_s"})
      j.erase(k);
    out += j.dump() + "\n";
  }
  return out;
}

std::string weights_bytes(const Model& m) {
  return std::string(reinterpret_cast<const char*>(m.data()), m.num_params() * sizeof(float));
}

}  // namespace

TEST(GrpoRun, WritesItsFilesAndIsDeterministic) {
  const fs::path dir = fs::temp_directory_path() / ("r1_grpo_" + std::to_string(getpid()));
  fs::remove_all(dir);
  const Config cfg = tiny_recipe(4);
  Model a = tiny_model(), b = tiny_model();
  run_grpo(cfg, a, corpus_tokenizer(), (dir / "a").string(), false);
  run_grpo(cfg, b, corpus_tokenizer(), (dir / "b").string(), false);
  EXPECT_TRUE(weights_bytes(a) == weights_bytes(b));
  const std::string metrics = without_timing((dir / "a/metrics.jsonl").string());
  EXPECT_EQ(metrics, without_timing((dir / "b/metrics.jsonl").string()));
  const auto first = nlohmann::json::parse(metrics.substr(0, metrics.find('\n')));
  for (const char* k :
       {"step", "reward_mean", "reward_std", "accuracy", "format_rate", "response_length_mean",
        "response_length_max", "kl", "entropy", "clip_fraction", "grad_norm", "lr",
        "reflection_rate", "heldout_accuracy", "heldout_response_length"})
    EXPECT_TRUE(first.contains(k)) << k;
  EXPECT_TRUE(fs::exists(dir / "a/samples.jsonl"));
  EXPECT_TRUE(fs::exists(dir / "a/config.json"));
  EXPECT_TRUE(fs::exists(dir / "a/checkpoint-00000004/model.safetensors"));
  // The model changed: GRPO updates were applied.
  EXPECT_FALSE(weights_bytes(a) == weights_bytes(tiny_model()));
  fs::remove_all(dir);
}

TEST(GrpoRun, ResumeReproducesTheUninterruptedRun) {
  const fs::path dir = fs::temp_directory_path() / ("r1_grpo_resume_" + std::to_string(getpid()));
  fs::remove_all(dir);
  Model full = tiny_model();
  run_grpo(tiny_recipe(4), full, corpus_tokenizer(), (dir / "full").string(), false);
  // A run stopped after its step-2 checkpoint, then resumed to step 4.
  Model part = tiny_model();
  run_grpo(tiny_recipe(2), part, corpus_tokenizer(), (dir / "part").string(), false);
  Model resumed = tiny_model();
  run_grpo(tiny_recipe(4), resumed, corpus_tokenizer(), (dir / "part").string(), true);
  EXPECT_TRUE(weights_bytes(full) == weights_bytes(resumed));
  EXPECT_EQ(without_timing((dir / "full/metrics.jsonl").string()),
            without_timing((dir / "part/metrics.jsonl").string()));
  fs::remove_all(dir);
}

// The same through the command line, killed with SIGKILL mid-run after its
// step-2 checkpoint and resumed: same final weights and metrics.
TEST(GrpoRun, KilledCommandResumesToTheSameBytes) {
  const fs::path dir = fs::temp_directory_path() / ("r1_grpo_kill_" + std::to_string(getpid()));
  fs::remove_all(dir);
  const std::string model_dir = (dir / "base").string();
  save_model(tiny_model(), model_dir);
  save_tokenizer(corpus_tokenizer(), model_dir);
  auto args = [&](const std::string& out, bool resume) {
    std::vector<std::string> a = {testing::r1_binary(), "grpo", "--out", out};
    const nlohmann::ordered_json recipe = tiny_recipe(6).resolved();
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

}  // namespace r1
