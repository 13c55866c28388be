#include <gtest/gtest.h>

#include "core/check.h"
#include "report/escape.h"
#include "report/html.h"

namespace r1::report {
namespace {

TEST(EscapeMarkup, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(escape_markup("<a href='x'>\"1 & 2\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&quot;1 &amp; 2&quot;&lt;/a&gt;");
  EXPECT_EQ(escape_markup("&amp;"), "&amp;amp;");  // already-escaped text stays literal
  EXPECT_EQ(escape_markup("等等，让我验证一下 ≠ é"), "等等，让我验证一下 ≠ é");
  EXPECT_EQ(escape_markup(""), "");
}

TEST(EscapeMarkup, ControlCharactersBecomeVisible) {
  const std::string controls = {'a', '\x10', 'b', '\x02', '\x7f', '\0'};
  EXPECT_EQ(escape_markup(controls), "a␐b␂␡␀");
  EXPECT_EQ(escape_markup("tab\tline\r\n"), "tab\tline\r\n");
}

TEST(HtmlPage, IsOneSelfContainedUtf8Document) {
  HtmlPage page("报告 <1>");
  page.heading(2, "R1 & R1-Zero");
  page.paragraph("计算 75 - 57 等于多少？");
  page.preformatted("<think> a < b </think>\n  indented", "completion");
  const std::string html = page.str();
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0u);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("<title>报告 &lt;1&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("<h2>R1 &amp; R1-Zero</h2>"), std::string::npos);
  EXPECT_NE(html.find("<p>计算 75 - 57 等于多少？</p>"), std::string::npos);
  EXPECT_NE(html.find("<pre class=\"completion\">&lt;think&gt; a &lt; b &lt;/think&gt;\n  indented"
                      "</pre>"),
            std::string::npos);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  for (const char* external : {"<link", "<script", "src=", "url(", "@import", "http"})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
}

TEST(HtmlPage, TableCellsAreEscapedAndNumbersAligned) {
  HtmlPage page("t");
  page.table({"Stages", {"stage", "pass@1"}, {{"R1-Zero <RL>", "0.62"}, {"cold start", "n/a"}}});
  const std::string html = page.str();
  EXPECT_NE(html.find("<caption>Stages</caption>"), std::string::npos);
  EXPECT_NE(html.find("<th>pass@1</th>"), std::string::npos);
  EXPECT_NE(html.find("<td>R1-Zero &lt;RL&gt;</td><td class=\"num\">0.62</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>n/a</td>"), std::string::npos);
}

TEST(HtmlPage, RaggedTableIsAnError) {
  HtmlPage page("t");
  try {
    page.table({"Stages", {"stage", "pass@1"}, {{"a", "1"}, {"b"}}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "table 'Stages': row 2 has 1 cells but the header has 2");
  }
}

TEST(HtmlPage, BlocksMustBeClosed) {
  HtmlPage page("t");
  page.open_block("charts");
  EXPECT_THROW(page.str(), Error);
  EXPECT_THROW(page.close_details(), Error);
  page.close_block();
  EXPECT_NE(page.str().find("<div class=\"charts\">\n</div>\n"), std::string::npos);
  EXPECT_THROW(page.close_block(), Error);
}

}  // namespace
}  // namespace r1::report
