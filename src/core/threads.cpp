#include "core/threads.h"

#include <cblas.h>
#include <omp.h>
#include <unistd.h>

#include <cstdlib>

namespace r1 {

namespace {

// libgomp spins this many times (a `pause` each, about 10 ns here) before it
// sleeps on a futex: long enough to bridge the gap between the parallel
// regions of a decode step on an idle machine, short enough that a waiting
// thread yields its core soon when the thread it waits for is not running.
constexpr const char* kSpinCount = "1000";
// Marks the environment of the re-executed program.
constexpr const char* kMarker = "R1_SET_GOMP_SPINCOUNT";

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
  omp_set_num_threads(n);
  openblas_set_num_threads(n);
}

int num_threads() {
  return omp_get_max_threads();
}

}  // namespace r1
