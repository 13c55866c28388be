// Text into markup: the one escaping function of the HTML and SVG writers.
#pragma once

#include <string>
#include <string_view>

namespace r1::report {

// Escapes & < > " ' so that any text is safe in XML/HTML text and in quoted
// attribute values. Control characters other than tab and line breaks, which
// XML forbids and HTML does not show (a small model emits them), become their
// visible Unicode "control pictures" (U+0010 → ␐). Other bytes are copied, so
// UTF-8 passes through.
std::string escape_markup(std::string_view text);

}  // namespace r1::report
