// Training checkpoints. A checkpoint is a directory RUN_DIR/checkpoint-<step>/
// holding a loadable model directory (config.json + model.safetensors) plus
// the trainer state beside it (optimizer.safetensors: AdamW moments;
// trainer_state.json: step, RNG counters, data position, anything the loop
// needs). It is written as checkpoint-<step>.tmp, fsync'ed and renamed, and
// only then does RUN_DIR/latest (written atomically) point at it: a kill at
// any instant leaves the previous complete checkpoint in charge.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/model.h"
#include "train/optimizer.h"

namespace r1 {

struct TrainerState {
  int64_t step = 0;                                 // number of completed optimizer steps
  nlohmann::json extra = nlohmann::json::object();  // loop-specific state
};

// A further model saved inside each checkpoint, in the subdirectory `name`
// (a loadable model directory, plus its optimizer state when it is trained):
// an RL run's critic or reference model.
struct CheckpointPart {
  std::string name;
  const Model* model = nullptr;
  const AdamW* optimizer = nullptr;  // null: the part is not trained
};

// Writes the checkpoint for `state.step` with its `parts` and keeps the newest
// `keep` ones.
void save_checkpoint(const std::string& run_dir, const Model& model, const AdamW& optimizer,
                     const TrainerState& state, int keep = 2,
                     const std::vector<CheckpointPart>& parts = {});

// The directory of the newest complete checkpoint, if any.
std::optional<std::string> latest_checkpoint(const std::string& run_dir);

// Loads the parameters, optimizer moments and state of checkpoint `dir` into
// existing objects (whose config must match the checkpoint's).
TrainerState load_checkpoint(const std::string& dir, Model& model, AdamW& optimizer);
// Loads part `name` of checkpoint `dir` into `model` (and `optimizer` unless
// null); an error if the checkpoint has no such part.
void load_checkpoint_part(const std::string& dir, const std::string& name, Model& model,
                          AdamW* optimizer);

}  // namespace r1
