#include "model/ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/check.h"
#include "core/gemm.h"
#include "core/packed_gemm.h"

namespace r1::ops {

namespace {

// Column blocks for parameter-gradient reductions: each thread owns a block of
// columns and sums the rows in order, so the result is the same for any
// thread count.
constexpr int64_t kColumnBlock = 64;
// Rows per chunk of rmsnorm_backward's partial weight-gradient sums.
constexpr int64_t kNormRows = 64;

// Σ_i a_i·b_i (times c_i when c is given) as sixteen partial sums, one per
// lane over whole blocks of 16, added in lane order, then the rest in order:
// a single chain would wait on the latency of every addition.
template <typename Real>
Real lane_dot(const Real* a, const Real* b, const Real* c, int64_t n) {
  typedef Real Lanes __attribute__((vector_size(16 * sizeof(Real))));
  const auto load = [](const Real* x) {
    Lanes l;
    std::memcpy(&l, x, sizeof l);
    return l;
  };
  Lanes lanes = {};
  int64_t i = 0;
  if (c) {
    for (; i + 16 <= n; i += 16) lanes += load(a + i) * load(b + i) * load(c + i);
  } else {
    for (; i + 16 <= n; i += 16) lanes += load(a + i) * load(b + i);
  }
  Real sum = 0;
  for (int l = 0; l < 16; ++l) sum += lanes[l];
  for (; i < n; ++i) sum += c ? a[i] * b[i] * c[i] : a[i] * b[i];
  return sum;
}

// x[0, n) = softmax(x·scale) in place (scale > 0), n ≥ 1. The maximum is
// exact in any order: lane by lane, then across; the sum of the
// exponentials lane by lane over whole blocks of 16 from x[0], then the
// lanes in order, then the rest — an order fixed by n alone, and loops that
// vectorize.
template <typename Real>
void scaled_softmax(Real* x, int64_t n, Real scale) {
  typedef Real Lanes __attribute__((vector_size(16 * sizeof(Real))));
  const auto load = [](const Real* p) {
    Lanes l;
    std::memcpy(&l, p, sizeof l);
    return l;
  };
  Lanes top = Lanes{} + x[0];
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const Lanes l = load(x + i);
    top = top > l ? top : l;
  }
  Real mx = x[0];
  for (int l = 0; l < 16; ++l) mx = std::max(mx, top[l]);
  for (; i < n; ++i) mx = std::max(mx, x[i]);
  for (i = 0; i < n; ++i) x[i] = fast_exp((x[i] - mx) * scale);
  Lanes lanes = {};
  for (i = 0; i + 16 <= n; i += 16) lanes += load(x + i);
  Real sum = 0;
  for (int l = 0; l < 16; ++l) sum += lanes[l];
  for (; i < n; ++i) sum += x[i];
  const Real inv = Real(1) / sum;
  for (i = 0; i < n; ++i) x[i] *= inv;
}

}  // namespace

template <typename Real>
void embedding_forward(Real* out, const int32_t* ids, const Real* embed, int64_t N, int64_t C) {
#pragma omp parallel for schedule(static) if (N * C >= kMinParallelWork)
  for (int64_t n = 0; n < N; ++n)
    std::memcpy(out + n * C, embed + int64_t(ids[n]) * C, size_t(C) * sizeof(Real));
}

template <typename Real>
void embedding_backward(Real* dembed, const Real* dout, const int32_t* ids, int64_t N, int64_t C) {
#pragma omp parallel for schedule(static) if (C > kColumnBlock && N * C >= kMinParallelWork)
  for (int64_t c0 = 0; c0 < C; c0 += kColumnBlock) {
    const int64_t c1 = std::min(C, c0 + kColumnBlock);
    for (int64_t n = 0; n < N; ++n) {
      Real* dst = dembed + int64_t(ids[n]) * C;
      const Real* src = dout + n * C;
      for (int64_t c = c0; c < c1; ++c) dst[c] += src[c];
    }
  }
}

template <typename Real>
void rmsnorm_forward(Real* out, Real* rstd, const Real* x, const Real* w, int64_t N, int64_t C,
                     double eps, int64_t xs, int64_t os) {
#pragma omp parallel for schedule(static) if (N * C >= kMinParallelWork)
  for (int64_t n = 0; n < N; ++n) {
    const Real* xn = x + n * xs;
    Real* on = out + n * os;
    const Real sum = lane_dot(xn, xn, static_cast<const Real*>(nullptr), C);
    const Real r = Real(1) / std::sqrt(sum / Real(C) + Real(eps));
    for (int64_t c = 0; c < C; ++c) on[c] = xn[c] * r * w[c];
    rstd[n] = r;
  }
}

