#include <cstdio>
#include <exception>

#include "cli/commands.h"
#include "core/threads.h"

int main(int argc, char** argv) {
  r1::init_thread_policy(argv);
  CLI::App app{"r1: the DeepSeek-R1 training system (GRPO, the R1 recipe, distillation) on CPU"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  r1::cli::add_version(app);
  r1::cli::add_pretrain(app);
  r1::cli::add_sft(app);
  r1::cli::add_grpo(app);
  r1::cli::add_ppo(app);
  r1::cli::add_generate(app);
  r1::cli::add_chat(app);
  r1::cli::add_score(app);
  r1::cli::add_tokenize(app);
  r1::cli::add_tokenizer(app);
  r1::cli::add_reward(app);
  r1::cli::add_tasks(app);
  r1::cli::add_eval(app);
  r1::cli::add_reject(app);
  r1::cli::add_distill(app);
  r1::cli::add_report(app);
  r1::cli::add_pipeline(app);
  r1::cli::add_rm(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "r1: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
