// The code-execution reward (R1: "compile and run test cases"): the Python
// program in a completion runs against the prompt's tests inside the sandbox
// (sandbox.h), and the reward is the fraction of tests passed or 1/0 for
// all-or-nothing.
//
// Reference fields read (RewardInput::reference):
//   HumanEval style: "entry_point" (a Python identifier), "test" (or "tests")
//     holding Python that defines check(candidate), optional "prompt" (the code
//     the completion continues: imports, signature, docstring). The program run
//     is prompt + code + test + "check(entry_point)"; it counts as one test.
//   stdin/stdout style: "tests": [{"input": "...", "output": "..."}, ...]; each
//     pair is one run; output matches when equal after trailing whitespace is
//     dropped from every line and trailing empty lines are dropped.
//
// A program passes only when the tests ran to their end: the driver prints a
// per-run random marker after the last test, so a completion that calls
// sys.exit(0) or os._exit(0) early does not pass. (Code running in the same
// interpreter could still find the marker by introspecting the driver's frame;
// that needs deliberate effort, unlike an early exit.)
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "rewards/reward.h"
#include "rewards/sandbox.h"

namespace r1 {

enum class CodeRewardMode { fraction, all_or_nothing };

struct CodeRewardConfig {
  CodeRewardMode mode = CodeRewardMode::fraction;
  int workers = 0;  // parallel programs in score_batch; 0 = all cores
  std::string python = "/usr/bin/python3";
  SandboxConfig sandbox;
};

// Options (all optional): "mode" ("fraction" | "all_or_nothing"), "workers",
// "python", "unsandboxed" (bool), "bwrap", "ro_binds" ([path…]),
// "timeout_seconds", "cpu_seconds", "memory_mb", "max_processes",
// "max_output_bytes", "tmpfs_mb". Unknown keys and wrong types are errors.
CodeRewardConfig code_reward_config_from_json(const nlohmann::json& options);

// The code of a completion: the text after the last </think> if there is
// one; in it the last ```python (```py, ```python3) block, else the last
// fenced block of any language, else the whole text.
std::string extract_python_code(std::string_view completion);

class CodeReward : public Reward {
 public:
  // Throws r1::Error when the sandbox cannot run (see Sandbox) or the Python
  // interpreter is missing.
  explicit CodeReward(CodeRewardConfig config);

  std::string name() const override { return "code"; }
  // Throws r1::Error only for a malformed reference, naming the field.
  RewardResult score(const RewardInput& input) const override;
  // Runs up to `workers` programs at once; results in input order.
  std::vector<RewardResult> score_batch(const std::vector<RewardInput>& inputs) const override;

  const Sandbox& sandbox() const { return sandbox_; }
  int workers() const { return workers_; }

 private:
  RewardResult score_humaneval(const RewardInput& input, const std::string& code) const;
  RewardResult score_stdio(const nlohmann::json& tests, const std::string& code) const;
  // One run of the driver with `program` as solution.py.
  SandboxResult run_python(const std::string& program, const std::string& stdin_data,
                           const std::string& done_marker) const;
  std::string failure_reason(const SandboxResult& result) const;

  CodeRewardConfig config_;
  Sandbox sandbox_;
  int workers_;
};

std::unique_ptr<Reward> make_code_reward(const nlohmann::json& options);

}  // namespace r1
