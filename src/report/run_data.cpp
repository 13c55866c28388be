#include "report/run_data.h"

#include <algorithm>
#include <filesystem>
#include <limits>

#include "core/check.h"
#include "core/file_io.h"
#include "core/jsonl.h"

namespace r1::report {
namespace {

std::string type_name(const nlohmann::json& value) {
  return value.type_name();
}

int64_t step_field(const nlohmann::json& line) {
  const auto it = line.find("step");
  R1_CHECK(it != line.end(), "field \"step\": missing");
  R1_CHECK(it->is_number_integer(), "field \"step\": expected an integer, got {}",
           it->is_number() ? it->dump() : type_name(*it));
  return it->get<int64_t>();
}

std::string string_field(const nlohmann::json& line, const char* key, bool required) {
  const auto it = line.find(key);
  if (it == line.end()) {
    R1_CHECK(!required, "field \"{}\": missing", key);
    return "";
  }
  R1_CHECK(it->is_string(), "field \"{}\": expected a string, got {}", key, type_name(*it));
  return it->get<std::string>();
}

void load_metrics(const std::string& path, RunData& run) {
  for_each_jsonl(path, [&](const nlohmann::json& line, int64_t) {
    const int64_t step = step_field(line);
    if (!run.metrics.empty()) {
      const int64_t previous = run.metrics.back()["step"].get<int64_t>();
      R1_CHECK(step > previous, "field \"step\": step {} after step {}: steps must increase", step,
               previous);
    }
    for (const std::string& key : plotted_metrics()) {
      const auto it = line.find(key);
      R1_CHECK(it == line.end() || it->is_number() || it->is_null(),
               "field \"{}\": expected a number, got {}", key, type_name(*it));
    }
    run.metrics.push_back(line);
  });
  R1_CHECK(!run.metrics.empty(), "{}: no steps in the file (has the run started a step yet?)",
           path);
}

void load_samples(const std::string& path, RunData& run) {
  for_each_jsonl(path, [&](const nlohmann::json& line, int64_t) {
    Sample s;
    s.step = step_field(line);
    s.prompt = string_field(line, "prompt", true);
    s.completion = string_field(line, "completion", true);
    s.reason = string_field(line, "reason", false);
    const auto reward = line.find("reward");
    R1_CHECK(reward != line.end(), "field \"reward\": missing");
    R1_CHECK(reward->is_number(), "field \"reward\": expected a number, got {}",
             type_name(*reward));
    s.reward = reward->get<double>();
    run.samples.push_back(std::move(s));
  });
}

nlohmann::json load_json_object(const std::string& path) {
  const nlohmann::json j = nlohmann::json::parse(read_file(path), nullptr, false);
  R1_CHECK(!j.is_discarded() && j.is_object(), "{}: expected one JSON object", path);
  return j;
}

}  // namespace

const std::vector<std::string>& plotted_metrics() {
  static const std::vector<std::string> keys = {
      "accuracy",
      "heldout_accuracy",
      "response_length_mean",
      "response_length_max",
      "heldout_response_length",
      "reward_mean",
      "reward_std",
      "kl",
      "entropy",
      "reflection_rate",
      "heldout_reflection_rate",
      "clip_fraction",
      "language_mixing_rate",
      "heldout_language_mixing_rate",
      "format_rate",
      "time_generate_s",
      "time_reward_s",
      "time_train_s",
  };
  return keys;
}

RunData load_run(const std::string& dir) {
  R1_CHECK(std::filesystem::is_directory(dir), "{}: no such run directory", dir);
  RunData run;
  run.dir = dir;
  const std::string metrics = dir + "/metrics.jsonl";
  R1_CHECK(path_exists(metrics),
           "{}: not found (is {} a run directory written by `r1 grpo --out`?)", metrics, dir);
  load_metrics(metrics, run);
  if (path_exists(dir + "/samples.jsonl")) load_samples(dir + "/samples.jsonl", run);
  if (path_exists(dir + "/config.json")) run.config = load_json_object(dir + "/config.json");
  if (path_exists(dir + "/final_eval.json")) {
    const std::string path = dir + "/final_eval.json";
    run.final_eval = load_json_object(path);
    try {
      step_field(run.final_eval);
    } catch (const Error& e) {
      fail("{}: {}", path, e.what());
    }
  }
  return run;
}

std::vector<std::pair<int64_t, std::optional<double>>> metric_by_step(const RunData& run,
                                                                      const std::string& key) {
  std::vector<std::pair<int64_t, std::optional<double>>> values;
  for (const nlohmann::json& line : run.metrics) {
    const auto it = line.find(key);
    std::optional<double> value;
    if (it != line.end())
      value = it->is_number() ? it->get<double>() : std::numeric_limits<double>::quiet_NaN();
    values.emplace_back(line["step"].get<int64_t>(), value);
  }
  return values;
}

}  // namespace r1::report
