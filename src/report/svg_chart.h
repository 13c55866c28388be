// Line charts as standalone SVG text: axes with "nice" ticks (steps of 1, 2 or
// 5 × 10^k), axis labels, a title, a legend and several series. A series is a
// list of (x, y) points; a non-finite y is a missing point and breaks the line,
// and a series sampled less often (held-out evaluation every few steps) simply
// has fewer points. All text is XML-escaped.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace r1::report {

struct Ticks {
  double lo = 0, hi = 1;  // the axis range: first and last tick
  double step = 1;
  std::vector<double> values;
  int decimals = 0;  // digits after the point that tell the ticks apart
};

// About `target` ticks (≥ 2) covering [lo, hi]: the step is 1, 2 or 5 × 10^k
// and the range is widened to multiples of it. An empty range (lo == hi) is
// widened around the value first.
Ticks nice_ticks(double lo, double hi, int target = 5);

// A tick label with `decimals` digits after the point ("-0" printed as "0").
std::string format_tick(double value, int decimals);

struct Point {
  double x = 0, y = 0;
};

struct Series {
  std::string name;
  std::string color;  // any SVG colour, e.g. "#1f77b4"
  std::vector<Point> points;
  bool dashed = false;
};

struct Chart {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  std::optional<double> y_min, y_max;  // the y axis spans at least these (e.g. 0..1 for rates)
  int width = 560, height = 300;
};

// Where the plot area sits inside the chart (pixels from the top-left corner).
struct PlotArea {
  double left = 0, top = 0, width = 0, height = 0;
};
PlotArea plot_area(const Chart& chart);

// The x and y axes a chart is drawn with, and the map from data to pixels.
struct ChartScale {
  PlotArea area;
  Ticks x, y;
  double px(double x) const;  // pixel column of data x
  double py(double y) const;  // pixel row of data y (rows grow downwards)
};
ChartScale chart_scale(const Chart& chart);

std::string render_svg(const Chart& chart);

}  // namespace r1::report
