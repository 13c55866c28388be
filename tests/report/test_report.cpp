#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>

#include "core/check.h"
#include "report/report.h"
#include "run_dir.h"

namespace r1::report {
namespace {

using testing::TempDir;

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Every chart of the page: its title → the names of its series, in order.
std::map<std::string, std::vector<std::string>> charts_of(const std::string& html) {
  std::map<std::string, std::vector<std::string>> charts;
  for (size_t at = html.find("<svg "); at != std::string::npos; at = html.find("<svg ", at + 1)) {
    const std::string svg = html.substr(at, html.find("</svg>", at) - at);
    const size_t label = svg.find("aria-label=\"") + 12;
    auto& series = charts[svg.substr(label, svg.find('"', label) - label)];
    const std::string key = "data-name=\"";
    for (size_t s = svg.find(key); s != std::string::npos; s = svg.find(key, s + 1))
      series.push_back(svg.substr(s + key.size(), svg.find('"', s + key.size()) - s - key.size()));
  }
  return charts;
}

std::string fixture_report(int samples = 6) {
  ReportInput input;
  input.title = "R1-Zero <fixture>";
  input.runs.push_back({"r1-zero", load_run(testing::kFixtureRun)});
  input.samples = samples;
  return render_report(input);
}

TEST(Report, HasEveryCurveOfTheRun) {
  const auto charts = charts_of(fixture_report());
  const std::map<std::string, std::vector<std::string>> expected = {
      {"Accuracy", {"batch", "held-out"}},
      {"Response length", {"batch mean", "batch max", "held-out mean"}},
      {"Reward", {"mean", "std"}},
      {"KL to the reference", {"KL"}},
      {"Entropy", {"entropy"}},
      {"Reflection rate", {"batch"}},  // the fixture has no held-out reflection rate
      {"Clip fraction", {"clipped"}},
      {"Language mixing", {"batch"}},
  };
  EXPECT_EQ(charts, expected);
}

// Accuracy chart: x ticks 0…14 (steps 1…13), y 0…1, plot area 60 + 484 wide,
// 52 + 204 high. The final evaluation (0.7 after step 12) is drawn at step 13:
// (60 + 13/14 × 484, 52 + 204 − 0.7 × 204) = (509.43, 113.20).
TEST(Report, FinalEvaluationIsTheLastHeldOutPoint) {
  const std::string html = fixture_report();
  const size_t chart = html.find("aria-label=\"Accuracy\"");
  const size_t series = html.find("data-name=\"held-out\"", chart);
  ASSERT_NE(series, std::string::npos);
  const std::string group = html.substr(series, html.find("</g>", series) - series);
  EXPECT_NE(group.find(" L509.43,113.20\""), std::string::npos) << group;
  EXPECT_EQ(count(group, "<circle"), 4u);  // steps 1, 5, 9 and the final evaluation
}

TEST(Report, SummarisesStartAndEnd) {
  const std::string html = fixture_report();
  EXPECT_NE(html.find("<h1>R1-Zero &lt;fixture&gt;</h1>"), std::string::npos);
  EXPECT_NE(html.find("<h2>r1-zero</h2>"), std::string::npos);
  EXPECT_NE(html.find("steps 1…12 (12 logged), 18.0 s of generation"), std::string::npos);
  EXPECT_NE(html.find("<td>held-out accuracy</td><td class=\"num\">0.200</td><td "
                      "class=\"num\">0.700</td><td>4 evaluation(s)</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>held-out response length</td><td class=\"num\">18.5</td><td "
                      "class=\"num\">48.0</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>batch accuracy</td><td class=\"num\">0.100</td><td "
                      "class=\"num\">0.800</td><td>mean of 1 step(s)</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>num_generations</td><td class=\"num\">8</td>"), std::string::npos);
}

TEST(Report, SamplesAreEscapedAndKeepChinese) {
  const std::string html = fixture_report(12);
  EXPECT_NE(html.find("Sample rollouts (12 of 24 logged)"), std::string::npos);
  EXPECT_EQ(html.find("3 < 5"), std::string::npos);
  EXPECT_NE(html.find("Wait, let me verify: 3 &lt; 5 &amp; 2 &gt; 1. &lt;/think&gt;"),
            std::string::npos);
  EXPECT_NE(html.find("<pre class=\"prompt\">计算 42 - 17 等于多少？</pre>"), std::string::npos);
  EXPECT_NE(html.find("等等，让我验证一下。"), std::string::npos);
  EXPECT_NE(html.find("math: answer ≠ &quot;x&quot;; format: ok"), std::string::npos);
}

TEST(Report, NeedsNoNetwork) {
  const std::string html = fixture_report();
  EXPECT_EQ(count(html, "http"), count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
  for (const char* external : {"<link", "<script", "src=", "url(", "@import", "<img"})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
}

TEST(Report, TablesComeFirstAndRunsEachGetASection) {
  ReportInput input;
  input.title = "pipeline";
  input.tables.push_back({"Stages", {"stage", "pass@1"}, {{"R1-Zero", "0.41"}, {"R1", "0.55"}}});
  input.runs.push_back({"R1-Zero", load_run(testing::kFixtureRun)});
  input.runs.push_back({"reasoning RL", load_run(testing::kFixtureRun)});
  const std::string html = render_report(input);
  const size_t table = html.find("<caption>Stages</caption>");
  ASSERT_NE(table, std::string::npos);
  EXPECT_LT(table, html.find("<h2>R1-Zero</h2>"));
  EXPECT_LT(html.find("<h2>R1-Zero</h2>"), html.find("<h2>reasoning RL</h2>"));
  EXPECT_EQ(count(html, "aria-label=\"Accuracy\""), 2u);
}

TEST(Report, ChartsWithoutDataAreListed) {
  TempDir dir;
  dir.write("metrics.jsonl",
            "{\"step\": 1, \"accuracy\": 0.5}\n{\"step\": 2, \"accuracy\": 0.6}\n");
  ReportInput input;
  input.title = "t";
  input.runs.push_back({"run", load_run(dir.path())});
  const std::string html = render_report(input);
  EXPECT_EQ(charts_of(html).size(), 1u);
  EXPECT_NE(html.find("<p>Not logged by this run: Response length, Reward, KL to the reference, "
                      "Entropy, Reflection rate, Clip fraction, Language mixing.</p>"),
            std::string::npos);
  EXPECT_EQ(html.find("Sample rollouts"), std::string::npos);
}

std::vector<Sample> samples_of_steps(int steps, int per_step) {
  std::vector<Sample> samples;
  for (int s = 1; s <= steps; ++s)
    for (int i = 0; i < per_step; ++i) samples.push_back({s, fmt::format("p{}", i), "c", "", 0});
  return samples;
}

std::vector<std::string> picked(const std::vector<Sample>& samples) {
  std::vector<std::string> out;
  for (const Sample& s : samples) out.push_back(std::to_string(s.step) + s.prompt);
  return out;
}

// Steps chosen at round(k × (steps − 1) / (n − 1)); each gets n / steps
// rollouts, the first n % steps one more.
TEST(SelectSamples, SpreadsEvenlyOverTheRun) {
  const auto ten = samples_of_steps(10, 2);
  using V = std::vector<std::string>;
  EXPECT_EQ(picked(select_samples(ten, 4)), (V{"1p0", "4p0", "7p0", "10p0"}));  // 0, 3, 6, 9
  EXPECT_EQ(picked(select_samples(ten, 1)), (V{"10p0"}));
  EXPECT_EQ(picked(select_samples(ten, 0)), V{});
  const auto two = samples_of_steps(2, 3);
  EXPECT_EQ(picked(select_samples(two, 3)), (V{"1p0", "1p1", "2p0"}));
  EXPECT_EQ(picked(select_samples(two, 10)), (V{"1p0", "1p1", "1p2", "2p0", "2p1", "2p2"}));
}

}  // namespace
}  // namespace r1::report
