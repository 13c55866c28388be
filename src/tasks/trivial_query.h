// The table of trivial non-reasoning queries ("hello", "你好") and their
// reference replies, shared by the "trivial" task generator and the built-in
// preference data of the reward models (preference_data.h). The table itself
// lives in trivial_query.cpp.
#pragma once

#include <string_view>
#include <vector>

namespace r1 {

struct TrivialQuery {
  const char* text;
  const char* reply;
};

// The queries of a language: "zh" for Chinese, anything else for English. The
// two tables are parallel: entry i of one is entry i of the other, translated.
const std::vector<TrivialQuery>& trivial_queries(std::string_view lang);

}  // namespace r1
