// Held-out evaluation (R1 §3.1): K sampled completions per problem, each
// judged by the problem's reward, summarised as pass@1 (mean correctness over
// the K samples), cons@K (majority vote over extracted answers), pass@K, mean
// response length, and the shares of reflective, long-form and
// language-mixed completions.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "generate/sampler.h"
#include "model/model.h"
#include "tasks/problem.h"
#include "tokenizer/tokenizer.h"

namespace r1 {

struct EvalOptions {
  int64_t k = 4;  // samples per problem
  SamplingParams sampling{0.6f, 0, 0.95f};
  int64_t max_new_tokens = 200;
  uint64_t seed = 0;
  std::string template_name = "r1_zero_short";
  // Registry name of the reward judging every problem; empty: each problem's own.
  std::string reward;
  int64_t batch_size = 64;  // KV-cache slots
};

struct ProblemEval {
  std::string id;
  int64_t correct = 0;  // samples judged correct
  bool consensus_correct = false;
  std::string consensus_answer;  // empty when no sample had an answer
  std::vector<std::string> completions;
  std::vector<int64_t> lengths;  // tokens
  std::vector<bool> sample_correct;
};

struct EvalReport {
  int64_t problems = 0, k = 0;
  double pass_at_1 = 0, cons_at_k = 0, pass_at_k = 0;
  double response_length_mean = 0;
  double reflection_rate = 0, long_form_rate = 0, language_mixing_rate = 0;
  // Accuracy of long-form and of brief completions (NaN-free: 0 when none).
  double long_form_accuracy = 0, brief_accuracy = 0;
  std::vector<ProblemEval> per_problem;
};

// A sample is correct when its reward's value is at least 1. The built-in
// rewards are configured for accuracy alone: "math" reads <answer> tags and
// then \boxed{}, "countdown" gives no partial credit. `on_progress` (optional)
// is told the completions finished so far.
EvalReport evaluate(const Model& model, const Tokenizer& tokenizer,
                    const std::vector<Problem>& problems, const EvalOptions& options,
                    const std::function<void(int64_t done, int64_t total)>& on_progress = {});

// Summary fields plus, with `with_problems`, every problem's samples.
nlohmann::json to_json(const EvalReport& report, bool with_problems);

}  // namespace r1