template <typename Real>
void rmsnorm_backward(Real* dx, Real* dw, const Real* dout, const Real* x, const Real* w,
                      const Real* rstd, int64_t N, int64_t C, int64_t xs, int64_t os) {
  // y = x·r·w with r = (mean(x²)+eps)^(-1/2):
  // dx = r·(w⊙dy) − r³/C · x · Σ_c (w⊙dy⊙x),  dw = Σ_n dy ⊙ x·r
  // dw is summed per chunk of kNormRows rows in the same pass as dx, then
  // the chunks in order: one read of x and dy, and the same bits for any
  // thread count.
  const int64_t chunks = (N + kNormRows - 1) / kNormRows;
  std::vector<Real> partial(size_t(chunks * C));
#pragma omp parallel for schedule(static) if (N * C >= kMinParallelWork)
  for (int64_t chunk = 0; chunk < chunks; ++chunk) {
    Real* part = partial.data() + chunk * C;
    for (int64_t n = chunk * kNormRows; n < std::min(N, (chunk + 1) * kNormRows); ++n) {
      const Real* xn = x + n * xs;
      const Real* dyn = dout + n * os;
      Real* dxn = dx + n * xs;
      const Real r = rstd[n];
      const Real k = lane_dot(w, dyn, xn, C) * r * r * r / Real(C);
      for (int64_t c = 0; c < C; ++c) {
        dxn[c] += r * w[c] * dyn[c] - k * xn[c];
        part[c] += dyn[c] * xn[c] * r;
      }
    }
  }
  for (int64_t chunk = 0; chunk < chunks; ++chunk)
    for (int64_t c = 0; c < C; ++c) dw[c] += partial[size_t(chunk * C + c)];
}

namespace {

// out (N,OC) += bias (OC) on every row.
template <typename Real>
void add_bias(Real* out, const Real* bias, int64_t N, int64_t OC) {
#pragma omp parallel for schedule(static) if (N * OC >= kMinParallelWork)
  for (int64_t n = 0; n < N; ++n)
    for (int64_t o = 0; o < OC; ++o) out[n * OC + o] += bias[o];
}

}  // namespace

template <typename Real>
void matmul_forward(Real* out, const Real* inp, const Real* weight, const Nullable<Real>* bias,
                    int64_t N, int64_t IC, int64_t OC) {
  gemm(false, true, int(N), int(OC), int(IC), Real(1), inp, int(IC), weight, int(IC), Real(0), out,
       int(OC));
  if (bias) add_bias(out, bias, N, OC);
}

void matmul_forward(float* out, const float* inp, const PackedMatrix& weight, const float* bias,
                    int64_t N) {
  packed_matmul(out, inp, weight, N);
  if (bias) add_bias(out, bias, N, weight.rows());
}

namespace {

// dbias (OC) += Σ_n dout (N,OC), each column summed in row order.
template <typename Real>
void bias_backward(Real* dbias, const Real* dout, int64_t N, int64_t OC) {
#pragma omp parallel for schedule(static) if (OC > kColumnBlock && N * OC >= kMinParallelWork)
  for (int64_t o0 = 0; o0 < OC; o0 += kColumnBlock) {
    const int64_t o1 = std::min(OC, o0 + kColumnBlock);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t o = o0; o < o1; ++o) dbias[o] += dout[n * OC + o];
  }
}

}  // namespace

template <typename Real>
void matmul_backward(Nullable<Real>* dinp, Real* dweight, Nullable<Real>* dbias, const Real* dout,
                     const Real* inp, const Real* weight, int64_t N, int64_t IC, int64_t OC) {
  if (dinp)
    gemm(false, false, int(N), int(IC), int(OC), Real(1), dout, int(OC), weight, int(IC), Real(1),
         dinp, int(IC));
  gemm(true, false, int(OC), int(IC), int(N), Real(1), dout, int(OC), inp, int(IC), Real(1),
       dweight, int(IC));
  if (dbias) bias_backward(dbias, dout, N, OC);
}

void matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                     const PackedMatrix& weight_t, int64_t N, PackedMatrix& input_panels) {
  const int64_t IC = weight_t.rows(), OC = weight_t.cols();
  if (dinp) packed_matmul(dinp, dout, weight_t, N);
  weight_gradient(dweight, dout, inp, N, OC, IC, input_panels);
  if (dbias) bias_backward(dbias, dout, N, OC);
}

template <typename Real>
void rope_tables(Real* cos, Real* sin, int64_t maxT, int64_t D, double theta) {
  const int64_t half = D / 2;
  for (int64_t t = 0; t < maxT; ++t)
    for (int64_t i = 0; i < half; ++i) {
      const double inv_freq = std::pow(theta, -double(2 * i) / double(D));
      const double angle = double(t) * inv_freq;
      cos[t * half + i] = Real(std::cos(angle));
      sin[t * half + i] = Real(std::sin(angle));
    }
}

