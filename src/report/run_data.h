// What a report reads from a run directory written by `r1 grpo --out DIR`:
// metrics.jsonl (one object per step), samples.jsonl (a few rollouts per step,
// optional), config.json (the resolved recipe, optional) and final_eval.json
// (the held-out evaluation after the last step, optional).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace r1::report {

struct Sample {
  int64_t step = 0;
  std::string prompt, completion, reason;
  double reward = 0;
};

struct RunData {
  std::string dir;
  std::vector<nlohmann::json> metrics;  // one object per step, steps increasing
  std::vector<Sample> samples;          // in file order
  nlohmann::json config;                // the resolved recipe, or null
  nlohmann::json final_eval;            // final_eval.json, or null
};

// The metrics a report plots: where a metrics line has one, it must be a
// number (or null, which is how JSON writes a non-finite value).
const std::vector<std::string>& plotted_metrics();

// Reads a run directory. Errors name the file and line: a missing directory
// or metrics.jsonl, a metrics file without steps, a line that is not a JSON
// object, a field of the wrong type, steps that do not increase.
RunData load_run(const std::string& dir);

// A metric as a value per step: nullopt where the line lacks it, NaN where it
// is null.
std::vector<std::pair<int64_t, std::optional<double>>> metric_by_step(const RunData& run,
                                                                      const std::string& key);

}  // namespace r1::report
