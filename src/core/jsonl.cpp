#include "core/jsonl.h"

#include <fstream>
#include <iostream>

#include "core/check.h"

namespace r1 {

JsonlStats for_each_jsonl(const std::string& path,
                          const std::function<void(const nlohmann::json&, int64_t)>& fn,
                          bool skip_malformed) {
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    R1_CHECK(file.is_open(), "{}: cannot open for reading", path);
  }
  std::istream& in = path == "-" ? std::cin : file;
  JsonlStats stats;
  std::string line;
  int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      if (skip_malformed) {
        ++stats.skipped;
        continue;
      }
      fail("{}:{}: expected a JSON object on this line", path, line_no);
    }
    try {
      fn(j, line_no);
    } catch (const Error& e) {
      const std::string where = fmt::format("{}:{}", path, line_no);
      if (std::string(e.what()).rfind(where, 0) == 0) throw;
      throw Error(where + ": " + e.what());
    }
    ++stats.lines;
  }
  return stats;
}

}  // namespace r1