namespace {

// Rotates x by +angle (sign = 1) or −angle (sign = −1), in place. Row r
// (of B·T) is at position positions[r] if given, else pos0 + r mod T.
template <typename Real>
void rope_apply(Real* x, const Real* cos, const Real* sin, int64_t B, int64_t T, int64_t H,
                int64_t D, int64_t stride, int64_t pos0, const int32_t* positions, Real sign) {
  const int64_t half = D / 2;
#pragma omp parallel for schedule(static) if (B * T * H * D >= kMinParallelWork)
  for (int64_t bt = 0; bt < B * T; ++bt) {
    const int64_t pos = positions ? int64_t(positions[bt]) : pos0 + bt % T;
    const Real* c = cos + pos * half;
    const Real* s = sin + pos * half;
    for (int64_t h = 0; h < H; ++h) {
      Real* xh = x + bt * stride + h * D;
      for (int64_t i = 0; i < half; ++i) {
        const Real x1 = xh[i], x2 = xh[i + half], sn = sign * s[i];
        xh[i] = x1 * c[i] - x2 * sn;
        xh[i + half] = x2 * c[i] + x1 * sn;
      }
    }
  }
}

}  // namespace

template <typename Real>
void rope_forward(Real* x, const Real* cos, const Real* sin, int64_t B, int64_t T, int64_t H,
                  int64_t D, int64_t stride, int64_t pos0) {
  rope_apply(x, cos, sin, B, T, H, D, stride, pos0, nullptr, Real(1));
}

template <typename Real>
void rope_backward(Real* dx, const Real* cos, const Real* sin, int64_t B, int64_t T, int64_t H,
                   int64_t D, int64_t stride, int64_t pos0) {
  // The rotation is orthogonal: its transpose is the rotation by −angle.
  rope_apply(dx, cos, sin, B, T, H, D, stride, pos0, nullptr, -Real(1));
}

template <typename Real>
void rope_forward_rows(Real* x, const Real* cos, const Real* sin, int64_t N, int64_t H, int64_t D,
                       int64_t stride, const int32_t* positions) {
  rope_apply(x, cos, sin, N, int64_t(1), H, D, stride, int64_t(0), positions, Real(1));
}

template <typename Real>
void rope_backward_rows(Real* dx, const Real* cos, const Real* sin, int64_t N, int64_t H, int64_t D,
                        int64_t stride, const int32_t* positions) {
  rope_apply(dx, cos, sin, N, int64_t(1), H, D, stride, int64_t(0), positions, -Real(1));
}

