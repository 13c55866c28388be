#include "train/metrics.h"

#include <cerrno>
#include <cstring>
#include <sstream>

#include "core/check.h"
#include "core/file_io.h"

namespace r1 {

MetricsLog::MetricsLog(const std::string& path, int64_t resume_step) : path_(path) {
  std::string kept;
  if (path_exists(path)) {
    std::istringstream in(read_file(path));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      // A torn last line (killed mid-write) is dropped like a later step.
      if (j.is_discarded() || !j.contains("step")) continue;
      if (j["step"].get<int64_t>() <= resume_step) kept += line + "\n";
    }
  }
  write_file_atomic(path, kept);
  file_ = std::fopen(path.c_str(), "a");
  R1_CHECK(file_ != nullptr, "{}: cannot open for appending: {}", path, std::strerror(errno));
}

MetricsLog::~MetricsLog() {
  if (file_) std::fclose(file_);
}

void MetricsLog::append(const nlohmann::json& line) {
  const std::string s = line.dump() + "\n";
  R1_CHECK(std::fwrite(s.data(), 1, s.size(), file_) == s.size(), "{}: write failed", path_);
  std::fflush(file_);
}

}  // namespace r1
