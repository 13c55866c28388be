// Reads the HumanEval problems (a gzip'ed JSONL file) for the code-reward
// tests and benchmark.
#pragma once

#include <zlib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/check.h"

namespace r1 {

inline std::string read_gzip_file(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  R1_CHECK(file != nullptr, "cannot open {}", path);
  std::string bytes;
  char buffer[65536];
  int n = 0;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0)
    bytes.append(buffer, static_cast<size_t>(n));
  int error = 0;
  const char* message = gzerror(file, &error);
  const std::string error_text = message ? message : "";
  gzclose(file);
  R1_CHECK(n == 0 && error == Z_OK, "reading {} failed: {}", path, error_text);
  return bytes;
}

// One JSON object per line; the error names the line.
inline std::vector<nlohmann::json> read_humaneval(const std::string& path) {
  const std::string text = read_gzip_file(path);
  std::vector<nlohmann::json> problems;
  size_t start = 0, line = 1;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) {
      try {
        problems.push_back(nlohmann::json::parse(text.substr(start, end - start)));
      } catch (const nlohmann::json::exception& e) {
        fail("{}:{}: expected a JSON object: {}", path, line, e.what());
      }
    }
    start = end + 1;
    ++line;
  }
  return problems;
}

}  // namespace r1
