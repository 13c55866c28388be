// `r1 pipeline`: the DeepSeek-R1 recipe as one resumable run (R1_NOTES.md,
// "The four-stage R1 recipe"), on the embedded default or a user's model and
// tasks:
//
//   base, student-base        the base models (built-in ones are built and cached)
//   r1-zero                   GRPO with rule rewards from the base
//   cold-start-data           R1-Zero samples at temperature 1 kept when correct
//                             and readable, plus built-in long worked solutions
//   cold-start                SFT of the base on them                (stage 1)
//   reasoning-rl              GRPO + language-consistency reward     (stage 2)
//   reasoning-rl-no-language  the same without it: its accuracy cost
//   rejection-data            stage-2 samples kept when correct and readable,
//                             plus non-reasoning examples
//   sft                       SFT of the base on them, 2 epochs      (stage 3)
//   reward-models             helpfulness and harmlessness reward models
//   all-scenario-rl           GRPO on reasoning and general prompts  (stage 4)
//   distill                   SFT of the student base on the stage-3 data
//   student-rl                GRPO on the student base, at least the distillation's
//                             compute
//
// Every stage writes RUN_DIR/STAGE/ and, when complete, RUN_DIR/STAGE/stage.json;
// a stage with stage.json is skipped, one without it continues from its own
// checkpoints (RL and SFT resume bit-exactly), so a killed pipeline re-run with
// the same arguments ends with the same results. A stage that trains a model
// writes RUN_DIR/STAGE/model (config.json, model.safetensors, tokenizer) and is
// evaluated on held-out prompts (final_eval.json). The run ends with
// RUN_DIR/summary.json and RUN_DIR/report.html.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "core/config.h"

namespace r1 {

// Every recipe key with its default: the embedded default's recipe, or with
// `quick` a minutes-long smoke run of every stage on a tiny model.
Config pipeline_config_schema(bool quick);

// Checks every block of a recipe (unknown keys, wrong types) and fills in the
// keys a block leaves out with their defaults, so the recipe prints and is
// saved whole.
void resolve_pipeline_config(Config& config, bool quick);

struct PipelineOptions {
  std::string run_dir;
  bool quick = false;
  // A model directory for a recipe's model name ("builtin", a path, …).
  std::function<std::string(const std::string&)> resolve_model;
};

// Runs (or continues) the pipeline; returns the summary it writes.
nlohmann::json run_pipeline(const Config& config, const PipelineOptions& options);

}  // namespace r1
