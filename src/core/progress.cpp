#include "core/progress.h"

#include <unistd.h>

#include <fmt/format.h>
#include <cstdio>

namespace r1 {

std::string format_duration(double seconds) {
  if (seconds < 0 || seconds != seconds) return "?";
  const int64_t s = int64_t(seconds + 0.5);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

Progress::Progress(std::string what, int64_t total, int64_t start, double interval_s)
    : what_(std::move(what)),
      total_(total),
      start_(start),
      interval_s_(interval_s),
      tty_(::isatty(STDERR_FILENO) != 0),
      begin_(std::chrono::steady_clock::now()),
      last_print_(begin_ - std::chrono::hours(1)) {}

void Progress::update(int64_t done, const std::string& status) {
  const auto now = std::chrono::steady_clock::now();
  const double since_print = std::chrono::duration<double>(now - last_print_).count();
  if (done < total_ && since_print < (tty_ ? 0.2 : interval_s_)) return;
  last_print_ = now;
  const double elapsed = std::chrono::duration<double>(now - begin_).count();
  const double rate = done > start_ ? elapsed / double(done - start_) : -1;
  const double eta = rate < 0 ? -1 : rate * double(total_ - done);
  const std::string line =
      fmt::format("{} {}/{} {:3.0f}% | {} | elapsed {} ETA {}", what_, done, total_,
                  total_ > 0 ? 100.0 * double(done) / double(total_) : 100.0, status,
                  format_duration(elapsed), format_duration(eta));
  if (tty_)
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
  else
    std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

void Progress::finish(const std::string& status) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin_).count();
  std::fprintf(stderr, "%s%s done: %s (%s)\n", tty_ ? "\r\033[K" : "", what_.c_str(),
               status.c_str(), format_duration(elapsed).c_str());
  std::fflush(stderr);
}

}  // namespace r1
