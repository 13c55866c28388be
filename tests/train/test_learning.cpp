// End-to-end checks of the training loop: a tiny model learns a toy task, a
// non-finite loss skips the step, and a run killed after a checkpoint and
// resumed ends with the same bytes as an uninterrupted run.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "../common/subprocess.h"
#include "core/file_io.h"
#include "model/presets.h"
#include "train/trainer.h"

namespace r1 {

namespace fs = std::filesystem;

// Sequences follow next = (3·cur + 1) mod V from a random start: a model that
// learned the rule predicts every token after the first. Start: loss ≈ ln V.
TEST(Learning, TinyModelLearnsAToySequenceRule) {
  const int64_t V = 17, B = 8, T = 16;
  ModelConfig c = model_preset("tiny", V);
  Model model(c);
  model.init_random(5);
  Trainer trainer(model, {}, 1.0, B, T);
  TokenBatch batch{B, T, std::vector<int32_t>(B * T), std::vector<int32_t>(B * T),
                   std::vector<float>(B * T)};
  double first = 0, last = 0;
  for (int step = 0; step < 150; ++step) {
    for (int64_t b = 0; b < B; ++b) {
      int32_t x = int32_t((step * 7 + b * 5) % V);
      for (int64_t t = 0; t < T; ++t) {
        batch.ids[b * T + t] = x;
        x = (3 * x + 1) % V;
        batch.targets[b * T + t] = x;
        batch.weights[b * T + t] = 1.0f / float(B * T);
      }
    }
    const StepStats s = trainer.step(batch, 3e-3);
    if (step == 0) first = s.loss;
    last = s.loss;
  }
  EXPECT_NEAR(first, std::log(double(V)), 0.5);
  EXPECT_LT(last, 0.05) << "first loss " << first;
}

TEST(Learning, NonFiniteLossSkipsTheStep) {
  Model model(model_preset("tiny", 13));
  model.init_random(1);
  const std::vector<float> before(model.data(), model.data() + model.num_params());
  Trainer trainer(model, {}, 1.0, 1, 4);
  TokenBatch batch{1, 4, {1, 2, 3, 4}, {2, 3, 4, 5}, {1.0f, NAN, 0.0f, 0.0f}};
  const StepStats s = trainer.step(batch, 1e-2);
  EXPECT_TRUE(s.skipped);
  EXPECT_FALSE(s.skip_reason.empty());
  EXPECT_TRUE(std::equal(before.begin(), before.end(), model.data()));
}

namespace {

using testing::r1_binary;
using testing::spawn;
using testing::wait_exit;

std::vector<std::string> pretrain_args(const std::string& corpus, const std::string& out,
                                       bool resume) {
  std::vector<std::string> args = {r1_binary(),
                                   "pretrain",
                                   "--data",
                                   corpus,
                                   "--out",
                                   out,
                                   "--preset",
                                   "tiny",
                                   "--steps",
                                   "120",
                                   "--batch-size",
                                   "4",
                                   "--seq-len",
                                   "32",
                                   "--lr",
                                   "3e-3",
                                   "--checkpoint-every",
                                   "8",
                                   "--threads",
                                   "2",
                                   "--seed",
                                   "9"};
  if (resume) args.push_back("--resume");
  return args;
}

std::string without_timing(const std::string& metrics) {
  std::string out;
  std::istringstream in(metrics);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    j.erase("time_s");
    j.erase("tokens_per_s");
    out += j.dump() + "\n";
  }
  return out;
}

}  // namespace

TEST(Resume, KilledRunResumesToTheSameBytes) {
  const fs::path dir = fs::temp_directory_path() / ("r1_resume_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string corpus = (dir / "corpus.txt").string();
  {
    std::ofstream out(corpus);
    for (int i = 0; i < 200; ++i)
      out << "the sum of " << i << " and " << i * 7 % 13 << " is " << i + i * 7 % 13 << ".\n";
  }
  const std::string a = (dir / "a").string(), b = (dir / "b").string();
  ASSERT_EQ(wait_exit(spawn(pretrain_args(corpus, a, false))), 0);

  // Kill -9 once the second checkpoint exists, then resume to the end.
  const pid_t pid = spawn(pretrain_args(corpus, b, false));
  for (int i = 0; i < 6000 && !fs::exists(b + "/checkpoint-00000016"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(pid, SIGKILL);
  const int killed = wait_exit(pid);
  ASSERT_TRUE(fs::exists(b + "/latest"));
  ASSERT_EQ(wait_exit(spawn(pretrain_args(corpus, b, true))), 0);
  ASSERT_EQ(killed, -SIGKILL) << "the run finished before it could be killed";

  EXPECT_EQ(read_file(a + "/model/model.safetensors"), read_file(b + "/model/model.safetensors"));
  EXPECT_EQ(read_file(a + "/checkpoint-00000120/optimizer.safetensors"),
            read_file(b + "/checkpoint-00000120/optimizer.safetensors"));
  EXPECT_EQ(without_timing(read_file(a + "/metrics.jsonl")),
            without_timing(read_file(b + "/metrics.jsonl")));
  fs::remove_all(dir);
}

}  // namespace r1
