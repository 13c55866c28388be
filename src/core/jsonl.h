// JSON Lines input: one JSON object per line. A line that is not valid JSON is
// an error naming the file and line, unless the caller asked to skip (then it
// is counted).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace r1 {

struct JsonlStats {
  int64_t lines = 0;    // objects passed to the callback
  int64_t skipped = 0;  // malformed lines skipped (only with skip_malformed)
};

// Calls fn(object, line_number) for every non-blank line of `path` ("-" reads
// stdin). Errors thrown by fn that do not already name a location are
// prefixed with "path:line: ".
JsonlStats for_each_jsonl(const std::string& path,
                          const std::function<void(const nlohmann::json&, int64_t)>& fn,
                          bool skip_malformed = false);

}  // namespace r1
