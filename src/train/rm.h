// Reward-model training (R1's last RL stage judges general prompts with
// learned reward models; TRL's RewardTrainer is the reference): a scalar head
// on the base model's trunk (model/scalar_head.h) scores both sides of each
// preference pair at their last token (rewards/reward_model.h), and the
// Bradley–Terry loss
//
//   L = (1/n) Σ_i −log σ(r_chosen,i − r_rejected,i)
//
// pushes the chosen score above the rejected one. A batch of n pairs is one
// forward pass of 2n rows (chosen rows, then rejected rows). Each epoch
// visits the pairs in an order drawn from (seed, epoch); the head starts at
// zero, so every score starts at 0 and the loss at log 2. Same data, config
// and thread count → the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/model.h"
#include "model/scalar_head.h"
#include "model/transformer.h"
#include "train/optimizer.h"
#include "train/rm_data.h"

namespace r1 {

// Defaults picked for the built-in models (docs/reward_models.md): one epoch
// of 2000 pairs takes well under a minute on 2 cores, and further epochs
// memorise the training queries rather than generalise to held-out ones.
struct RmConfig {
  int64_t epochs = 1;
  int64_t batch_size = 16;    // pairs per step (2·batch_size sequences)
  int64_t max_length = 1024;  // tokens per sequence (longer ones keep their end)
  LrSchedule schedule{3e-4, 10, 1, "linear", 0.0};
  AdamWConfig adamw{0.9, 0.999, 1e-8, 0.0};
  double max_grad_norm = 1.0;
  uint64_t seed = 42;
};

// The loss above over n pairs of scores, its gradient dL/dr (written into
// dchosen and drejected, each of n), and the number of pairs ranked right
// (r_chosen > r_rejected) in *correct when not null.
double bt_loss(const float* chosen, const float* rejected, int64_t n, float* dchosen,
               float* drejected, int64_t* correct = nullptr);

// Moves the pairs whose prompt is held out (tasks/split.h split_of with
// `share`) from `train` to `held_out`, keeping the order of both.
void split_rm_pairs(std::vector<RmPair>& train, std::vector<RmPair>& held_out, double share);

struct RmEval {
  double loss = 0;      // mean Bradley–Terry loss
  double accuracy = 0;  // share of pairs with r_chosen > r_rejected
};

// Scores every pair (batch_size pairs per forward pass of `graph`, which must
// hold 2·batch_size rows of the longest sequence).
RmEval rm_evaluate(TrainingGraph& graph, ScalarHead& head, const Model& model,
                   const std::vector<RmPair>& pairs, int64_t batch_size);

struct RmResult {
  int64_t steps = 0;
  double final_loss = 0;  // of the last step
  bool evaluated = false;
  RmEval eval;  // after the last epoch, when there are held-out pairs
};

// Trains `model` (a sequence classifier with one label) in place; writes it to
// OUT_DIR/model (config.json, model.safetensors) and OUT_DIR/metrics.jsonl: a line per step (step,
// epoch, loss, accuracy, lr, grad_norm, tokens, time_s), eval_loss and eval_accuracy on a step-0
// line and on the last step of each epoch.
RmResult rm_train(Model& model, const std::vector<RmPair>& train, const std::vector<RmPair>& eval,
                  const RmConfig& config, const std::string& out_dir);

}  // namespace r1
