// The panel products (core/packed_gemm.h) against OpenBLAS on the reference
// model's projection shapes: the forward for a training batch of 4096 rows, a
// decode step of 64 rows and a single row, and the backward's input and
// weight gradients for 4096 rows, at the requested thread count.
// Packing is timed apart: training packs once per forward, decoding once per
// generate call.
//   bench_gemm [--threads N] [--runs N]
#include <fmt/format.h>

#include <utility>
#include <vector>

#include "bench_common.h"
#include "core/gemm.h"
#include "core/packed_gemm.h"
#include "core/threads.h"

int main(int argc, char** argv) {
  r1::init_thread_policy(argv);
  const r1::bench::BenchArgs args = r1::bench::parse_bench_args(argc, argv, "--runs", 20);
  r1::set_threads(args.threads);
  struct Shape {
    const char* name;
    int IC, OC;
  };
  const Shape shapes[] = {{"qkv", 384, 1152},
                          {"o", 384, 384},
                          {"gate_up", 384, 2048},
                          {"down", 1024, 384},
                          {"lm_head", 384, 512}};
  fmt::print("threads {}   GFLOP/s (packed / openblas)\n", args.threads);
  fmt::print("{:>8} {:>22} {:>22} {:>22} {:>10} {:>22} {:>22}\n", "shape", "4096 rows", "64 rows",
             "1 row", "pack ms", "dinp 4096", "dW 4096");
  double flops_packed = 0, flops_blas = 0, time_packed = 0, time_blas = 0;
  for (const Shape& s : shapes) {
    std::vector<float> w(size_t(s.IC) * s.OC, 0.01f), in(size_t(4096) * s.IC, 0.5f),
        out(size_t(4096) * s.OC);
    r1::PackedMatrix packed;
    const double pack_s =
        r1::bench::median_seconds([&] { packed.pack(w.data(), s.OC, s.IC); }, args.count);
    std::string cells;
    for (int rows : {4096, 64, 1}) {
      const double flops = 2.0 * rows * s.IC * s.OC;
      const double tp = r1::bench::median_seconds(
          [&] { r1::packed_matmul(out.data(), in.data(), packed, rows); }, args.count);
      const double tb = r1::bench::median_seconds(
          [&] {
            r1::gemm(false, true, rows, s.OC, s.IC, 1.0f, in.data(), s.IC, w.data(), s.IC, 0.0f,
                     out.data(), s.OC);
          },
          args.count);
      cells += fmt::format(" {:>10.1f} / {:>9.1f}", flops / tp / 1e9, flops / tb / 1e9);
      flops_packed += flops;
      flops_blas += flops;
      time_packed += tp;
      time_blas += tb;
    }
    cells += fmt::format(" {:>10.3f}", pack_s * 1e3);
    // Backward input gradient dinp (4096, IC) = dout · W, packing Wᵀ included,
    // and weight gradient dW (OC, IC) += doutᵀ · in, packing in included.
    std::vector<float> dout(size_t(4096) * s.OC, 0.25f), dinp(in.size());
    r1::PackedMatrix w_t;
    const double flops = 2.0 * 4096 * s.IC * s.OC;
    const double dinp_p = r1::bench::median_seconds(
        [&] {
          w_t.pack_transposed(w.data(), s.OC, s.IC);
          r1::packed_matmul(dinp.data(), dout.data(), w_t, 4096);
        },
        args.count);
    const double dinp_b = r1::bench::median_seconds(
        [&] {
          r1::gemm(false, false, 4096, s.IC, s.OC, 1.0f, dout.data(), s.OC, w.data(), s.IC, 0.0f,
                   dinp.data(), s.IC);
        },
        args.count);
    std::vector<float> dw(w.size());
    r1::PackedMatrix panels;
    const double dw_p = r1::bench::median_seconds(
        [&] { r1::weight_gradient(dw.data(), dout.data(), in.data(), 4096, s.OC, s.IC, panels); },
        args.count);
    const double dw_b = r1::bench::median_seconds(
        [&] {
          r1::gemm(true, false, s.OC, s.IC, 4096, 1.0f, dout.data(), s.OC, in.data(), s.IC, 1.0f,
                   dw.data(), s.IC);
        },
        args.count);
    for (const auto& [tp, tb] : {std::pair{dinp_p, dinp_b}, std::pair{dw_p, dw_b}}) {
      cells += fmt::format(" {:>10.1f} / {:>9.1f}", flops / tp / 1e9, flops / tb / 1e9);
      flops_packed += flops;
      flops_blas += flops;
      time_packed += tp;
      time_blas += tb;
    }
    fmt::print("{:>8}{}\n", s.name, cells);
  }
  fmt::print("all shapes: packed {:.1f} GFLOP/s, openblas {:.1f} GFLOP/s, ratio {:.2f}x\n",
             flops_packed / time_packed / 1e9, flops_blas / time_blas / 1e9,
             time_blas / time_packed);
  return 0;
}