namespace {

// Attention for R query rows of one head at once (R ≤ kAttendRows): each key
// block and value row loaded serves every row of the tile. Each score and
// output component is one multiply-add chain whose order depends on its own
// row's key range alone, so a row gets the same bits in any tile.
template <typename Real, int R>
void attend_tile(Real* out, int64_t ldo, Real* p, int64_t ldp, const Real* q, int64_t ldq,
                 const Real* key_blocks, const Real* v, int64_t ldv, const int64_t* first,
                 const int64_t* last, int64_t D, const SharedPrefix<Real>& prefix) {
  typedef Real Lanes __attribute__((vector_size(kKeyBlock * sizeof(Real))));
  // Key blocks per sweep: R·kBlocks score chains in flight.
  constexpr int64_t kBlocks = R == 1 ? 8 : 4;
  const auto load = [](const Real* x) {
    Lanes l;
    std::memcpy(&l, x, sizeof l);
    return l;
  };
  const Real scale = Real(1) / std::sqrt(Real(D));
  int64_t lo = first[0], hi = last[0], common_lo = first[0], common_hi = last[0];
  for (int r = 1; r < R; ++r) {
    lo = std::min(lo, first[r]);
    hi = std::max(hi, last[r]);
    common_lo = std::max(common_lo, first[r]);
    common_hi = std::min(common_hi, last[r]);
  }
  // Scores s_rj = (Σ_d q_rd·k_jd)·scale, stored where j is in row r's range.
  // A sweep stays within one store.
  for (int64_t b0 = lo / kKeyBlock * kKeyBlock, blocks; b0 < hi; b0 += blocks * kKeyBlock) {
    const bool in_prefix = b0 < prefix.positions;
    const int64_t end = in_prefix ? std::min(hi, prefix.positions) : hi;
    blocks = std::min(kBlocks, (end - b0 + kKeyBlock - 1) / kKeyBlock);
    const Real* block = (in_prefix ? prefix.key_blocks : key_blocks) + b0 * D;
    Lanes acc[R][kBlocks] = {};
    // With every block present the compiler drops the test (4% of the
    // forward's attention).
    const auto sweep = [&](auto all_blocks) {
      for (int64_t d = 0; d < D; ++d)
        for (int64_t c = 0; c < kBlocks; ++c)
          if (all_blocks || c < blocks) {
            const Lanes k = load(block + (c * D + d) * kKeyBlock);
            for (int r = 0; r < R; ++r) acc[r][c] += q[r * ldq + d] * k;
          }
    };
    if (blocks == kBlocks)
      sweep(std::true_type{});
    else
      sweep(std::false_type{});
    for (int r = 0; r < R; ++r)
      for (int64_t c = 0; c < blocks; ++c) {
        const Lanes scores = acc[r][c] * scale;
        const int64_t j0 = b0 + c * kKeyBlock;
        Real* pr = p + r * ldp;
        if (j0 >= first[r] && j0 + kKeyBlock <= last[r]) {
          std::memcpy(pr + j0, &scores, sizeof scores);
        } else {
          for (int64_t j = std::max(first[r], j0); j < std::min(last[r], j0 + kKeyBlock); ++j)
            pr[j] = scores[j - j0];
        }
      }
  }
  // Softmax per row (its sums in an order fixed by the row's own keys).
  for (int r = 0; r < R; ++r) scaled_softmax(p + r * ldp + first[r], last[r] - first[r], Real(1));
  // out_rd = Σ_j p_rj·v_jd over j ascending in row r's range: first the keys
  // before the tile's common range row by row, then the common range for all
  // rows, then the keys after it. `stores` runs a range [j0, j1) as its part
  // in the prefix's values, then the rest in the own ones.
  const bool shared = common_lo < common_hi;
  const auto stores = [&](int64_t j0, int64_t j1, auto&& run) {
    const int64_t split = std::clamp(prefix.positions, j0, std::max(j0, j1));
    if (j0 < split) run(prefix.v, j0, split);
    if (split < j1) run(v, split, j1);
  };
  const auto accumulate = [&](auto width, int64_t d0) {
    constexpr int64_t kVectors = decltype(width)::value;
    Lanes acc[R][kVectors] = {};
    const auto row_range = [&](int r, int64_t from, int64_t to) {
      stores(from, to, [&](const Real* vs, int64_t j0, int64_t j1) {
        for (int64_t j = j0; j < j1; ++j)
          for (int64_t c = 0; c < kVectors; ++c)
            acc[r][c] += p[r * ldp + j] * load(vs + j * ldv + d0 + c * kKeyBlock);
      });
    };
    for (int r = 0; r < R; ++r) row_range(r, first[r], shared ? common_lo : last[r]);
    if (shared)
      stores(common_lo, common_hi, [&](const Real* vs, int64_t j0, int64_t j1) {
        for (int64_t j = j0; j < j1; ++j)
          for (int64_t c = 0; c < kVectors; ++c) {
            const Lanes x = load(vs + j * ldv + d0 + c * kKeyBlock);
            for (int r = 0; r < R; ++r) acc[r][c] += p[r * ldp + j] * x;
          }
      });
    if (shared)
      for (int r = 0; r < R; ++r) row_range(r, common_hi, last[r]);
    for (int r = 0; r < R; ++r) std::memcpy(out + r * ldo + d0, acc[r], sizeof acc[r]);
  };
  int64_t d0 = 0;
  for (; d0 + 4 * kKeyBlock <= D; d0 += 4 * kKeyBlock)
    accumulate(std::integral_constant<int64_t, 4>{}, d0);
  for (; d0 + kKeyBlock <= D; d0 += kKeyBlock) accumulate(std::integral_constant<int64_t, 1>{}, d0);
  // The components past the vectors, fused explicitly: whether the compiler
  // fuses a multiply-add may differ between copies of a loop.
  for (int64_t d = d0; d < D; ++d)
    for (int r = 0; r < R; ++r) {
      Real acc = 0;
      stores(first[r], last[r], [&](const Real* vs, int64_t j0, int64_t j1) {
        for (int64_t j = j0; j < j1; ++j) acc = std::fma(p[r * ldp + j], vs[j * ldv + d], acc);
      });
      out[r * ldo + d] = acc;
    }
}

}  // namespace

template <typename Real>
void attend_rows(Real* out, int64_t ldo, Real* p, int64_t ldp, const Real* q, int64_t ldq,
                 const Real* key_blocks, const Real* v, int64_t ldv, const int64_t* first,
                 const int64_t* last, int64_t rows, int64_t D, const SharedPrefix<Real>& prefix) {
  R1_CHECK(prefix.positions % kKeyBlock == 0,
           "attend_rows: a shared prefix of {} positions (a multiple of {} expected)",
           prefix.positions, kKeyBlock);
  switch (rows) {
    case 1:
      return attend_tile<Real, 1>(out, ldo, p, ldp, q, ldq, key_blocks, v, ldv, first, last, D,
                                  prefix);
    case 2:
      return attend_tile<Real, 2>(out, ldo, p, ldp, q, ldq, key_blocks, v, ldv, first, last, D,
                                  prefix);
    case 3:
      return attend_tile<Real, 3>(out, ldo, p, ldp, q, ldq, key_blocks, v, ldv, first, last, D,
                                  prefix);
    case 4:
      return attend_tile<Real, 4>(out, ldo, p, ldp, q, ldq, key_blocks, v, ldv, first, last, D,
                                  prefix);
    default:
      R1_CHECK(false, "attend_rows: {} rows (1 to {})", rows, kAttendRows);
  }
}

