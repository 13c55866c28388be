// A self-contained HTML page: inline CSS, inline SVG, UTF-8, nothing fetched
// over the network, so a report can be mailed or opened offline. Text given to
// the builder is escaped; only `raw` takes markup (our own SVG).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace r1::report {

struct Table {
  std::string caption;  // may be empty
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as wide as the header
};

class HtmlPage {
 public:
  explicit HtmlPage(std::string title);

  void heading(int level, std::string_view text);  // level 1…4
  void paragraph(std::string_view text);
  void table(const Table& table);
  // Text shown as is, line breaks and spaces kept (prompts, completions).
  void preformatted(std::string_view text, std::string_view css_class);
  // <div class="css_class"> … </div> around what is added in between.
  void open_block(std::string_view css_class);
  void close_block();
  // A collapsed section whose summary line is `summary`; close with close_details().
  void open_details(std::string_view summary);
  void close_details();
  void raw(std::string_view markup);

  // The whole document; every opened block must be closed.
  std::string str() const;

 private:
  std::string title_, body_;
  std::vector<std::string> open_;  // closing tags of the blocks still open
};

}  // namespace r1::report
