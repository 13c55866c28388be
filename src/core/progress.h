// A progress line on stderr for long loops: "what 12/100 12% … ETA 1m05s".
// On a terminal it redraws one line; otherwise (CI, logs) it prints a line at
// most every `interval` seconds so logs stay short.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace r1 {

class Progress {
 public:
  Progress(std::string what, int64_t total, int64_t start = 0, double interval_s = 10.0);
  // Reports that `done` of `total` units are complete, with a status text.
  void update(int64_t done, const std::string& status);
  void finish(const std::string& status);

 private:
  std::string what_;
  int64_t total_, start_;
  double interval_s_;
  bool tty_;
  std::chrono::steady_clock::time_point begin_, last_print_;
};

std::string format_duration(double seconds);

}  // namespace r1