// The documents of row b: calls visit(begin, end, prefix_begin, prefix_end)
// for each run of positions [begin, end) of one document, in order.
template <typename Visit>
void for_each_document(const KeyRanges& keys, int64_t b, int64_t T, Visit&& visit) {
  const int32_t* starts = keys.starts ? keys.starts + b * T : nullptr;
  for (int64_t d0 = 0, d1; d0 < T; d0 = d1) {
    for (d1 = d0 + 1; starts && d1 < T && starts[d1] == starts[d0];) ++d1;
    if (!starts) d1 = T;
    const int64_t pb = keys.prefix_begin ? keys.prefix_begin[b * T + d0] : 0;
    const int64_t pe = keys.prefix_begin ? keys.prefix_end[b * T + d0] : 0;
    visit(d0, d1, pb, pe);
  }
}

template <typename Real>
void attention_forward(Real* out, const Real* q, const Real* k, const Real* v, int64_t B, int64_t T,
                       int64_t Hq, int64_t Hkv, int64_t D, int64_t qs, int64_t ks, int64_t vs,
                       const KeyRanges& keys) {
  const int64_t group = Hq / Hkv;
#pragma omp parallel for schedule(static)
  for (int64_t bh = 0; bh < B * Hq; ++bh) {
    const int64_t b = bh / Hq, h = bh % Hq, kvh = h / group;
    const Real* kb = k + b * T * ks + kvh * D;
    const Real* vb = v + b * T * vs + kvh * D;
    // Per document, its keys in blocks and its values as one sequence —
    // the prefix's, then its own — and a tile's probabilities (not kept:
    // the backward recomputes them), per thread.
    thread_local std::vector<Real> key_blocks, values, p;
    for_each_document(keys, b, T, [&](int64_t d0, int64_t d1, int64_t pb, int64_t pe) {
      const int64_t prefix = pe - pb, L = prefix + d1 - d0;
      key_blocks.resize(size_t(key_blocks_size(L, D)));
      values.resize(size_t(L * D));
      p.resize(size_t(kAttendRows * L));
      for (int64_t j = 0; j < L; ++j) {
        const int64_t at = j < prefix ? pb + j : d0 + j - prefix;
        store_key(key_blocks.data(), j, kb + at * ks, D);
        std::copy(vb + at * vs, vb + at * vs + D, values.begin() + j * D);
      }
      for (int64_t t0 = d0; t0 < d1; t0 += kAttendRows) {
        const int64_t rows = std::min(kAttendRows, d1 - t0);
        int64_t first[kAttendRows], last[kAttendRows];
        for (int64_t r = 0; r < rows; ++r) {
          first[r] = 0;
          last[r] = prefix + t0 + r - d0 + 1;
        }
        attend_rows(out + (b * T + t0) * Hq * D + h * D, Hq * D, p.data(), L,
                    q + (b * T + t0) * qs + h * D, qs, key_blocks.data(), values.data(), D, first,
                    last, rows, D);
      }
    });
  }
}

// dst (rows, cols) contiguous = src (rows, cols; row stride ld).
template <typename Real>
void copy_rows(Real* dst, const Real* src, int64_t rows, int64_t cols, int64_t ld) {
  for (int64_t r = 0; r < rows; ++r) std::copy(src + r * ld, src + r * ld + cols, dst + r * cols);
}

// dst (cols, rows) = srcᵀ for a contiguous src (rows, cols), in 16-row strips.
template <typename Real>
void transpose(Real* dst, const Real* src, int64_t rows, int64_t cols) {
  for (int64_t r0 = 0; r0 < rows; r0 += 16)
    for (int64_t c = 0; c < cols; ++c)
      for (int64_t r = r0; r < std::min(rows, r0 + 16); ++r) dst[c * rows + r] = src[r * cols + c];
}

// Rows of a query block and of a key block in attention_backward: the same
// partition for both, so a key block reads P and dS only where its query
// blocks wrote them.
constexpr int64_t kBackwardBlock = 12;

// Zeroes row[x0, x1) outside the intervals [lo, hi) of `keep` (in order).
template <typename Real>
void zero_outside(Real* row, int64_t x0, int64_t x1,
                  std::initializer_list<std::pair<int64_t, int64_t>> keep) {
  for (const auto& [lo, hi] : keep) {
    if (lo >= hi) continue;
    std::fill(row + x0, row + std::max(x0, std::min(lo, x1)), Real(0));
    x0 = std::max(x0, hi);
  }
  if (x0 < x1) std::fill(row + x0, row + x1, Real(0));
}

