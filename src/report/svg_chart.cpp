#include "report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/check.h"
#include "report/escape.h"

namespace r1::report {
namespace {

constexpr double kMarginLeft = 60, kMarginRight = 16, kMarginBottom = 44;
constexpr double kTitleHeight = 26, kLegendRowHeight = 18, kLegendGap = 8;
constexpr double kLegendSwatch = 18;  // line sample before a series name
// Series with at most this many points get a dot on every point, so that a
// sparse series (held-out evaluations) reads as measurements, not a trend.
constexpr size_t kMaxDottedPoints = 40;

// Rough rendered width of a label at 12 px: CJK characters are about twice as
// wide as Latin ones. Only used to wrap the legend.
double text_width(const std::string& text) {
  double width = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
    width += byte < 0x80 ? 7 : 12;
  }
  return width;
}

// The legend's items as (row, x offset) pairs, wrapped to the chart width.
std::vector<std::pair<int, double>> legend_layout(const Chart& chart) {
  std::vector<std::pair<int, double>> at;
  const double right = chart.width - kMarginRight;
  int row = 0;
  double x = kMarginLeft;
  for (const Series& s : chart.series) {
    const double item = kLegendSwatch + 6 + text_width(s.name) + 16;
    if (x + item > right && x > kMarginLeft) {
      ++row;
      x = kMarginLeft;
    }
    at.emplace_back(row, x);
    x += item;
  }
  return at;
}

int legend_rows(const Chart& chart) {
  const auto at = legend_layout(chart);
  return at.empty() ? 0 : at.back().first + 1;
}

std::string num(double v) {
  return fmt::format("{:.2f}", v);
}

}  // namespace

Ticks nice_ticks(double lo, double hi, int target) {
  R1_CHECK(std::isfinite(lo) && std::isfinite(hi) && lo <= hi,
           "nice_ticks: expected a finite range lo <= hi, got [{}, {}]", lo, hi);
  R1_CHECK(target >= 2, "nice_ticks: expected at least 2 ticks, got {}", target);
  if (hi == lo) {
    const double pad = lo == 0 ? 1.0 : std::abs(lo) * 0.1;
    lo = lo == 0 ? 0.0 : lo - pad;
    hi = hi + pad;
  }
  const double raw = (hi - lo) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  // The smallest of 1, 2, 5, 10 that is ≥ fraction (with slack for rounding,
  // so that 0.2 / 0.1 = 2.0000000000000004 still picks 2).
  double nice = 10;
  for (const double candidate : {1.0, 2.0, 5.0}) {
    if (fraction <= candidate * (1 + 1e-9)) {
      nice = candidate;
      break;
    }
  }
  Ticks t;
  t.step = nice * magnitude;
  const auto first = static_cast<int64_t>(std::floor(lo / t.step + 1e-9));
  const auto last = static_cast<int64_t>(std::ceil(hi / t.step - 1e-9));
  for (int64_t k = first; k <= last; ++k) t.values.push_back(double(k) * t.step);
  t.lo = t.values.front();
  t.hi = t.values.back();
  t.decimals = std::max(0, -static_cast<int>(std::floor(std::log10(t.step) + 1e-9)));
  return t;
}

std::string format_tick(double value, int decimals) {
  std::string s = fmt::format("{:.{}f}", value, decimals);
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

PlotArea plot_area(const Chart& chart) {
  const int rows = legend_rows(chart);
  PlotArea a;
  a.left = kMarginLeft;
  a.top = kTitleHeight + rows * kLegendRowHeight + kLegendGap;
  a.width = chart.width - kMarginLeft - kMarginRight;
  a.height = chart.height - a.top - kMarginBottom;
  R1_CHECK(a.width > 0 && a.height > 0, "chart '{}': {}×{} px is too small to plot in", chart.title,
           chart.width, chart.height);
  return a;
}

double ChartScale::px(double x_value) const {
  return area.left + (x_value - x.lo) / (x.hi - x.lo) * area.width;
}

double ChartScale::py(double y_value) const {
  return area.top + area.height - (y_value - y.lo) / (y.hi - y.lo) * area.height;
}

ChartScale chart_scale(const Chart& chart) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  double x_lo = inf, x_hi = -inf, y_lo = inf, y_hi = -inf;
  for (const Series& s : chart.series) {
    for (const Point& p : s.points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
      x_lo = std::min(x_lo, p.x);
      x_hi = std::max(x_hi, p.x);
      y_lo = std::min(y_lo, p.y);
      y_hi = std::max(y_hi, p.y);
    }
  }
  if (x_lo > x_hi) x_lo = x_hi = 0;  // no finite point at all
  if (y_lo > y_hi) {
    y_lo = chart.y_min.value_or(0);
    y_hi = chart.y_max.value_or(1);
  }
  if (chart.y_min) y_lo = std::min(y_lo, *chart.y_min);
  if (chart.y_max) y_hi = std::max(y_hi, *chart.y_max);
  ChartScale scale;
  scale.area = plot_area(chart);
  scale.x = nice_ticks(x_lo, x_hi, 6);
  scale.y = nice_ticks(y_lo, y_hi, 5);
  return scale;
}

