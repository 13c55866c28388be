// The quick pipeline end to end through the `r1` binary: every stage leaves a
// loadable model directory and its evaluation, the summary and the report are
// written, and a run killed with SIGKILL in the middle of an RL stage and run
// again ends with the same bytes as an uninterrupted run.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "model/model.h"
#include "tokenizer/tokenizer_io.h"

extern char** environ;

namespace r1 {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Starts `r1 pipeline --quick --out DIR` with its own model cache.
pid_t start_pipeline(const fs::path& out, const fs::path& cache) {
  const std::string binary = std::string(R1_BINARY_DIR) + "/r1";
  const std::string out_s = out.string();
  std::vector<std::string> args = {binary, "pipeline", "--quick",  "--out",
                                   out_s,  "--set",    "threads=2"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = {"XDG_CACHE_HOME=" + cache.string(),
                                          "OMP_WAIT_POLICY=PASSIVE"};
  for (char** e = environ; *e != nullptr; ++e)
    if (std::string_view(*e).rfind("XDG_CACHE_HOME=", 0) != 0) env_strings.push_back(*e);
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log = out_s + ".log";
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(rc, 0) << "cannot start " << binary;
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

size_t lines_in(const fs::path& path) {
  const std::string text = slurp(path);
  return size_t(std::count(text.begin(), text.end(), '\n'));
}

const std::vector<std::string> kModelStages = {
    "base", "r1-zero",         "cold-start",   "reasoning-rl", "reasoning-rl-no-language",
    "sft",  "all-scenario-rl", "student-base", "distill",      "student-rl"};

class PipelineRun : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("r1-pipeline-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(PipelineRun, KilledRunResumesToTheSameBytes) {
  const fs::path cache = root_ / "cache";
  // Uninterrupted.
  const fs::path a = root_ / "a";
  ASSERT_EQ(wait_exit(start_pipeline(a, cache)), 0) << slurp(a.string() + ".log");

  // Killed in the middle of stage 2, then run again.
  const fs::path b = root_ / "b";
  const pid_t pid = start_pipeline(b, cache);
  const fs::path metrics = b / "reasoning-rl" / "metrics.jsonl";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  bool killed = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(metrics) && lines_in(metrics) >= 2) {
      ::kill(pid, SIGKILL);
      killed = true;
      break;
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) break;  // ended before the kill point
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(killed) << slurp(b.string() + ".log");
  wait_exit(pid);
  EXPECT_FALSE(fs::exists(b / "summary.json"));
  EXPECT_FALSE(fs::exists(b / "reasoning-rl" / "stage.json"));
  ASSERT_EQ(wait_exit(start_pipeline(b, cache)), 0) << slurp(b.string() + ".log");
  EXPECT_NE(slurp(b.string() + ".log").find("r1-zero done, skipped"), std::string::npos);

  for (const std::string& stage : kModelStages) {
    SCOPED_TRACE(stage);
    const fs::path model_a = a / stage / "model", model_b = b / stage / "model";
    ASSERT_TRUE(fs::exists(model_a / "config.json"));
    ASSERT_TRUE(fs::exists(model_a / "model.safetensors"));
    EXPECT_EQ(slurp(model_a / "model.safetensors"), slurp(model_b / "model.safetensors"));
    // A model directory r1 generate can load.
    const Model model = load_model(model_b.string());
    const Tokenizer tokenizer = load_tokenizer(model_b.string());
    EXPECT_LE(tokenizer.vocab_size(), model.config().vocab_size);
    EXPECT_TRUE(fs::exists(a / stage / "eval.json"));
  }
  // The data and the reward models, which are not evaluated like the others.
  for (const char* file : {"cold-start-data/data.jsonl", "rejection-data/data.jsonl",
                           "reward-models/helpful/model/model.safetensors",
                           "reward-models/harmless/model/model.safetensors"}) {
    ASSERT_TRUE(fs::exists(a / file)) << file;
    EXPECT_EQ(slurp(a / file), slurp(b / file)) << file;
  }

  const nlohmann::json summary_a = nlohmann::json::parse(slurp(a / "summary.json"));
  const nlohmann::json summary_b = nlohmann::json::parse(slurp(b / "summary.json"));
  ASSERT_EQ(summary_a["stages"].size(), summary_b["stages"].size());
  size_t evaluated = 0;
  for (size_t i = 0; i < summary_a["stages"].size(); ++i) {
    const nlohmann::json &sa = summary_a["stages"][i], &sb = summary_b["stages"][i];
    EXPECT_EQ(sa["stage"], sb["stage"]);
    if (!sa.contains("pass@1")) continue;
    ++evaluated;
    for (const char* key :
         {"pass@1", "cons@k", "response_length_mean", "reflection_rate", "language_mixing_rate"}) {
      ASSERT_TRUE(sa[key].is_number()) << sa["stage"] << " " << key;
      EXPECT_EQ(sa[key], sb[key]) << sa["stage"] << " " << key;
    }
    EXPECT_GE(sa["wall_time_s"].get<double>(), 0.0);
  }
  EXPECT_EQ(evaluated, kModelStages.size());
  const std::string report = slurp(b / "report.html");
  for (const std::string& stage : kModelStages)
    EXPECT_NE(report.find(stage), std::string::npos) << stage;
}

}  // namespace
}  // namespace r1
