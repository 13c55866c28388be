// Each `r1` subcommand lives in its own cmd_<name>.cpp and registers itself on
// the application through one function declared here.
#pragma once

#include <CLI/CLI.hpp>

namespace r1::cli {

void add_version(CLI::App& app);
void add_pretrain(CLI::App& app);
void add_sft(CLI::App& app);
void add_grpo(CLI::App& app);
void add_ppo(CLI::App& app);
void add_generate(CLI::App& app);
void add_chat(CLI::App& app);
void add_score(CLI::App& app);
void add_tokenize(CLI::App& app);
void add_tokenizer(CLI::App& app);
void add_reward(CLI::App& app);
void add_tasks(CLI::App& app);
void add_eval(CLI::App& app);
void add_reject(CLI::App& app);
void add_report(CLI::App& app);
void add_pipeline(CLI::App& app);
void add_distill(CLI::App& app);
void add_rm(CLI::App& app);

}  // namespace r1::cli
