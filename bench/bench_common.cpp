#include "bench_common.h"

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/gemm.h"

namespace r1::bench {

BenchArgs parse_bench_args(int argc, char** argv, const char* count_flag, int default_count,
                           int default_rounds) {
  BenchArgs args;
  args.count = default_count;
  args.rounds = std::max(1, default_rounds);
  bool ok = true;
  for (int i = 1; i < argc && ok; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
      args.threads = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], count_flag) && i + 1 < argc)
      args.count = std::atoi(argv[++i]);
    else if (default_rounds > 0 && !std::strcmp(argv[i], "--rounds") && i + 1 < argc)
      args.rounds = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--no-torch"))
      args.torch = false;
    else
      ok = false;
  }
  if (!ok || args.threads < 1 || args.count < 1 || args.rounds < 1) {
    fmt::print(stderr, "usage: {} [--threads N] [{} N]{} [--no-torch]  (N >= 1)\n", argv[0],
               count_flag, default_rounds > 0 ? " [--rounds N]" : "");
    std::exit(2);
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

double sgemm_ceiling_gflops() {
  double best = 0;
  for (int n : {1024, 2048}) {
    std::vector<float> a(size_t(n) * n, 0.5f), b(size_t(n) * n, 0.25f), c(size_t(n) * n);
    const double s = median_seconds(
        [&] { gemm(false, true, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n); }, 5);
    best = std::max(best, 2.0 * n * n * n / s / 1e9);
  }
  return best;
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
