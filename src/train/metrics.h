// metrics.jsonl: one JSON object per step, appended and flushed as the run
// goes. Opening it for a run that resumes at step s first drops any lines of
// steps after s (written after the checkpoint the run resumes from), so the
// file of a resumed run equals that of an uninterrupted one.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace r1 {

class MetricsLog {
 public:
  MetricsLog(const std::string& path, int64_t resume_step);
  ~MetricsLog();
  MetricsLog(const MetricsLog&) = delete;
  MetricsLog& operator=(const MetricsLog&) = delete;
  void append(const nlohmann::json& line);

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace r1
