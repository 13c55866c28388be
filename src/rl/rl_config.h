// The RL recipes: every key, its default and its meaning, declared once
// (names follow TRL/verl where they exist). GRPO and PPO share the rollout,
// optimisation and bookkeeping keys; each adds its own. The GRPO defaults are
// the built-in R1-Zero recipe of the embedded default (configs/r1-zero.yaml).
#pragma once

#include "core/config.h"

namespace r1 {

Config grpo_config_schema();
Config ppo_config_schema();

}  // namespace r1
