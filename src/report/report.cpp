#include "report/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/check.h"
#include "report/escape.h"
#include "report/svg_chart.h"

namespace r1::report {
namespace {

// The first colours of the Tableau-10 palette: blue and orange come first
// because readers with red-green colour blindness tell them apart.
constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"};

bool is_heldout(const std::string& key) {
  return key.rfind("heldout_", 0) == 0;
}

// A series per metric. A value logged at step s was measured on the policy
// before step s's update, so the final evaluation (after the last update) is
// drawn at the next step.
Series metric_series(const RunData& run, const std::string& key) {
  Series s;
  for (const auto& [step, value] : metric_by_step(run, key))
    if (value) s.points.push_back({double(step), *value});
  if (is_heldout(key) && run.final_eval.is_object() && run.final_eval.contains(key)) {
    const nlohmann::json& v = run.final_eval[key];
    s.points.push_back({double(run.final_eval["step"].get<int64_t>() + 1),
                        v.is_number() ? v.get<double>() : std::nan("")});
  }
  return s;
}

bool has_value(const Series& s) {
  return std::any_of(s.points.begin(), s.points.end(),
                     [](const Point& p) { return std::isfinite(p.y); });
}

std::vector<double> finite_values(const Series& s) {
  std::vector<double> v;
  for (const Point& p : s.points)
    if (std::isfinite(p.y)) v.push_back(p.y);
  return v;
}

double mean(std::vector<double>::const_iterator begin, std::vector<double>::const_iterator end) {
  return std::accumulate(begin, end, 0.0) / double(end - begin);
}

// Summary rows: held-out metrics as first and last evaluation; per-batch
// metrics (noisy) as the mean over the first and the last tenth of the steps.
Table summary_table(const RunData& run) {
  struct Row {
    const char* key;
    const char* name;
    int decimals;
  };
  const Row rows[] = {
      {"heldout_accuracy", "held-out accuracy", 3},
      {"heldout_response_length", "held-out response length", 1},
      {"heldout_reflection_rate", "held-out reflection rate", 3},
      {"heldout_language_mixing_rate", "held-out language mixing rate", 3},
      {"accuracy", "batch accuracy", 3},
      {"response_length_mean", "batch response length", 1},
      {"reward_mean", "batch reward", 3},
      {"reflection_rate", "batch reflection rate", 3},
      {"language_mixing_rate", "batch language mixing rate", 3},
  };
  Table t;
  t.caption = "Start and end of the run";
  t.header = {"metric", "start", "end", "measured"};
  for (const Row& row : rows) {
    const std::vector<double> v = finite_values(metric_series(run, row.key));
    if (v.empty()) continue;
    const auto format = [&](double value) { return fmt::format("{:.{}f}", value, row.decimals); };
    if (is_heldout(row.key)) {
      t.rows.push_back({row.name, format(v.front()), format(v.back()),
                        fmt::format("{} evaluation(s)", v.size())});
    } else {
      const auto tenth = std::max<ptrdiff_t>(1, ptrdiff_t(v.size()) / 10);
      t.rows.push_back({row.name, format(mean(v.begin(), v.begin() + tenth)),
                        format(mean(v.end() - tenth, v.end())),
                        fmt::format("mean of {} step(s)", tenth)});
    }
  }
  return t;
}

std::string run_overview(const RunData& run) {
  const int64_t first = run.metrics.front()["step"].get<int64_t>();
  const int64_t last = run.metrics.back()["step"].get<int64_t>();
  double seconds = 0;
  for (const char* key : {"time_generate_s", "time_reward_s", "time_train_s"})
    for (const double v : finite_values(metric_series(run, key))) seconds += v;
  return fmt::format("{}: steps {}…{} ({} logged), {:.1f} s of generation, reward and training.",
                     run.dir, first, last, run.metrics.size(), seconds);
}

void add_charts(HtmlPage& page, const RunData& run) {
  std::vector<std::string> empty;
  page.open_block("charts");
  for (const ChartSpec& spec : report_charts()) {
    Chart chart;
    chart.title = spec.title;
    chart.x_label = "step";
    chart.y_label = spec.y_label;
    if (spec.unit_range) {
      chart.y_min = 0;
      chart.y_max = 1;
    }
    for (const auto& [key, name] : spec.keys) {
      Series s = metric_series(run, key);
      if (s.points.empty()) continue;
      s.name = name;
      s.color = kPalette[chart.series.size() % std::size(kPalette)];
      chart.series.push_back(std::move(s));
    }
    if (std::none_of(chart.series.begin(), chart.series.end(), has_value)) {
      empty.push_back(spec.title);
      continue;
    }
    page.raw(render_svg(chart));
  }
  page.close_block();
  if (!empty.empty()) {
    std::string names;
    for (const std::string& e : empty) names += (names.empty() ? "" : ", ") + e;
    page.paragraph("Not logged by this run: " + names + ".");
  }
}

void add_samples(HtmlPage& page, const RunData& run, int n) {
  if (run.samples.empty() || n <= 0) return;
  const std::vector<Sample> chosen = select_samples(run.samples, n);
  page.heading(3,
               fmt::format("Sample rollouts ({} of {} logged)", chosen.size(), run.samples.size()));
  for (const Sample& s : chosen) {
    page.open_block("sample");
    page.raw(fmt::format("<div class=\"meta\">step {} · reward {:.3f}{}{}</div>\n", s.step,
                         s.reward, s.reason.empty() ? "" : " · ", escape_markup(s.reason)));
    page.preformatted(s.prompt, "prompt");
    page.preformatted(s.completion, "completion");
    page.close_block();
  }
}

void add_config(HtmlPage& page, const RunData& run) {
  if (!run.config.is_object()) return;
  page.open_details("Recipe (config.json)");
  Table t;
  t.header = {"key", "value"};
  for (const auto& [key, value] : run.config.items())
    t.rows.push_back({key, value.is_string() ? value.get<std::string>() : value.dump()});
  page.table(t);
  page.close_details();
}

}  // namespace

const std::vector<ChartSpec>& report_charts() {
  static const std::vector<ChartSpec> charts = {
      {"Accuracy", "accuracy", {{"accuracy", "batch"}, {"heldout_accuracy", "held-out"}}, true},
      {"Response length",
       "tokens",
       {{"response_length_mean", "batch mean"},
        {"response_length_max", "batch max"},
        {"heldout_response_length", "held-out mean"}},
       false},
      {"Reward", "reward", {{"reward_mean", "mean"}, {"reward_std", "std"}}, false},
      {"KL to the reference", "KL (k3)", {{"kl", "KL"}}, false},
      {"Entropy", "nats per token", {{"entropy", "entropy"}}, false},
      {"Reflection rate",
       "share of completions",
       {{"reflection_rate", "batch"}, {"heldout_reflection_rate", "held-out"}},
       true},
      {"Clip fraction", "share of tokens", {{"clip_fraction", "clipped"}}, false},
      {"Language mixing",
       "share of completions",
       {{"language_mixing_rate", "batch"}, {"heldout_language_mixing_rate", "held-out"}},
       true},
  };
  return charts;
}

std::vector<Sample> select_samples(const std::vector<Sample>& samples, int n) {
  if (n <= 0 || samples.empty()) return {};
  // Samples of a step are contiguous in samples.jsonl; group by runs of equal step.
  std::vector<std::pair<size_t, size_t>> steps;  // [begin, end) of each step's samples
  for (size_t i = 0; i < samples.size(); ++i) {
    if (steps.empty() || samples[i].step != samples[steps.back().first].step)
      steps.push_back({i, i});
    steps.back().second = i + 1;
  }
  const size_t count = std::min(size_t(n), steps.size());
  std::vector<Sample> chosen;
  for (size_t k = 0; k < count; ++k) {
    const size_t index =
        count == 1 ? steps.size() - 1
                   : size_t(std::lround(double(k) * double(steps.size() - 1) / double(count - 1)));
    const size_t quota = size_t(n) / count + (k < size_t(n) % count ? 1 : 0);
    const auto [begin, end] = steps[index];
    for (size_t i = begin; i < std::min(end, begin + quota); ++i) chosen.push_back(samples[i]);
  }
  return chosen;
}

std::string render_report(const ReportInput& input) {
  R1_CHECK(!input.runs.empty() || !input.tables.empty(), "report '{}': nothing to show",
           input.title);
  HtmlPage page(input.title);
  for (const Table& t : input.tables) page.table(t);
  for (const ReportRun& run : input.runs) {
    page.heading(2, run.label);
    page.paragraph(run_overview(run.data));
    const Table summary = summary_table(run.data);
    if (!summary.rows.empty()) page.table(summary);
    add_charts(page, run.data);
    add_samples(page, run.data, input.samples);
    add_config(page, run.data);
  }
  if (!input.runs.empty())
    page.raw(
        "<p class=\"note\">A value at step s is measured before step s's update; the last "
        "held-out point is the final evaluation, after the last update.</p>\n");
  return page.str();
}

}  // namespace r1::report
