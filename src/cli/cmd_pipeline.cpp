// `r1 pipeline`: the whole R1 recipe (pipeline/pipeline.h) as one resumable
// command.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/model_source.h"
#include "core/check.h"
#include "core/config.h"
#include "pipeline/pipeline.h"

namespace r1::cli {

namespace {

// "block.key=value" sets one key of a block; "key=value" a top-level key.
void apply_set(Config& config, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  const size_t dot = assignment.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq) {
    config.set(assignment);
    return;
  }
  const std::string block = assignment.substr(0, dot);
  const std::string key = assignment.substr(dot + 1, eq - dot - 1);
  const std::string source = "--set " + assignment.substr(0, eq);
  nlohmann::json value = config.at(block);
  R1_CHECK(value.is_object(), "{}: '{}' is not a block of keys", source, block);
  value[key] = yaml_to_json(assignment.substr(eq + 1), source);
  config.set_value(block, value, source);
  config.set_origin(block + "." + key, source);
}

}  // namespace

void add_pipeline(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "pipeline",
      "The DeepSeek-R1 recipe end to end: R1-Zero, cold start, reasoning RL, rejection sampling "
      "+ SFT, all-scenario RL, distillation; evaluated after every stage");
  struct Options {
    std::string config_file, out;
    std::vector<std::string> sets;
    bool quick = false, print_config = false;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("--out", opt->out,
                  "Run directory: a directory per stage, summary.json, report.html; re-running "
                  "continues where it stopped");
  cmd->add_option("--config", opt->config_file, "Recipe file (YAML), e.g. configs/r1.yaml");
  cmd->add_option("--set", opt->sets,
                  "Override a recipe key: --set key=value or --set block.key=value (repeatable)");
  cmd->add_flag("--quick", opt->quick,
                "A minutes-long run of every stage on a tiny model (a smoke test, not a result)");
  cmd->add_flag("--print-config", opt->print_config,
                "Print every recipe key with its value and meaning, then exit");
  cmd->callback([opt] {
    Config config = pipeline_config_schema(opt->quick);
    if (!opt->config_file.empty()) config.load_yaml_file(opt->config_file);
    for (const std::string& s : opt->sets) apply_set(config, s);
    resolve_pipeline_config(config, opt->quick);
    if (opt->print_config) {
      fmt::print("{}", config.describe());
      return;
    }
    R1_CHECK(!opt->out.empty(), "--out RUN_DIR is required");
    fmt::print(stderr, "recipe:\n{}", config.describe());
    PipelineOptions options;
    options.run_dir = opt->out;
    options.quick = opt->quick;
    options.resolve_model = resolve_model;
    const nlohmann::json summary = run_pipeline(config, options);
    fmt::print("{:<26} {:>7} {:>7} {:>7} {:>7} {:>7} {:>9} {:>9}\n", "stage", "pass@1", "cons@k",
               "length", "reflect", "mixing", "mix(hot)", "time");
    for (const nlohmann::json& s : summary["stages"]) {
      if (!s.contains("pass@1")) continue;
      fmt::print("{:<26} {:>7.3f} {:>7.3f} {:>7.1f} {:>7.3f} {:>7.4f} {:>9.4f} {:>8.0f}s\n",
                 s["stage"].get<std::string>(), s["pass@1"].get<double>(),
                 s["cons@k"].get<double>(), s["response_length_mean"].get<double>(),
                 s["reflection_rate"].get<double>(), s["language_mixing_rate"].get<double>(),
                 s["language_mixing_rate_hot"].get<double>(), s["wall_time_s"].get<double>());
    }
    fmt::print(stderr, "wrote {0}/summary.json and {0}/report.html\n", opt->out);
  });
}

}  // namespace r1::cli
