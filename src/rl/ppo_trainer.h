// PPO on the shared RL loop (rl_loop.h), the actor-critic baseline GRPO
// replaces. The critic is a value model: a copy of the policy's trunk with a
// scalar head (HF *ForSequenceClassification layout, num_labels = 1; see
// docs/ppo.md for the choice). Per step: values of the rollout tokens,
// per-token rewards (final reward at the last token − β·k1 KL to the
// reference), GAE(γ, λ), advantages whitened over the batch, then μ passes over
// mini-batches of the clipped surrogate (policy) and the clipped value loss
// (critic, its own AdamW and learning rate).
#pragma once

#include <string>

#include "core/config.h"
#include "model/model.h"
#include "rl/rl_loop.h"
#include "tokenizer/tokenizer.h"

namespace r1 {

// Trains `policy` in place (the base model on entry; the critic starts as its
// trunk) with the recipe `config` (ppo_config_schema()); `run_dir` receives
// the run's files, and the critic is saved with every checkpoint.
RlResult run_ppo(const Config& config, Model& policy, const Tokenizer& tokenizer,
                 const std::string& run_dir, bool resume, const RlHooks& hooks = {});

}  // namespace r1
