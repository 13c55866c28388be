#include <gtest/gtest.h>

#include <cmath>

#include "core/check.h"
#include "report/svg_chart.h"

namespace r1::report {
namespace {

void expect_ticks(const Ticks& t, double step, std::vector<double> values, int decimals) {
  EXPECT_DOUBLE_EQ(t.step, step);
  ASSERT_EQ(t.values.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_NEAR(t.values[i], values[i], 1e-12) << i;
  EXPECT_DOUBLE_EQ(t.lo, t.values.front());
  EXPECT_DOUBLE_EQ(t.hi, t.values.back());
  EXPECT_EQ(t.decimals, decimals);
}

// Steps by hand: raw = (hi − lo) / target, then the smallest of 1, 2, 5, 10
// × 10^k not below it; the range widens to multiples of the step.
TEST(NiceTicks, StepIsOneTwoOrFiveTimesAPowerOfTen) {
  expect_ticks(nice_ticks(0, 1, 5), 0.2, {0, 0.2, 0.4, 0.6, 0.8, 1}, 1);              // raw 0.2
  expect_ticks(nice_ticks(0, 97, 5), 20, {0, 20, 40, 60, 80, 100}, 0);                // raw 19.4
  expect_ticks(nice_ticks(1, 6, 6), 1, {1, 2, 3, 4, 5, 6}, 0);                        // raw 0.83
  expect_ticks(nice_ticks(1, 13, 6), 2, {0, 2, 4, 6, 8, 10, 12, 14}, 0);              // raw 2
  expect_ticks(nice_ticks(-0.013, 0.042, 5), 0.02, {-0.02, 0, 0.02, 0.04, 0.06}, 2);  // raw 0.011
  expect_ticks(nice_ticks(4.401, 4.407, 5), 0.002, {4.4, 4.402, 4.404, 4.406, 4.408}, 3);
}

TEST(NiceTicks, EmptyRangeIsWidenedAroundTheValue) {
  expect_ticks(nice_ticks(0, 0, 5), 0.2, {0, 0.2, 0.4, 0.6, 0.8, 1}, 1);
  // 3 ± 0.3 → raw 0.12 → step 0.2 → 2.6 … 3.4.
  expect_ticks(nice_ticks(3, 3, 5), 0.2, {2.6, 2.8, 3.0, 3.2, 3.4}, 1);
}

TEST(NiceTicks, RejectsBadRanges) {
  EXPECT_THROW(nice_ticks(1, 0, 5), Error);
  EXPECT_THROW(nice_ticks(0, NAN, 5), Error);
  EXPECT_THROW(nice_ticks(0, 1, 1), Error);
}

TEST(FormatTick, FixedDecimalsAndNoNegativeZero) {
  EXPECT_EQ(format_tick(0.4, 1), "0.4");
  EXPECT_EQ(format_tick(100, 0), "100");
  EXPECT_EQ(format_tick(-1e-17, 2), "0.00");
  EXPECT_EQ(format_tick(-0.02, 2), "-0.02");
}

Chart diagonal_chart() {
  return {.title = "t",
          .x_label = "step",
          .y_label = "y",
          .series = {{"a", "#1f77b4", {{0, 0}, {5, 0.5}, {10, 1}}}},
          .y_min = 0,
          .y_max = 1};
}

// 560 × 300 chart, one legend row: the plot area starts at x = 60 (left
// margin) and y = 26 (title) + 18 (legend row) + 8 (gap) = 52; it is
// 560 − 60 − 16 = 484 wide and 300 − 52 − 44 = 204 high. x ticks 0…10 (step
// 2), y 0…1, so (5, 0.5) sits at (60 + 484/2, 52 + 204/2) = (302, 154).
TEST(SvgChart, PointPositionFollowsTheScale) {
  const Chart c = diagonal_chart();
  const ChartScale s = chart_scale(c);
  EXPECT_DOUBLE_EQ(s.area.left, 60);
  EXPECT_DOUBLE_EQ(s.area.top, 52);
  EXPECT_DOUBLE_EQ(s.area.width, 484);
  EXPECT_DOUBLE_EQ(s.area.height, 204);
  EXPECT_DOUBLE_EQ(s.px(5), 302);
  EXPECT_DOUBLE_EQ(s.py(0.5), 154);
  const std::string svg = render_svg(c);
  EXPECT_NE(svg.find("d=\"M60.00,256.00 L302.00,154.00 L544.00,52.00\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("<circle cx=\"302.00\" cy=\"154.00\""), std::string::npos);
}

TEST(SvgChart, TickLabelsSitOnTheirGridLines) {
  const std::string svg = render_svg(diagonal_chart());
  // y = 0.4 → row 52 + 204 × 0.6 = 174.4; its label is 4 px lower, 6 px left of the axis.
  EXPECT_NE(svg.find("y1=\"174.40\""), std::string::npos);
  EXPECT_NE(svg.find("<text x=\"54.00\" y=\"178.40\" text-anchor=\"end\" fill=\"#444\">0.4</text>"),
            std::string::npos);
  // x = 4 → column 60 + 484 × 0.4 = 253.6.
  EXPECT_NE(svg.find(">4</text>"), std::string::npos);
  EXPECT_NE(svg.find("x1=\"253.60\""), std::string::npos);
}

TEST(SvgChart, MissingPointsBreakTheLine) {
  Chart c = diagonal_chart();
  c.series[0].points = {{1, 0.1}, {2, NAN}, {3, 0.3}, {4, 0.4}, {5, NAN}, {6, 0.6}};
  const std::string svg = render_svg(c);
  const size_t path = svg.find("<g class=\"series\"");
  const std::string d = svg.substr(svg.find(" d=\"", path) + 4);
  const std::string path_data = d.substr(0, d.find('"'));
  // Three pieces: {1}, {3, 4}, {6}; the lone points also get dots.
  EXPECT_EQ(std::count(path_data.begin(), path_data.end(), 'M'), 3) << path_data;
  EXPECT_EQ(std::count(path_data.begin(), path_data.end(), 'L'), 1) << path_data;
}

TEST(SvgChart, SparseSeriesIsConnectedAcrossItsOwnSteps) {
  Chart c = diagonal_chart();
  c.series.push_back({"held-out", "#ff7f0e", {{1, 0.2}, {5, 0.4}, {9, 0.6}}});
  const std::string svg = render_svg(c);
  const size_t at = svg.find("data-name=\"held-out\"");
  ASSERT_NE(at, std::string::npos);
  const std::string group = svg.substr(at, svg.find("</g>", at) - at);
  EXPECT_NE(group.find("d=\"M"), std::string::npos);
  EXPECT_EQ(std::count(group.begin(), group.end(), 'L'), 2) << group;
}

TEST(SvgChart, TextIsEscaped) {
  Chart c = diagonal_chart();
  c.title = "a<b & \"c\"";
  c.series[0].name = "</text><script>";
  c.y_label = "准确率";
  const std::string svg = render_svg(c);
  EXPECT_EQ(svg.find("a<b"), std::string::npos);
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_NE(svg.find("a&lt;b &amp; &quot;c&quot;"), std::string::npos);
  EXPECT_NE(svg.find("&lt;/text&gt;&lt;script&gt;"), std::string::npos);
  EXPECT_NE(svg.find(">准确率</text>"), std::string::npos);
}

TEST(SvgChart, LongLegendsWrapAndShrinkThePlot) {
  Chart c = diagonal_chart();
  for (int i = 0; i < 6; ++i)
    c.series.push_back({"a rather long series name " + std::to_string(i), "#000", {{0, 0}}});
  // Items are 18 + 6 + 7 px per character + 16 wide: "a" 47 px, the long
  // names 229 px. From x = 60 to 544, row 1 holds "a" and two long names,
  // rows 2 and 3 two each, row 4 the last: top = 26 + 4 × 18 + 8.
  EXPECT_DOUBLE_EQ(plot_area(c).top, 106);
}

TEST(SvgChart, ChartWithoutDataSaysSo) {
  Chart c = diagonal_chart();
  c.series[0].points = {{1, NAN}};
  EXPECT_NE(render_svg(c).find(">no data</text>"), std::string::npos);
}

}  // namespace
}  // namespace r1::report