template <typename Real>
void attention_backward(Real* dq, Real* dk, Real* dv, const Real* dout, const Real* out,
                        const Real* q, const Real* k, const Real* v, int64_t B, int64_t T,
                        int64_t Hq, int64_t Hkv, int64_t D, int64_t qs, int64_t ks, int64_t vs,
                        const KeyRanges& keys) {
  const int64_t group = Hq / Hkv;
  const Real scale = Real(1) / std::sqrt(Real(D));
  const int64_t os = Hq * D;
  const auto round_down = [](int64_t x) { return x / kBackwardBlock * kBackwardBlock; };
  const auto round_up = [T](int64_t x) {
    return std::min(T, (x + kBackwardBlock - 1) / kBackwardBlock * kBackwardBlock);
  };
  // One task per (batch, kv head) so the q heads sharing a kv head accumulate
  // into dk/dv without races.
#pragma omp parallel for schedule(static)
  for (int64_t bkv = 0; bkv < B * Hkv; ++bkv) {
    const int64_t b = bkv / Hkv, kvh = bkv % Hkv;
    Real* dkb = dk + b * T * ks + kvh * D;
    Real* dvb = dv + b * T * vs + kvh * D;
    // Per thread, in cache: one head's probabilities P and score gradients
    // dS (T, T); K, V, the head's Q and dO (T, D) contiguous; Kᵀ, Vᵀ (D, T);
    // the softmax backward's row sums Σ_j dP⊙P = dO·O (D terms, not t); a
    // row's scores over its two key ranges, gathered.
    thread_local std::vector<Real> pm, ds, kc, vc, qc, doc, kt, vt, dots, gathered;
    for (auto* buffer : {&pm, &ds}) buffer->resize(size_t(T * T));
    dots.resize(size_t(T));
    gathered.resize(size_t(T));
    for (auto* buffer : {&kc, &vc, &qc, &doc, &kt, &vt}) buffer->resize(size_t(T * D));
    copy_rows(kc.data(), k + b * T * ks + kvh * D, T, D, ks);
    copy_rows(vc.data(), v + b * T * vs + kvh * D, T, D, vs);
    transpose(kt.data(), kc.data(), T, D);
    transpose(vt.data(), vc.data(), T, D);
    // Each position's document [start, end) and prefix [pb, pe); the
    // documents that continue a prefix.
    struct Document {
      int64_t begin, end, pb, pe;
    };
    thread_local std::vector<int64_t> start, end, pb, pe;
    thread_local std::vector<Document> continuing;
    for (auto* x : {&start, &end, &pb, &pe}) x->resize(size_t(T));
    continuing.clear();
    for_each_document(keys, b, T, [&](int64_t d0, int64_t d1, int64_t p0, int64_t p1) {
      for (int64_t t = d0; t < d1; ++t) {
        start[t] = d0;
        end[t] = d1;
        pb[t] = p0;
        pe[t] = p1;
      }
      if (p0 < p1) continuing.push_back({d0, d1, p0, p1});
    });
    for (int64_t h = kvh * group; h < (kvh + 1) * group; ++h) {
      const Real* dob = dout + b * T * os + h * D;
      const Real* ob = out + b * T * os + h * D;
      Real* dqb = dq + b * T * qs + h * D;
      copy_rows(doc.data(), dob, T, D, os);
      copy_rows(qc.data(), q + b * T * qs + h * D, T, D, qs);
      for (int64_t t = 0; t < T; ++t)
        dots[t] = lane_dot(doc.data() + t * D, ob + t * os, static_cast<const Real*>(nullptr), D);
      // Query block [t0, t1) needs the key columns of its rows' prefixes and
      // [c0, t1), c0 the key block holding its first row's document start,
      // as whole key blocks (P and dS are zero elsewhere in them): P =
      // softmax(Q·Kᵀ · scale) over each row's keys, zero elsewhere in those
      // columns; dP = dO·Vᵀ; dS = P ⊙ (dP − Σ_j dP⊙P) · scale (softmax
      // backward, then the score scale); dQ = dS·K.
      for (int64_t t0 = 0; t0 < T; t0 += kBackwardBlock) {
        const int64_t t1 = std::min(T, t0 + kBackwardBlock);
        int64_t c0 = round_down(start[t0]), a0 = T, a1 = 0;
        for (int64_t t = t0; t < t1; ++t)
          if (pb[t] < pe[t]) {
            a0 = std::min(a0, round_down(pb[t]));
            a1 = std::max(a1, round_up(pe[t]));
          }
        if (a0 < a1 && a1 >= c0) c0 = std::min(c0, a0);
        const int ranges = a0 < a1 && a1 < c0 ? 2 : 1;
        const std::pair<int64_t, int64_t> columns[2] = {
            ranges == 2 ? std::pair{a0, a1} : std::pair{c0, t1}, {c0, t1}};
        for (int i = 0; i < ranges; ++i) {
          const auto [x0, x1] = columns[i];
          strided_matmul(pm.data() + t0 * T + x0, T, qc.data() + t0 * D, D, 1, kt.data() + x0, T,
                         t1 - t0, x1 - x0, D, false);
          strided_matmul(ds.data() + t0 * T + x0, T, doc.data() + t0 * D, D, 1, vt.data() + x0, T,
                         t1 - t0, x1 - x0, D, false);
        }
        for (int64_t t = t0; t < t1; ++t) {
          Real* pr = pm.data() + t * T;
          Real* dr = ds.data() + t * T;
          const int64_t prefix = pe[t] - pb[t], own = t + 1 - start[t];
          if (prefix == 0) {
            scaled_softmax(pr + start[t], own, scale);
          } else {
            std::copy(pr + pb[t], pr + pe[t], gathered.begin());
            std::copy(pr + start[t], pr + t + 1, gathered.begin() + prefix);
            scaled_softmax(gathered.data(), prefix + own, scale);
            std::copy(gathered.begin(), gathered.begin() + prefix, pr + pb[t]);
            std::copy(gathered.begin() + prefix, gathered.begin() + prefix + own, pr + start[t]);
          }
          for (const auto& [j0, j1] : {std::pair{pb[t], pe[t]}, std::pair{start[t], t + 1}})
            for (int64_t j = j0; j < j1; ++j) dr[j] = pr[j] * (dr[j] - dots[t]) * scale;
          for (int i = 0; i < ranges; ++i)
            for (Real* row : {pr, dr})
              zero_outside(row, columns[i].first, columns[i].second,
                           {{pb[t], pe[t]}, {start[t], t + 1}});
        }
        for (int i = 0; i < ranges; ++i) {
          const auto [x0, x1] = columns[i];
          strided_matmul(dqb + t0 * qs, qs, ds.data() + t0 * T + x0, T, 1, kc.data() + x0 * D, D,
                         t1 - t0, D, x1 - x0, i > 0);
        }
      }
      // Key block [j0, j1) needs query rows [j0, e) — e the end of its last
      // key's document; every row there wrote these columns above — and the
      // rows of the later documents continuing a prefix the block overlaps
      // (their prefix columns were written whole): dV (+)= Pᵀ·dO and dK
      // (+)= dSᵀ·Q, the group's first head writing, the others adding.
      const bool accumulate = h != kvh * group;
      for (int64_t j0 = 0; j0 < T; j0 += kBackwardBlock) {
        const int64_t w = std::min(kBackwardBlock, T - j0), e = end[j0 + w - 1];
        const auto add_rows = [&](int64_t r0, int64_t r1, bool add) {
          strided_matmul(dvb + j0 * vs, vs, pm.data() + r0 * T + j0, 1, T, doc.data() + r0 * D, D,
                         w, D, r1 - r0, add);
          strided_matmul(dkb + j0 * ks, ks, ds.data() + r0 * T + j0, 1, T, qc.data() + r0 * D, D, w,
                         D, r1 - r0, add);
        };
        add_rows(j0, e, accumulate);
        int64_t r0 = 0, r1 = 0;  // adjacent continuing documents, as one range
        for (const Document& d : continuing) {
          if (d.begin < e || d.pb >= j0 + w || d.pe <= j0) continue;
          if (d.begin != r1) {
            if (r0 < r1) add_rows(r0, r1, true);
            r0 = d.begin;
          }
          r1 = d.end;
        }
        if (r0 < r1) add_rows(r0, r1, true);
      }
    }
  }
}

