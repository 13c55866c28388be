#include "core/threads.h"

#include <cblas.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

namespace r1 {

namespace {

// libgomp spins this many times (a `pause` each, about 10 ns here) before it
// sleeps on a futex: long enough to bridge the short serial gaps between
// parallel regions on an idle machine, short enough that a waiting
// thread yields its core soon when the thread it waits for is not running.
constexpr const char* kSpinCount = "1000";
// Marks the environment of the re-executed program.
constexpr const char* kMarker = "R1_SET_GOMP_SPINCOUNT";

using Clock = std::chrono::steady_clock;

// Totals over our threads from /proc/self/task/*/schedstat, in ns.
struct SchedStat {
  int64_t on_cpu = 0;   // running
  int64_t waiting = 0;  // runnable but not running
};

// contended_threads' state (the thread that calls set_threads owns it).
struct Contention {
  int requested = 0;  // set_threads' count
  int active = 0;     // the count in use
  Clock::time_point window_start{}, single_until{};
  SchedStat window_stat;  // our threads' totals at window_start
  std::chrono::milliseconds backoff{1000};
};
Contention contention;
int fallbacks = 0;

// A window of this much wall time is judged contended when our threads waited
// for a core, summed, more than kMaxDelayShare of it, and were runnable
// (running or waiting for a core) less than kMinRunnableShare of it each:
// then they mostly sleep at barriers, each waiting for another that is not
// running, which is how fine-grained fork-join work (small models, one
// sequence) fails on a busy machine. Coarse work (training GEMMs, a decode step
// of 64 rows) keeps its threads runnable and still gains from them. Our
// threads wait with nothing else running too (most likely for a sleeping
// one's wake-up): decoding's waited 10–36% of a window on an idle 2-core VM,
// while fine-grained regions (the unit test's) waited 45–88% beside one busy
// process and over 90% beside three.
constexpr auto kWindow = std::chrono::milliseconds(50);
constexpr double kMaxDelayShare = 0.5;
constexpr double kMinRunnableShare = 0.75;
constexpr auto kMaxBackoff = std::chrono::milliseconds(8000);

// Our threads' totals; nullopt when the kernel does not report them.
std::optional<SchedStat> sched_stat() {
  std::error_code ec;
  SchedStat total;
  bool any = false;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream in(task.path() / "schedstat");
    long long on_cpu = 0, waiting = 0;
    if (in >> on_cpu >> waiting) {
      total.on_cpu += on_cpu;
      total.waiting += waiting;
      any = true;
    }
  }
  if (!any) return std::nullopt;
  return total;
}

}  // namespace

void init_thread_policy(char** argv) {
  if (std::getenv(kMarker)) {
    unsetenv(kMarker);
    unsetenv("GOMP_SPINCOUNT");
    return;
  }
  if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT")) return;
  if (setenv("GOMP_SPINCOUNT", kSpinCount, 1) != 0 || setenv(kMarker, "1", 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Still here: the re-execution failed; keep libgomp's default policy.
  unsetenv(kMarker);
  unsetenv("GOMP_SPINCOUNT");
}

void set_threads(int n) {
  if (n <= 0) n = omp_get_num_procs();
  contention = Contention{};
  contention.requested = contention.active = n;
  omp_set_num_threads(n);
  openblas_set_num_threads(n);
}

int contended_threads() {
  Contention& c = contention;
  if (c.requested <= 1 || omp_get_level() > 0) return std::max(1, c.active);
  const Clock::time_point now = Clock::now();
  if (c.active < c.requested) {
    if (now < c.single_until) return 1;
    // Try the full count again, judged over the next window.
    c.active = c.requested;
    c.window_start = now;
    c.window_stat = sched_stat().value_or(SchedStat{});
    return c.active;
  }
  if (now - c.window_start < kWindow) return c.active;
  const std::optional<SchedStat> stat = sched_stat();
  if (!stat) {  // no schedstat: keep the requested count
    c.requested = 0;
    return c.active;
  }
  const double wall = std::chrono::duration<double, std::nano>(now - c.window_start).count();
  const bool contended = c.window_start != Clock::time_point{} &&
                         double(stat->waiting - c.window_stat.waiting) > kMaxDelayShare * wall &&
                         double(stat->on_cpu + stat->waiting - c.window_stat.on_cpu -
                                c.window_stat.waiting) < kMinRunnableShare * c.requested * wall;
  c.window_start = now;
  c.window_stat = *stat;
  if (!contended) {
    c.backoff = std::chrono::milliseconds(1000);
    return c.active;
  }
  c.active = 1;
  ++fallbacks;
  c.single_until = now + c.backoff;
  c.backoff = std::min(2 * c.backoff, kMaxBackoff);
  return 1;
}

ScopedThreads::ScopedThreads(int n) : previous_(omp_get_max_threads()) {
  omp_set_num_threads(n);
  openblas_set_num_threads(n);
}

ScopedThreads::~ScopedThreads() {
  omp_set_num_threads(previous_);
  openblas_set_num_threads(previous_);
}

int contention_fallbacks() {
  return fallbacks;
}

int num_threads() {
  return omp_get_max_threads();
}

}  // namespace r1
