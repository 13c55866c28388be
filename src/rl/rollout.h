// Rollouts, shared by the RL algorithms: prompts drawn from a weighted task
// mixture, G completions per prompt sampled through the generation engine
// (each prompt prefilled once per group), scored by rule rewards with their
// reasons, summarised into the per-step statistics, and packed into training
// batches.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/config.h"
#include "generate/generator.h"
#include "model/model.h"
#include "rewards/composite_reward.h"
#include "rl/grpo_loss.h"
#include "tasks/generator.h"
#include "tasks/template.h"
#include "tokenizer/tokenizer.h"

namespace r1 {

// The weighted task mixture prompts come from.
class TaskMixture {
 public:
  explicit TaskMixture(const nlohmann::json& spec);
  // Problem `index` of `split` (a pure function of seed and index).
  Problem draw(uint64_t seed, uint64_t index, Split split) const;

 private:
  std::vector<std::unique_ptr<TaskGenerator>> generators_;
  std::vector<double> weights_;
};

// Rewards for a problem: "accuracy" in the spec means the problem's own rule.
class ProblemRewards {
 public:
  explicit ProblemRewards(const nlohmann::json& spec);
  struct Scored {
    double reward = 0;
    bool correct = false;
    std::string reason;
  };
  Scored score(const Problem& p, const std::string& completion, size_t tokens, bool truncated);

 private:
  nlohmann::json spec_;
  std::map<std::string, std::unique_ptr<CompositeReward>> composites_;
};

// Whether a completion contains a self-check ("wait", "verify", "等等", …).
bool reflects(const std::string& text);

struct Rollout {
  Problem problem;
  std::vector<int32_t> prompt, completion;
  std::vector<float> logprobs;      // sampling-time log-probs: π_old, bit for bit
  std::vector<float> ref_logprobs;  // the reference policy's (when β > 0)
  std::string text;
  bool truncated = false;
  ProblemRewards::Scored scored;
  float advantage = 0;            // one advantage for every token (GRPO) …
  std::vector<float> advantages;  // … or one per completion token (PPO)
  // The generator's ActivationStore records of prompt + completion but its
  // last token (GenerationResult::records), when it kept them.
  std::vector<int64_t> records;
};

struct RolloutStats {
  double reward_mean = 0, reward_std = 0, accuracy = 0, format_rate = 0, length_mean = 0;
  double length_max = 0, reflection_rate = 0, mixing_rate = 0;
};

RolloutStats summarize(const std::vector<Rollout>& rollouts);

// Samples and scores rollouts with the policy (the generator reads its live
// weights).
class RolloutEngine {
 public:
  RolloutEngine(const Config& cfg, Model& policy, const Tokenizer& tok);

  // `group` completions of each problem; request ids from id_base on (the
  // sampling streams are keyed by them). Adds the time spent generating and
  // scoring to the two counters.
  // The first `record` rollouts keep the activations of generation for
  // training (in activations(), up to rollout_activations_mb; Rollout::records).
  std::vector<Rollout> rollout(const std::vector<Problem>& problems, int64_t group,
                               uint64_t id_base, SamplingParams sampling, double& generate_s,
                               double& reward_s, int64_t record = 0);
  const TaskMixture& tasks() const { return tasks_; }
  // The recorded activations (null when rollout_activations_mb is 0).
  ActivationStore* activations() { return generator_.activations(); }

 private:
  const Tokenizer& tok_;
  TaskMixture tasks_;
  ProblemRewards rewards_;
  const PromptTemplate& template_;
  int64_t max_prompt_, max_completion_;
  Generator generator_;
  std::function<bool(const std::vector<int32_t>&)> stop_when_;
};

// Rollouts [begin, end) packed into the rows of a (rows, T) batch for the
// training graph, without padding them to a common length. A rollout is its
// prompt + completion without the last token (targets the same shifted by
// one). Consecutive rollouts with the same prompt (a GRPO group) share it:
// the prompt but its last token goes once into a row as a document, and
// each completion follows as a document that continues it (see Packing),
// beginning with the prompt's last token — the graph computes each exactly
// as prompt + completion alone in a row, on (G − 1)·(P − 1) fewer positions
// a group. The documents (a prompt with as many of its group's completions
// as fit, or one rollout) are placed first-fit in rollout order into rows as
// long as the longest rollout or the longest group (up to kMaxPackedRow
// positions), and T is the fullest row's length; rows are made shorter when
// the batch would
// otherwise exceed `capacity` positions (the graph's max_batch·max_seq,
// which must hold every rollout unshared); a row's unused tail is padding,
// one document a position. `spans` locate the completions
// (length 0 for a truncated one when mask_truncated), each with its
// rollout's index from `begin` and advantage(s); `old` (when not null, with
// room for `capacity` positions) receives the sampling-time log-probs at the
// span positions. `records` (rows, T): each position's ActivationStore record
// (−1 for padding) when every rollout has its records, else empty.
inline constexpr int64_t kMaxPackedRow = 2048;
struct PackedRollouts {
  int64_t rows = 0, T = 0;
  std::vector<int32_t> ids, targets, doc_starts, prefix_starts;  // (rows, T)
  std::vector<int64_t> records;                                  // (rows, T) or empty
  std::vector<CompletionSpan> spans;
  Packing packing() const { return {doc_starts.data(), prefix_starts.data()}; }
};
void pack_rollouts(const std::vector<Rollout>& rollouts, int64_t begin, int64_t end,
                   bool mask_truncated, int64_t capacity, PackedRollouts& out, float* old);

// The policy's forward over a packed batch at the sampling temperature. With
// `recorded` (the generator's store) and a batch that has its records, the
// trunk's activations are the ones generation computed (forward_recorded) —
// valid only under the weights that generated them, i.e. before the step's
// first update — else they are computed. Returns whether they were reused.
bool forward_rollouts(TrainingGraph& graph, const Model& policy, const PackedRollouts& batch,
                      float temperature, const ActivationStore* recorded);

}  // namespace r1