std::string render_svg(const Chart& chart) {
  const ChartScale scale = chart_scale(chart);
  const PlotArea& a = scale.area;
  const double bottom = a.top + a.height, right = a.left + a.width;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {0} {1}\" "
      "width=\"{0}\" height=\"{1}\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\" "
      "aria-label=\"{2}\">\n",
      chart.width, chart.height, escape_markup(chart.title));
  svg += fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", chart.width,
                     chart.height);
  svg += fmt::format(
      "<text class=\"chart-title\" x=\"{}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" "
      "font-weight=\"bold\">{}</text>\n",
      num(chart.width / 2.0), escape_markup(chart.title));

  // Legend: a line sample in the series' colour, then its name.
  const auto legend = legend_layout(chart);
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const Series& s = chart.series[i];
    const double y = kTitleHeight + legend[i].first * kLegendRowHeight + 9;
    const double x = legend[i].second;
    svg += fmt::format(
        "<g class=\"legend-item\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" "
        "stroke-width=\"3\"{}/><text x=\"{}\" y=\"{}\">{}</text></g>\n",
        num(x), num(y), num(x + kLegendSwatch), num(y), escape_markup(s.color),
        s.dashed ? " stroke-dasharray=\"5 3\"" : "", num(x + kLegendSwatch + 6), num(y + 4),
        escape_markup(s.name));
  }

  // Grid and tick labels.
  for (const double v : scale.y.values) {
    const double y = scale.py(v);
    svg += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e6e6e6\"/>"
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#444\">{}</text>\n",
        num(a.left), num(y), num(right), num(y), num(a.left - 6), num(y + 4),
        format_tick(v, scale.y.decimals));
  }
  for (const double v : scale.x.values) {
    const double x = scale.px(v);
    svg += fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#444\"/>"
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#444\">{}</text>\n",
        num(x), num(bottom), num(x), num(bottom + 5), num(x), num(bottom + 18),
        format_tick(v, scale.x.decimals));
  }
  svg += fmt::format("<path class=\"axes\" d=\"M{},{} V{} H{}\" fill=\"none\" stroke=\"#444\"/>\n",
                     num(a.left), num(a.top), num(bottom), num(right));
  svg +=
      fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                  num(a.left + a.width / 2), num(chart.height - 8.0), escape_markup(chart.x_label));
  svg += fmt::format(
      "<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" transform=\"rotate(-90 {0} {1})\">{2}"
      "</text>\n",
      num(14), num(a.top + a.height / 2), escape_markup(chart.y_label));

  // Series: one path whose pen lifts at every missing point.
  bool any_point = false;
  for (const Series& s : chart.series) {
    std::string d;
    size_t finite = 0;
    bool pen_down = false;
    for (const Point& p : s.points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
        pen_down = false;
        continue;
      }
      d += fmt::format("{}{},{} ", pen_down ? "L" : "M", num(scale.px(p.x)), num(scale.py(p.y)));
      pen_down = true;
      ++finite;
    }
    any_point = any_point || finite > 0;
    svg += fmt::format("<g class=\"series\" data-name=\"{}\">", escape_markup(s.name));
    if (!d.empty()) {
      d.pop_back();
      svg += fmt::format(
          "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" "
          "stroke-linejoin=\"round\"{}/>",
          d, escape_markup(s.color), s.dashed ? " stroke-dasharray=\"5 3\"" : "");
    }
    // Dots where the line cannot show a point: on sparse series, and on
    // points whose neighbours are both missing.
    for (size_t i = 0; i < s.points.size(); ++i) {
      const Point& p = s.points[i];
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
      const auto missing = [&](size_t j) {
        return !std::isfinite(s.points[j].x) || !std::isfinite(s.points[j].y);
      };
      const bool isolated =
          (i == 0 || missing(i - 1)) && (i + 1 == s.points.size() || missing(i + 1));
      if (finite <= kMaxDottedPoints || isolated)
        svg += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"/>", num(scale.px(p.x)),
                           num(scale.py(p.y)), escape_markup(s.color));
    }
    svg += "</g>\n";
  }
  if (!any_point)
    svg +=
        fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#888\">no data</text>\n",
                    num(a.left + a.width / 2), num(a.top + a.height / 2));
  svg += "</svg>\n";
  return svg;
}

}  // namespace r1::report