template <typename Real>
void swiglu_forward(Real* out, const Real* gu, int64_t N, int64_t F) {
#pragma omp parallel for schedule(static) if (N * F >= kMinParallelWork)
  for (int64_t n = 0; n < N; ++n) {
    const Real* g = gu + n * 2 * F;
    const Real* u = g + F;
    Real* o = out + n * F;
    for (int64_t f = 0; f < F; ++f) o[f] = g[f] / (Real(1) + fast_exp(-g[f])) * u[f];
  }
}

template <typename Real>
void swiglu_backward(Real* dgu, const Real* dout, const Real* gu, int64_t N, int64_t F) {
  // h = silu(g)·u: dg = dh·u·σ(g)(1 + g(1 − σ(g))), du = dh·silu(g)
#pragma omp parallel for schedule(static) if (N * F >= kMinParallelWork)
  for (int64_t n = 0; n < N; ++n) {
    const Real* g = gu + n * 2 * F;
    const Real* u = g + F;
    const Real* dh = dout + n * F;
    Real* dg = dgu + n * 2 * F;
    Real* du = dg + F;
    for (int64_t f = 0; f < F; ++f) {
      const Real sig = Real(1) / (Real(1) + fast_exp(-g[f]));
      dg[f] = dh[f] * u[f] * sig * (Real(1) + g[f] * (Real(1) - sig));
      du[f] = dh[f] * g[f] * sig;
    }
  }
}

template <typename Real>
void logprob_forward(Real* logprobs, Real* entropy, Real* lse, const Real* logits,
                     const int32_t* targets, int64_t N, int64_t V) {
#pragma omp parallel for schedule(static) if (N * V >= kMinParallelWork)
  for (int64_t n = 0; n < N; ++n) {
    const Real* z = logits + n * V;
    Real mx = z[0];
    for (int64_t j = 1; j < V; ++j) mx = std::max(mx, z[j]);
    double sum = 0, weighted = 0;
    for (int64_t j = 0; j < V; ++j) {
      const double e = std::exp(double(z[j] - mx));
      sum += e;
      weighted += e * double(z[j] - mx);
    }
    const double log_sum = std::log(sum);
    lse[n] = Real(double(mx) + log_sum);
    // H = −Σ p log p = log Σe^z − Σ p z
    entropy[n] = Real(log_sum - weighted / sum);
    logprobs[n] = Real(double(z[targets[n]] - mx) - log_sum);
  }
}

