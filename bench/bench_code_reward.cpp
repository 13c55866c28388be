// Code-reward throughput and sandbox start-up cost.
//
//   bench_code_reward [HumanEval.jsonl.gz] [problems]
//
// 1. Start-up: median wall time of a trivial program (/bin/true, and Python
//    running `pass`) in the bubblewrap sandbox and unsandboxed (same rlimits,
//    same fork/exec path), and their ratio: the price of isolation per run.
// 2. Throughput: HumanEval canonical solutions scored with score_batch by
//    one worker (the baseline) and by the default pool (all cores), in
//    programs per second, and the pool's speed-up.
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../tests/rewards/humaneval_fixture.h"
#include "rewards/code_reward.h"
#include "rewards/sandbox.h"

namespace {

constexpr int kWarmupRuns = 3;
constexpr int kTimedRuns = 31;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Median wall seconds of `argv` in `sandbox`, after warm-up.
double median_run_seconds(const r1::Sandbox& sandbox, const std::vector<std::string>& argv) {
  r1::SandboxRequest request;
  request.argv = argv;
  std::vector<double> times;
  for (int i = 0; i < kWarmupRuns + kTimedRuns; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const r1::SandboxResult result = sandbox.run(request);
    const double elapsed = seconds_since(start);
    if (result.outcome != r1::SandboxOutcome::exited || result.exit_code != 0) {
      r1::fail("trivial program failed: {}", result.describe(sandbox.config().limits));
    }
    if (i >= kWarmupRuns) times.push_back(elapsed);
  }
  return median(times);
}

// Programs per second scoring `inputs` with `workers` workers; all must pass.
double programs_per_second(const std::vector<r1::RewardInput>& inputs, int workers) {
  r1::CodeReward reward(r1::code_reward_config_from_json(
      {{"workers", workers}, {"timeout_seconds", 20}, {"cpu_seconds", 20}}));
  const auto start = std::chrono::steady_clock::now();
  const std::vector<r1::RewardResult> results = reward.score_batch(inputs);
  const double elapsed = seconds_since(start);
  for (const r1::RewardResult& result : results) {
    if (result.value != 1.0) r1::fail("a canonical solution failed: {}", result.reason);
  }
  return static_cast<double>(inputs.size()) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string path = argc > 1 ? argv[1] : "../shared/data/humaneval/HumanEval.jsonl.gz";
    std::vector<nlohmann::json> problems = r1::read_humaneval(path);
    if (argc > 2) problems.resize(std::min(problems.size(), std::stoul(argv[2])));

    r1::SandboxConfig sandboxed;
    r1::SandboxConfig unsandboxed;
    unsandboxed.unsandboxed = true;
    const r1::Sandbox bwrap(sandboxed), plain(unsandboxed);
    std::printf("sandbox start-up (median of %d runs after %d warm-up)\n", kTimedRuns, kWarmupRuns);
    for (const std::vector<std::string>& program :
         {std::vector<std::string>{"/bin/true"},
          std::vector<std::string>{"/usr/bin/python3", "-I", "-c", "pass"}}) {
      const double with_bwrap = median_run_seconds(bwrap, program);
      const double without = median_run_seconds(plain, program);
      std::printf("  %-28s bwrap %7.2f ms   unsandboxed %7.2f ms   ratio %.2fx   (+%.2f ms)\n",
                  fmt::format("{}", fmt::join(program, " ")).c_str(), 1e3 * with_bwrap,
                  1e3 * without, with_bwrap / without, 1e3 * (with_bwrap - without));
    }

    std::vector<std::string> completions;
    for (const nlohmann::json& problem : problems) {
      completions.push_back(problem["canonical_solution"].get<std::string>());
    }
    std::vector<r1::RewardInput> inputs;
    for (size_t i = 0; i < problems.size(); ++i) {
      inputs.push_back(
          {problems[i]["prompt"].get_ref<const std::string&>(), completions[i], problems[i]});
    }
    const int pool = r1::CodeReward(r1::code_reward_config_from_json({})).workers();
    const double one = programs_per_second(inputs, 1);
    const double many = programs_per_second(inputs, pool);
    std::printf("HumanEval canonical solutions (%zu programs, all passing)\n", inputs.size());
    std::printf("  1 worker (baseline)  %6.1f programs/s\n", one);
    std::printf("  %d workers (pool)     %6.1f programs/s   speed-up %.2fx\n", pool, many,
                many / one);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_code_reward: %s\n", e.what());
    return 1;
  }
}
