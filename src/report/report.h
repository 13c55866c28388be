// `r1 report`: one self-contained HTML page showing what happened in one or
// more RL runs — the curves of R1-Zero (accuracy and response length rising
// over steps; reward, KL, entropy, reflection rate, clip fraction), a summary
// per run, sample rollouts from across each run, and any extra tables (the
// pipeline's stage comparison).
#pragma once

#include <string>
#include <vector>

#include "report/html.h"
#include "report/run_data.h"

namespace r1::report {

struct ReportRun {
  std::string label;  // section heading, e.g. the run directory or the stage name
  RunData data;
};

struct ReportInput {
  std::string title;
  std::vector<Table> tables;  // shown first, in order
  std::vector<ReportRun> runs;
  int samples = 6;  // rollouts shown per run, from steps spread evenly over the run
};

std::string render_report(const ReportInput& input);

// The `n` rollouts a report shows: up to n steps spread evenly over the steps
// that have samples (always the first and the last), and from each chosen step
// its first rollouts, so that n rollouts are shown when there are that many.
std::vector<Sample> select_samples(const std::vector<Sample>& samples, int n);

// One chart per panel of the report; the series are the metrics named in
// `keys` (a series is left out when the run never logged its metric).
struct ChartSpec {
  std::string title, y_label;
  std::vector<std::pair<std::string, std::string>> keys;  // metric key, series name
  bool unit_range = false;                                // y spans at least 0…1 (rates)
};
const std::vector<ChartSpec>& report_charts();

}  // namespace r1::report
