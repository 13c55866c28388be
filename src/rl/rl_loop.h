// The RL loop shared by GRPO and PPO. Per step: reset the reference every K
// steps, evaluate on held-out prompts every N steps, draw B prompts and sample
// G completions each (RolloutEngine), score them, compute the reference
// log-probs of every completion token (β > 0), hand the batch to the
// algorithm — which computes advantages and runs its updates — then write
// metrics.jsonl, samples.jsonl and checkpoints (policy, AdamW, and every
// further model the run holds: reference, critic), so --resume continues
// exactly. Algorithms differ only in advantages and updates.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/config.h"
#include "model/model.h"
#include "rl/rollout.h"
#include "tokenizer/tokenizer.h"
#include "train/checkpoint.h"
#include "train/trainer.h"

namespace r1 {

struct RlResult {
  int64_t steps = 0;
  double first_heldout_accuracy = -1, last_heldout_accuracy = -1;
  double first_heldout_length = -1, last_heldout_length = -1;
};

// Test hooks.
struct RlHooks {
  // Called with an accumulated gradient just before its optimizer update
  // (`model`: "policy" or "critic"); tests poison it to exercise the
  // non-finite guard.
  std::function<void(const std::string& model, int64_t step, std::vector<float>& grads)>
      before_update;
};

// The optimizer updates of one step of one model, for the metrics.
struct UpdateLog {
  int64_t updates = 0, skipped = 0;
  double grad_norm_sum = 0;
  std::string skip_reason;  // the first one of the step
  // The policy's forwards (micro-batches) and those taken from generation.
  int64_t forwards = 0, forwards_recorded = 0;
  // The metric forward_from_generation: the share of the update's policy
  // forwards whose activations generation recorded (0 when none ran).
  double forward_from_generation() const {
    return forwards > 0 ? double(forwards_recorded) / double(forwards) : 0.0;
  }
};

// What an algorithm sees of the loop.
struct RlContext {
  const Config& cfg;
  Model& policy;
  Trainer& trainer;  // the policy's optimizer and training graph
  const RlHooks& hooks;
  int64_t step = 0;  // 0-based
  int64_t micro_batch = 1;
  float temperature = 1;
  bool mask_truncated = false;
  // The step's recorded rollout activations (null: none), for the policy's
  // forward before its first update (forward_rollouts).
  const ActivationStore* activations = nullptr;

  // Applies the gradient accumulated in `t` (hook, clipping, the non-finite
  // guard, AdamW); a skipped update is logged on stderr and in `log`.
  StepStats apply(Trainer& t, const std::string& model, double loss, double lr,
                  UpdateLog& log) const;
  // The policy's forward over `batch` in its trainer's graph: from the
  // recorded activations in the step's first update (`first`: the first
  // mini-batch of the first pass, under the weights that generated them)
  // when the batch has them, else computed; counted in `log`.
  void forward_policy(const PackedRollouts& batch, bool first, UpdateLog& log) const;
};

class RlAlgorithm {
 public:
  virtual ~RlAlgorithm() = default;
  virtual std::string name() const = 0;
  // Dynamic sampling: drop groups whose rewards are all equal, draw more.
  virtual bool drop_uniform_groups() const { return false; }
  // Sets the rollouts' advantages and runs the step's updates with learning
  // rate `lr`; adds its metrics to `metrics`.
  virtual void update(const RlContext& ctx, std::vector<Rollout>& rollouts, double lr,
                      nlohmann::json& metrics) = 0;
  // Further models saved with every checkpoint, and their loading on resume.
  virtual std::vector<CheckpointPart> checkpoint_parts() const { return {}; }
  virtual void load_checkpoint_parts(const std::string& checkpoint_dir) { (void)checkpoint_dir; }
};

// Trains `policy` in place (the base model on entry) with the recipe `cfg`
// and `algorithm`; `run_dir` receives the run's files.
RlResult run_rl(const Config& cfg, Model& policy, const Tokenizer& tokenizer,
                const std::string& run_dir, bool resume, RlAlgorithm& algorithm,
                const RlHooks& hooks = {});

// Peak resident set size of this process so far, in MiB.
double peak_rss_mb();

}  // namespace r1