template <typename Real>
void logprob_backward(Real* dlogits, const Real* dlogprobs, const Nullable<Real>* dentropy,
                      const Real* logits, const Real* lse, const Real* entropy,
                      const int32_t* targets, int64_t N, int64_t V) {
#pragma omp parallel for schedule(static) if (N * V >= kMinParallelWork)
  for (int64_t n = 0; n < N; ++n) {
    const Real* z = logits + n * V;
    Real* dz = dlogits + n * V;
    const Real g = dlogprobs[n];
    const Real e = dentropy ? dentropy[n] : Real(0);
    const Real H = entropy[n];
    for (int64_t j = 0; j < V; ++j) {
      const Real logp = z[j] - lse[n];
      const Real p = std::exp(logp);
      dz[j] = -g * p - e * p * (logp + H);
    }
    dz[targets[n]] += g;
  }
}

template <typename Real>
void scale_inplace(Real* y, Real s, int64_t n) {
#pragma omp parallel for schedule(static) if (n >= kMinParallelWork)
  for (int64_t i = 0; i < n; ++i) y[i] *= s;
}

template <typename Real>
void add_inplace(Real* y, const Real* x, int64_t n) {
#pragma omp parallel for schedule(static) if (n >= kMinParallelWork)
  for (int64_t i = 0; i < n; ++i) y[i] += x[i];
}

template <typename Real>
void add(Real* out, const Real* a, const Real* b, int64_t n) {
#pragma omp parallel for schedule(static) if (n >= kMinParallelWork)
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}

#define R1_INSTANTIATE_OPS(Real)                                                                   \
  template void embedding_forward(Real*, const int32_t*, const Real*, int64_t, int64_t);           \
  template void embedding_backward(Real*, const Real*, const int32_t*, int64_t, int64_t);          \
  template void rmsnorm_forward(Real*, Real*, const Real*, const Real*, int64_t, int64_t, double,  \
                                int64_t, int64_t);                                                 \
  template void rmsnorm_backward(Real*, Real*, const Real*, const Real*, const Real*, const Real*, \
                                 int64_t, int64_t, int64_t, int64_t);                              \
  template void matmul_forward(Real*, const Real*, const Real*, const Real*, int64_t, int64_t,     \
                               int64_t);                                                           \
  template void matmul_backward(Real*, Real*, Real*, const Real*, const Real*, const Real*,        \
                                int64_t, int64_t, int64_t);                                        \
  template void rope_forward(Real*, const Real*, const Real*, int64_t, int64_t, int64_t, int64_t,  \
                             int64_t, int64_t);                                                    \
  template void rope_backward(Real*, const Real*, const Real*, int64_t, int64_t, int64_t, int64_t, \
                              int64_t, int64_t);                                                   \
  template void rope_forward_rows(Real*, const Real*, const Real*, int64_t, int64_t, int64_t,      \
                                  int64_t, const int32_t*);                                        \
  template void rope_backward_rows(Real*, const Real*, const Real*, int64_t, int64_t, int64_t,     \
                                   int64_t, const int32_t*);                                       \
  template void rope_tables(Real*, Real*, int64_t, int64_t, double);                               \
  template void attend_rows(Real*, int64_t, Real*, int64_t, const Real*, int64_t, const Real*,     \
                            const Real*, int64_t, const int64_t*, const int64_t*, int64_t,         \
                            int64_t, const SharedPrefix<Real>&);                                   \
  template void attention_forward(Real*, const Real*, const Real*, const Real*, int64_t, int64_t,  \
                                  int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,            \
                                  const KeyRanges&);                                               \
  template void attention_backward(Real*, Real*, Real*, const Real*, const Real*, const Real*,     \
                                   const Real*, const Real*, int64_t, int64_t, int64_t, int64_t,   \
                                   int64_t, int64_t, int64_t, int64_t, const KeyRanges&);          \
  template void swiglu_forward(Real*, const Real*, int64_t, int64_t);                              \
  template void swiglu_backward(Real*, const Real*, const Real*, int64_t, int64_t);                \
  template void logprob_forward(Real*, Real*, Real*, const Real*, const int32_t*, int64_t,         \
                                int64_t);                                                          \
  template void logprob_backward(Real*, const Real*, const Real*, const Real*, const Real*,        \
                                 const Real*, const int32_t*, int64_t, int64_t);                   \
  template void add_inplace(Real*, const Real*, int64_t);                                          \
  template void add(Real*, const Real*, const Real*, int64_t);                                     \
  template void scale_inplace(Real*, Real, int64_t);

R1_INSTANTIATE_OPS(float)
R1_INSTANTIATE_OPS(double)

}  // namespace r1::ops
