// Shared pieces of the benchmarks: their command line, the machine's measured
// SGEMM ceiling, a median and a median-of-runs timer, and running a PyTorch
// baseline script from tools/.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace r1::bench {

struct BenchArgs {
  int threads = 2;
  int count = 0;   // timed runs
  int rounds = 1;  // measurements taken in turn with the baseline's
  bool torch = true;
};

// The options every benchmark takes: --threads N, the number of timed runs
// (`count_flag`, e.g. "--steps") and --no-torch; --rounds N too when
// `default_rounds` is not 0. Prints the usage and exits with status 2 on
// anything else or a number below 1. (--sgemm-ceiling, for sgemm_ceilings'
// child process, prints this process's OpenBLAS ceiling and exits.)
BenchArgs parse_bench_args(int argc, char** argv, const char* count_flag, int default_count,
                           int default_rounds = 0);

// Best GFLOP/s of large single-precision products (1024² and 2048²) at the
// current thread count: OpenBLAS as this process loaded it, OpenBLAS choosing
// its own kernel for this CPU (measured in a child process without
// OPENBLAS_CORETYPE; 0 when the environment pins no core type, which makes
// it the first), and r1's packed product. An environment may pin an AVX2 core
// type on an AVX-512 machine, halving OpenBLAS's speed: the machine's ceiling
// is the best of the three.
struct SgemmCeilings {
  double openblas = 0, openblas_auto = 0, packed = 0;
  double best() const;
  std::string describe() const;  // "best (openblas A, auto B, packed C)"
};
SgemmCeilings sgemm_ceilings(int threads);

// The median of a non-empty list (the upper middle one for an even count).
double median(std::vector<double> values);

// Median seconds of `runs` calls of fn after `warmup` calls.
double median_seconds(const std::function<void()>& fn, int runs, int warmup = 1);

// Runs `/usr/bin/python3 tools/SCRIPT args` from the source tree and parses the
// last line of its stdout as JSON; nullopt (with a note on stderr) when
// PyTorch is not installed or the script fails.
std::optional<nlohmann::json> run_torch_baseline(const std::string& script,
                                                 const std::string& args);

}  // namespace r1::bench
