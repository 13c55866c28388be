// `r1 report RUN_DIR…`: the curves, a summary and sample rollouts of one or
// more runs as one self-contained HTML page.
#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "core/check.h"
#include "core/file_io.h"
#include "report/report.h"

namespace r1::cli {

void add_report(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "report",
      "HTML report of RL runs: curves vs step (accuracy, response length, reward, KL, "
      "entropy, reflection rate, clip fraction) and sample rollouts");
  cmd->footer(
      "One self-contained page: inline SVG and CSS, nothing fetched over the network.\n"
      "Example: r1 report runs/r1-zero    (writes runs/r1-zero/report.html)");
  struct Options {
    std::vector<std::string> run_dirs;
    std::string out, title;
    int samples = 6;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("run_dir", opt->run_dirs,
                  "Run directories written by `r1 grpo --out` (several: one section each)")
      ->required();
  cmd->add_option("--out", opt->out,
                  "HTML file to write (default: report.html in the first run directory)");
  cmd->add_option("--title", opt->title, "Page title (default: the run directory)");
  cmd->add_option("--samples", opt->samples,
                  "Rollouts shown per run, from steps spread evenly over the run")
      ->capture_default_str();
  cmd->callback([opt] {
    R1_CHECK(opt->samples >= 0, "--samples must be at least 0, got {}", opt->samples);
    report::ReportInput input;
    input.samples = opt->samples;
    for (const std::string& dir : opt->run_dirs) input.runs.push_back({dir, report::load_run(dir)});
    input.title = opt->title;
    if (input.title.empty()) {
      input.title = "r1 report: " + opt->run_dirs.front();
      for (size_t i = 1; i < opt->run_dirs.size(); ++i) input.title += ", " + opt->run_dirs[i];
    }
    const std::string out = opt->out.empty() ? opt->run_dirs.front() + "/report.html" : opt->out;
    const std::filesystem::path parent = std::filesystem::path(out).parent_path();
    if (!parent.empty()) make_dirs(parent.string());
    write_file_atomic(out, report::render_report(input));
    fmt::print(stderr, "wrote {}\n", out);
  });
}

}  // namespace r1::cli
