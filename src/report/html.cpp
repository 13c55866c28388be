#include "report/html.h"

#include <fmt/format.h>

#include "core/check.h"
#include "report/escape.h"

namespace r1::report {
namespace {

// System fonts only (nothing is downloaded); the CJK families render Chinese
// prompts where installed (Debian fonts-noto-cjk).
constexpr std::string_view kStyle = R"css(
body { font-family: "DejaVu Sans", "Noto Sans CJK SC", sans-serif; margin: 24px auto;
       max-width: 1240px; padding: 0 16px; color: #222; background: #ffffff; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 20px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 16px; margin-top: 24px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }
caption { text-align: left; font-weight: bold; padding-bottom: 4px; }
th, td { border: 1px solid #ccc; padding: 3px 10px; text-align: left; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 12px; }
.charts svg { width: 100%; height: auto; border: 1px solid #e3e3e3; }
.sample { border: 1px solid #ddd; border-radius: 4px; margin: 10px 0; padding: 6px 10px; }
.sample .meta { font-size: 13px; color: #555; margin-bottom: 4px; }
.sample .good { color: #1a7f37; font-weight: bold; }
.sample .bad { color: #b42318; font-weight: bold; }
pre { white-space: pre-wrap; word-break: break-word; margin: 4px 0; padding: 6px 8px;
      font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; font-size: 13px; }
pre.prompt { background: #f5f7fa; }
pre.completion { background: #fbfaf3; }
.note { color: #666; font-size: 13px; }
)css";

bool is_number(std::string_view cell) {
  if (cell.empty()) return false;
  size_t digits = 0;
  for (const char c : cell) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != '%') {
      return false;
    }
  }
  return digits > 0;
}

}  // namespace

HtmlPage::HtmlPage(std::string title) : title_(std::move(title)) {}

void HtmlPage::heading(int level, std::string_view text) {
  R1_CHECK(level >= 1 && level <= 4, "HtmlPage::heading: level {} is not in 1…4", level);
  body_ += fmt::format("<h{0}>{1}</h{0}>\n", level, escape_markup(text));
}

void HtmlPage::paragraph(std::string_view text) {
  body_ += fmt::format("<p>{}</p>\n", escape_markup(text));
}

void HtmlPage::table(const Table& table) {
  body_ += "<table>\n";
  if (!table.caption.empty())
    body_ += fmt::format("<caption>{}</caption>\n", escape_markup(table.caption));
  body_ += "<tr>";
  for (const std::string& h : table.header) body_ += fmt::format("<th>{}</th>", escape_markup(h));
  body_ += "</tr>\n";
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    R1_CHECK(row.size() == table.header.size(),
             "table '{}': row {} has {} cells but the header has {}", table.caption, r + 1,
             row.size(), table.header.size());
    body_ += "<tr>";
    for (const std::string& cell : row)
      body_ += fmt::format("<td{}>{}</td>", is_number(cell) ? " class=\"num\"" : "",
                           escape_markup(cell));
    body_ += "</tr>\n";
  }
  body_ += "</table>\n";
}

void HtmlPage::preformatted(std::string_view text, std::string_view css_class) {
  body_ +=
      fmt::format("<pre class=\"{}\">{}</pre>\n", escape_markup(css_class), escape_markup(text));
}

void HtmlPage::open_block(std::string_view css_class) {
  body_ += fmt::format("<div class=\"{}\">\n", escape_markup(css_class));
  open_.push_back("</div>\n");
}

void HtmlPage::close_block() {
  R1_CHECK(!open_.empty() && open_.back() == "</div>\n", "HtmlPage: no block is open");
  body_ += open_.back();
  open_.pop_back();
}

void HtmlPage::open_details(std::string_view summary) {
  body_ += fmt::format("<details>\n<summary>{}</summary>\n", escape_markup(summary));
  open_.push_back("</details>\n");
}

void HtmlPage::close_details() {
  R1_CHECK(!open_.empty() && open_.back() == "</details>\n", "HtmlPage: no details is open");
  body_ += open_.back();
  open_.pop_back();
}

void HtmlPage::raw(std::string_view markup) {
  body_ += markup;
}

std::string HtmlPage::str() const {
  R1_CHECK(open_.empty(), "HtmlPage: {} block(s) still open", open_.size());
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{0}</title>\n<style>{1}</style>\n</head>\n<body>\n<h1>{0}</h1>\n{2}</body>\n"
      "</html>\n",
      escape_markup(title_), kStyle, body_);
}

}  // namespace r1::report
