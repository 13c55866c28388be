// Text into markup: the one escaping function of the HTML and SVG writers.
#pragma once

#include <string>
#include <string_view>

namespace r1::report {

// Escapes & < > " ' so that any text is safe in XML/HTML text and in quoted
// attribute values. Bytes are otherwise copied, so UTF-8 passes through.
std::string escape_markup(std::string_view text);

}  // namespace r1::report
