#include <fmt/format.h>

#include "cli/commands.h"

namespace r1::cli {

void add_version(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the version");
  cmd->callback([] { fmt::print("r1 {}\n", R1_VERSION); });
}

}  // namespace r1::cli
