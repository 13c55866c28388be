#include <fmt/format.h>

#include <functional>
#include <memory>

#include "cli/commands.h"
#include "cli/model_source.h"
#include "core/check.h"
#include "core/threads.h"
#include "rl/grpo_trainer.h"
#include "rl/ppo_trainer.h"
#include "rl/rl_config.h"
#include "tokenizer/tokenizer_io.h"

namespace r1::cli {

namespace {

using RunFn =
    std::function<RlResult(const Config&, Model&, const Tokenizer&, const std::string&, bool)>;

// `r1 grpo` and `r1 ppo`: the same options, recipe handling and outputs.
void add_rl_command(CLI::App& app, const std::string& name, const std::string& help,
                    const std::string& example, Config (*schema)(), RunFn run) {
  auto* cmd = app.add_subcommand(name, help);
  struct Options {
    std::string config_file, out;
    std::vector<std::string> sets;
    bool resume = false, print_config = false;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("--config", opt->config_file, "Recipe file (YAML), e.g. " + example);
  cmd->add_option("--set", opt->sets, "Override a recipe key: --set key=value (repeatable)");
  cmd->add_option("--out", opt->out, "Run directory (config, metrics.jsonl, samples, checkpoints)");
  cmd->add_flag("--resume", opt->resume, "Continue from the run directory's latest checkpoint");
  cmd->add_flag("--print-config", opt->print_config,
                "Print every recipe key with its value and meaning, then exit");
  cmd->callback([opt, schema, run] {
    Config config = schema();
    if (!opt->config_file.empty()) config.load_yaml_file(opt->config_file);
    for (const std::string& s : opt->sets) config.set(s);
    if (opt->print_config) {
      fmt::print("{}", config.describe());
      return;
    }
    R1_CHECK(!opt->out.empty(), "--out RUN_DIR is required");
    set_threads(config.get<int>("threads"));
    fmt::print(stderr, "recipe:\n{}", config.describe());
    const std::string model_dir = resolve_model(config.get<std::string>("model"));
    Model policy = load_model(model_dir);
    const Tokenizer tokenizer = load_tokenizer(model_dir);
    run(config, policy, tokenizer, opt->out, opt->resume);
    save_model(policy, opt->out + "/model");
    save_tokenizer(tokenizer, opt->out + "/model");
    fmt::print(stderr, "wrote {}/model\n", opt->out);
  });
}

}  // namespace

void add_grpo(CLI::App& app) {
  add_rl_command(app, "grpo", "Reinforcement learning with GRPO and rule-based rewards (R1-Zero)",
                 "configs/r1-zero.yaml", grpo_config_schema,
                 [](const Config& c, Model& m, const Tokenizer& t, const std::string& out,
                    bool resume) { return run_grpo(c, m, t, out, resume); });
}

void add_ppo(CLI::App& app) {
  add_rl_command(app, "ppo",
                 "Reinforcement learning with PPO (actor-critic baseline) and rule-based rewards",
                 "configs/ppo.yaml", ppo_config_schema,
                 [](const Config& c, Model& m, const Tokenizer& t, const std::string& out,
                    bool resume) { return run_ppo(c, m, t, out, resume); });
}

}  // namespace r1::cli
