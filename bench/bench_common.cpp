#include "bench_common.h"

#include <fmt/format.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/gemm.h"
#include "core/packed_gemm.h"
#include "core/threads.h"

namespace r1::bench {

namespace {

// Best GFLOP/s of out (n, n) = a · bᵀ at n = 1024 and 2048, by OpenBLAS or
// (packed) by packed_matmul on b packed beforehand.
double square_products_gflops(bool packed) {
  double best = 0;
  for (int n : {1024, 2048}) {
    std::vector<float> a(size_t(n) * n, 0.5f), b(size_t(n) * n, 0.25f), c(size_t(n) * n);
    PackedMatrix w;
    if (packed) w.pack(b.data(), n, n);
    const double s = median_seconds(
        [&] {
          if (packed)
            packed_matmul(c.data(), a.data(), w, n);
          else
            gemm(false, true, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
        },
        5);
    best = std::max(best, 2.0 * n * n * n / s / 1e9);
  }
  return best;
}

double openblas_ceiling() {
  return square_products_gflops(false);
}

}  // namespace

BenchArgs parse_bench_args(int argc, char** argv, const char* count_flag, int default_count,
                           int default_rounds) {
  BenchArgs args;
  args.count = default_count;
  args.rounds = std::max(1, default_rounds);
  bool ok = true, ceiling_only = false;
  for (int i = 1; i < argc && ok; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
      args.threads = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], count_flag) && i + 1 < argc)
      args.count = std::atoi(argv[++i]);
    else if (default_rounds > 0 && !std::strcmp(argv[i], "--rounds") && i + 1 < argc)
      args.rounds = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--no-torch"))
      args.torch = false;
    else if (!std::strcmp(argv[i], "--sgemm-ceiling"))
      ceiling_only = true;
    else
      ok = false;
  }
  if (!ok || args.threads < 1 || args.count < 1 || args.rounds < 1) {
    fmt::print(stderr, "usage: {} [--threads N] [{} N]{} [--no-torch]  (N >= 1)\n", argv[0],
               count_flag, default_rounds > 0 ? " [--rounds N]" : "");
    std::exit(2);
  }
  if (ceiling_only) {
    set_threads(args.threads);
    fmt::print("{:.3f}\n", openblas_ceiling());
    std::exit(0);
  }
  return args;
}

double median_seconds(const std::function<void()>& fn, int runs, int warmup) {
  for (int i = 0; i < warmup; ++i) fn();
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return median(std::move(times));
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double SgemmCeilings::best() const {
  return std::max({openblas, openblas_auto, packed});
}

std::string SgemmCeilings::describe() const {
  std::string text = fmt::format("{:.1f} (openblas {:.1f}", best(), openblas);
  if (openblas_auto > 0) text += fmt::format(", openblas auto {:.1f}", openblas_auto);
  return text + fmt::format(", packed {:.1f})", packed);
}

SgemmCeilings sgemm_ceilings(int threads) {
  SgemmCeilings c;
  c.openblas = openblas_ceiling();
  c.packed = square_products_gflops(true);
  if (std::getenv("OPENBLAS_CORETYPE")) {
    const std::string cmd = fmt::format(
        "env -u OPENBLAS_CORETYPE /proc/{}/exe --sgemm-ceiling --threads {}", ::getpid(), threads);
    if (std::FILE* pipe = ::popen(cmd.c_str(), "r")) {
      char buf[64] = {};
      if (std::fgets(buf, sizeof buf, pipe)) c.openblas_auto = std::atof(buf);
      ::pclose(pipe);
    }
  }
  return c;
}

std::optional<nlohmann::json> run_torch_baseline(const std::string& script,
                                                 const std::string& args) {
  const std::string cmd =
      fmt::format("cd '{}' && /usr/bin/python3 tools/{} {}", R1_SOURCE_DIR, script, args);
  std::FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string out, last;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe)) out += buf;
  const int status = ::pclose(pipe);
  size_t end = out.find_last_not_of("\n");
  if (status != 0 || end == std::string::npos) {
    fmt::print(stderr,
               "baseline {} failed (is python3-torch installed? scripts/setup.sh --tools)\n",
               script);
    return std::nullopt;
  }
  const size_t begin = out.rfind('\n', end);
  last = out.substr(begin == std::string::npos ? 0 : begin + 1, end + 1);
  auto j = nlohmann::json::parse(last, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

}  // namespace r1::bench
