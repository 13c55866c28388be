#include "core/packed_gemm.h"

#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <new>
#include <utility>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

namespace r1 {

namespace {

constexpr int64_t kPanel = PackedMatrix::kPanel;
// Rows of one micro-kernel call: 12 rows × 32 columns keep 24 accumulators
// in the 32 vector registers.
constexpr int64_t kRows = 12;
// Depth of one pass: a pass reads 12 rows × 512 floats of `in` (24 KiB, L1)
// against panels of 512 × 32 (64 KiB, L2). A later pass continues each
// element's chain from the value the earlier one stored, so blocking does not
// change the bits.
constexpr int64_t kDepth = 512;
// Rows and panels of one parallel task.
constexpr int64_t kTaskRows = 8 * kRows;
constexpr int64_t kTaskPanels = 16;
// Multiply-adds below which a product runs on one thread.
constexpr int64_t kMinParallelMacs = int64_t(1) << 18;

// How a micro-kernel call treats c: its chains start from zero and overwrite
// c, continue from c's value, or start from zero and are added to c at the
// end (the weight gradient: a sum over thousands of tokens rounds as blocks
// of kDepth terms added up, not as one chain).
enum class Chain { kFromZero, kContinue, kAddTo };

#if defined(__AVX512F__)

__mmask16 lane_mask(int64_t n) {
  return n >= 16 ? __mmask16(0xFFFF) : n <= 0 ? __mmask16(0) : __mmask16((1u << n) - 1);
}

// c (rows, up to 32 columns; ldc) = a · b per `chain`, a's element (r, k) at
// a[r·a_row + k·a_depth] (a row-major operand is a_row = lda, a_depth = 1; a
// transposed one a_row = 1), b's row k at b + k·ldb — with kPanelB a packed
// panel's slice, ldb = kPanel and 64-byte aligned (a single-row decode
// product runs 10% faster on aligned, unmasked loads). `next`, when given,
// is the next panel's slice, fetched into L2 meanwhile: a decode step
// streams every weight from L3, and the hardware prefetcher alone leaves the
// kernel waiting.
template <int kR, bool kPanelB>
void micro_kernel(const float* a, int64_t a_row, int64_t a_depth, const float* b, int64_t ldb,
                  int64_t depth, float* c, int64_t ldc, int64_t columns, Chain chain,
                  const float* next) {
  if constexpr (kPanelB) ldb = kPanel;
  const __mmask16 lo = lane_mask(columns), hi = lane_mask(columns - 16);
  const bool load = chain == Chain::kContinue;
  __m512 acc_lo[kR], acc_hi[kR];
#pragma GCC unroll 16
  for (int r = 0; r < kR; ++r) {
    acc_lo[r] = load ? _mm512_maskz_loadu_ps(lo, c + r * ldc) : _mm512_setzero_ps();
    acc_hi[r] = load ? _mm512_maskz_loadu_ps(hi, c + r * ldc + 16) : _mm512_setzero_ps();
  }
  for (int64_t k = 0; k < depth; ++k) {
    const __m512 b_lo =
        kPanelB ? _mm512_load_ps(b + k * ldb) : _mm512_maskz_loadu_ps(lo, b + k * ldb);
    const __m512 b_hi =
        kPanelB ? _mm512_load_ps(b + k * ldb + 16) : _mm512_maskz_loadu_ps(hi, b + k * ldb + 16);
    if (next) {
      _mm_prefetch(reinterpret_cast<const char*>(next + k * ldb), _MM_HINT_T1);
      _mm_prefetch(reinterpret_cast<const char*>(next + k * ldb + 16), _MM_HINT_T1);
    }
    const float* ak = a + k * a_depth;
#pragma GCC unroll 16
    for (int r = 0; r < kR; ++r) {
      const __m512 x = _mm512_set1_ps(ak[r * a_row]);
      acc_lo[r] = _mm512_fmadd_ps(x, b_lo, acc_lo[r]);
      acc_hi[r] = _mm512_fmadd_ps(x, b_hi, acc_hi[r]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < kR; ++r) {
    if (chain == Chain::kAddTo) {
      acc_lo[r] = _mm512_add_ps(acc_lo[r], _mm512_maskz_loadu_ps(lo, c + r * ldc));
      acc_hi[r] = _mm512_add_ps(acc_hi[r], _mm512_maskz_loadu_ps(hi, c + r * ldc + 16));
    }
    _mm512_mask_storeu_ps(c + r * ldc, lo, acc_lo[r]);
    _mm512_mask_storeu_ps(c + r * ldc + 16, hi, acc_hi[r]);
  }
}

#elif defined(__AVX2__) && defined(__FMA__)

// The same kernel 256 bits wide, for CPUs without AVX-512 (most laptops):
// every element the same fused chain, so the same bits. Sixteen registers
// hold 6 rows × 16 columns of accumulators, so a call runs the panel's two
// halves of 16 columns in blocks of up to 6 rows.

// The lanes of an 8-float vector below n.
__m256i lane_mask(int64_t n) {
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(int(std::clamp<int64_t>(n, 0, 8))), lanes);
}

// Rows [0, kR) × columns [0, min(columns, 16)) of the micro-kernel below.
template <int kR, bool kPanelB>
void half_panel_block(const float* a, int64_t a_row, int64_t a_depth, const float* b, int64_t ldb,
                      int64_t depth, float* c, int64_t ldc, int64_t columns, Chain chain,
                      const float* next) {
  const __m256i lo = lane_mask(columns), hi = lane_mask(columns - 8);
  const bool load = chain == Chain::kContinue;
  __m256 acc_lo[kR], acc_hi[kR];
#pragma GCC unroll 8
  for (int r = 0; r < kR; ++r) {
    acc_lo[r] = load ? _mm256_maskload_ps(c + r * ldc, lo) : _mm256_setzero_ps();
    acc_hi[r] = load ? _mm256_maskload_ps(c + r * ldc + 8, hi) : _mm256_setzero_ps();
  }
  for (int64_t k = 0; k < depth; ++k) {
    const __m256 b_lo = kPanelB ? _mm256_load_ps(b + k * ldb) : _mm256_maskload_ps(b + k * ldb, lo);
    const __m256 b_hi =
        kPanelB ? _mm256_load_ps(b + k * ldb + 8) : _mm256_maskload_ps(b + k * ldb + 8, hi);
    if (next) _mm_prefetch(reinterpret_cast<const char*>(next + k * ldb), _MM_HINT_T1);
    const float* ak = a + k * a_depth;
#pragma GCC unroll 8
    for (int r = 0; r < kR; ++r) {
      const __m256 x = _mm256_broadcast_ss(ak + r * a_row);
      acc_lo[r] = _mm256_fmadd_ps(x, b_lo, acc_lo[r]);
      acc_hi[r] = _mm256_fmadd_ps(x, b_hi, acc_hi[r]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < kR; ++r) {
    if (chain == Chain::kAddTo) {
      acc_lo[r] = _mm256_add_ps(acc_lo[r], _mm256_maskload_ps(c + r * ldc, lo));
      acc_hi[r] = _mm256_add_ps(acc_hi[r], _mm256_maskload_ps(c + r * ldc + 8, hi));
    }
    _mm256_maskstore_ps(c + r * ldc, lo, acc_lo[r]);
    _mm256_maskstore_ps(c + r * ldc + 8, hi, acc_hi[r]);
  }
}

// The contract of the AVX-512 kernel above; `next`'s rows are fetched by the
// first row block of each half.
template <int kR, bool kPanelB>
void micro_kernel(const float* a, int64_t a_row, int64_t a_depth, const float* b, int64_t ldb,
                  int64_t depth, float* c, int64_t ldc, int64_t columns, Chain chain,
                  const float* next) {
  if constexpr (kPanelB) ldb = kPanel;
  constexpr int kBlock = kR < 6 ? kR : 6;
  for (int64_t h = 0; h < columns; h += 16) {
    half_panel_block<kBlock, kPanelB>(a, a_row, a_depth, b + h, ldb, depth, c + h, ldc, columns - h,
                                      chain, next ? next + h : nullptr);
    if constexpr (kR > kBlock)
      half_panel_block<kR - kBlock, kPanelB>(a + kBlock * a_row, a_row, a_depth, b + h, ldb, depth,
                                             c + kBlock * ldc + h, ldc, columns - h, chain,
                                             nullptr);
  }
}

#else

// The same chains, one element at a time.
template <int kR, bool>
void micro_kernel(const float* a, int64_t a_row, int64_t a_depth, const float* b, int64_t ldb,
                  int64_t depth, float* c, int64_t ldc, int64_t columns, Chain chain,
                  const float*) {
  for (int r = 0; r < kR; ++r)
    for (int64_t j = 0; j < columns; ++j) {
      float acc = chain == Chain::kContinue ? c[r * ldc + j] : 0.0f;
      for (int64_t k = 0; k < depth; ++k)
        acc = std::fma(a[r * a_row + k * a_depth], b[k * ldb + j], acc);
      c[r * ldc + j] = chain == Chain::kAddTo ? c[r * ldc + j] + acc : acc;
    }
}

#endif

using MicroKernel = void (*)(const float*, int64_t, int64_t, const float*, int64_t, int64_t, float*,
                             int64_t, int64_t, Chain, const float*);

template <bool kPanelB, int... kR>
constexpr auto make_kernels(std::integer_sequence<int, kR...>) {
  return std::array<MicroKernel, sizeof...(kR)>{&micro_kernel<kR + 1, kPanelB>...};
}

// kernels[r - 1] handles r rows of a product with a packed panel,
// strided_kernels[r - 1] with b read in place.
constexpr auto kernels = make_kernels<true>(std::make_integer_sequence<int, int(kRows)>{});
constexpr auto strided_kernels = make_kernels<false>(std::make_integer_sequence<int, int(kRows)>{});

// Rows [r0, r1) × panels [p0, p1) of out = in · Wᵀ, on the calling thread.
void multiply_block(float* out, const float* in, const PackedMatrix& w, int64_t r0, int64_t r1,
                    int64_t p0, int64_t p1) {
  const int64_t K = w.cols(), OC = w.rows(), P = (OC + kPanel - 1) / kPanel;
  // Rows longer than one depth pass are copied a block at a time into
  // adjacent rows: 12 rows 4 or 8 KiB apart (K = 1024, 2048: the down
  // projection, the gate/up input gradient) fall into one L1 set and evict
  // each other between the panels that reuse them.
  const bool copy = K > kDepth && p1 - p0 > 1;
  alignas(64) float block[kRows * kDepth];
  for (int64_t k0 = 0; k0 < K; k0 += kDepth) {
    const int64_t depth = std::min(kDepth, K - k0);
    for (int64_t m = r0; m < r1; m += kRows) {
      const int64_t rows = std::min(kRows, r1 - m);
      const MicroKernel kernel = kernels[size_t(rows - 1)];
      const float* a = in + m * K + k0;
      int64_t lda = K;
      if (copy) {
        for (int64_t r = 0; r < rows; ++r)
          std::copy(a + r * K, a + r * K + depth, block + r * depth);
        a = block;
        lda = depth;
      }
      for (int64_t p = p0; p < p1; ++p)
        kernel(a, lda, 1, w.panel(p) + k0 * kPanel, kPanel, depth, out + m * OC + p * kPanel, OC,
               std::min(kPanel, OC - p * kPanel), k0 == 0 ? Chain::kFromZero : Chain::kContinue,
               m == r0 && p + 1 < P ? w.panel(p + 1) + k0 * kPanel : nullptr);
    }
  }
}

}  // namespace

void PackedMatrix::Free::operator()(float* p) const {
  std::free(p);
}

float* PackedMatrix::reserve(int64_t rows, int64_t cols) {
  rows_ = rows;
  cols_ = cols;
  const int64_t panels = (rows + kPanel - 1) / kPanel, size = panels * cols * kPanel;
  if (size > capacity_) {
    // 64-byte rows of a panel are whole cache lines (and aligned vector loads).
    const size_t bytes = (size_t(size) * sizeof(float) + 63) / 64 * 64;
    data_.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
    if (!data_) throw std::bad_alloc();
    capacity_ = size;
  }
  return data_.get();
}

void PackedMatrix::pack(const float* w, int64_t rows, int64_t cols) {
  float* dst = reserve(rows, cols);
  const int64_t panels = (rows + kPanel - 1) / kPanel;
#pragma omp parallel for schedule(static) if (rows * cols >= kMinParallelMacs)
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t j = 0; j < kPanel; ++j) {
      const int64_t r = p * kPanel + j;
      float* out = dst + p * cols * kPanel + j;
      for (int64_t k = 0; k < cols; ++k) out[k * kPanel] = r < rows ? w[r * cols + k] : 0.0f;
    }
}

void PackedMatrix::pack_transposed(const float* x, int64_t depth, int64_t rows) {
  float* dst = reserve(rows, depth);
  const int64_t panels = (rows + kPanel - 1) / kPanel;
#pragma omp parallel for schedule(static) if (rows * depth >= kMinParallelMacs)
  for (int64_t p = 0; p < panels; ++p) {
    const int64_t width = std::min(kPanel, rows - p * kPanel);
    for (int64_t k = 0; k < depth; ++k) {
      float* out = dst + (p * depth + k) * kPanel;
      std::copy(x + k * rows + p * kPanel, x + k * rows + p * kPanel + width, out);
      std::fill(out + width, out + kPanel, 0.0f);
    }
  }
}

namespace {

// The parallel tasks of a product with `rows` output rows and P column
// panels: blocks of kTaskRows rows times groups of panels, the groups halved
// (from kTaskPanels) until every thread has at least `per_thread` tasks.
// Which task computes an element never changes its value.
struct TaskGrid {
  struct Block {
    int64_t r0, r1, p0, p1;
  };
  TaskGrid(int64_t rows, int64_t P, int64_t per_thread) : rows(rows), P(P) {
    const int64_t row_tasks = (rows + kTaskRows - 1) / kTaskRows;
    const int64_t threads = omp_in_parallel() ? 1 : omp_get_max_threads();
    while (group > 1 && row_tasks * ((P + group - 1) / group) < per_thread * threads) group /= 2;
    groups = (P + group - 1) / group;
    tasks = row_tasks * groups;
  }
  Block block(int64_t task) const {
    const int64_t r0 = task / groups * kTaskRows, p0 = task % groups * group;
    return {r0, std::min(rows, r0 + kTaskRows), p0, std::min(P, p0 + group)};
  }
  int64_t rows, P, group = kTaskPanels, groups = 0, tasks = 0;
};

}  // namespace

void packed_matmul(float* out, const float* in, const PackedMatrix& w, int64_t N) {
  const int64_t K = w.cols(), OC = w.rows(), P = (OC + kPanel - 1) / kPanel;
  if (N <= 0 || OC <= 0) return;
  if (K == 0) {
    std::fill(out, out + N * OC, 0.0f);
    return;
  }
  // Enough tasks for every thread: split the panels when the rows are few
  // (a decode step).
  const TaskGrid grid(N, P, 8);
#pragma omp parallel for schedule(static) if (grid.tasks > 1 && N * OC * K >= kMinParallelMacs)
  for (int64_t task = 0; task < grid.tasks; ++task) {
    const TaskGrid::Block b = grid.block(task);
    multiply_block(out, in, w, b.r0, b.r1, b.p0, b.p1);
  }
}

void packed_matmul_panels(float* out, const float* in, const PackedMatrix& w, int64_t N, int64_t p0,
                          int64_t p1) {
  if (N <= 0 || p0 >= p1) return;
  if (w.cols() == 0) {
    for (int64_t n = 0; n < N; ++n)
      std::fill(out + n * w.rows() + p0 * kPanel,
                out + n * w.rows() + std::min(w.rows(), p1 * kPanel), 0.0f);
    return;
  }
  for (int64_t r0 = 0; r0 < N; r0 += kTaskRows)
    for (int64_t g0 = p0; g0 < p1; g0 += kTaskPanels)
      multiply_block(out, in, w, r0, std::min(N, r0 + kTaskRows), g0,
                     std::min(p1, g0 + kTaskPanels));
}

void weight_gradient(float* dw, const float* dout, const float* inp, int64_t N, int64_t OC,
                     int64_t IC, PackedMatrix& panels) {
  if (N <= 0 || OC <= 0 || IC <= 0) return;
  const int64_t P = (IC + kPanel - 1) / kPanel;
  const TaskGrid grid(OC, P, 4);
  panels.pack_transposed(inp, N, IC);
  // doutᵀ is read in place: row r of a 12-row block is column m + r of dout,
  // so the block's 12 values of one token are adjacent.
#pragma omp parallel for schedule(static) if (grid.tasks > 1 && OC * IC * N >= kMinParallelMacs)
  for (int64_t task = 0; task < grid.tasks; ++task) {
    const TaskGrid::Block b = grid.block(task);
    for (int64_t k0 = 0; k0 < N; k0 += kDepth) {
      const int64_t depth = std::min(kDepth, N - k0);
      for (int64_t m = b.r0; m < b.r1; m += kRows) {
        const int64_t rows = std::min(kRows, b.r1 - m);
        const MicroKernel kernel = kernels[size_t(rows - 1)];
        for (int64_t p = b.p0; p < b.p1; ++p)
          kernel(dout + k0 * OC + m, 1, OC, panels.panel(p) + k0 * kPanel, kPanel, depth,
                 dw + m * IC + p * kPanel, IC, std::min(kPanel, IC - p * kPanel), Chain::kAddTo,
                 nullptr);
      }
    }
  }
}

void strided_matmul(float* c, int64_t ldc, const float* a, int64_t a_row, int64_t a_depth,
                    const float* b, int64_t ldb, int64_t rows, int64_t columns, int64_t depth,
                    bool accumulate) {
  for (int64_t r = 0; r < rows; r += kRows) {
    const MicroKernel kernel = strided_kernels[size_t(std::min(kRows, rows - r) - 1)];
    for (int64_t j = 0; j < columns; j += kPanel)
      kernel(a + r * a_row, a_row, a_depth, b + j, ldb, depth, c + r * ldc + j, ldc,
             std::min(kPanel, columns - j), accumulate ? Chain::kContinue : Chain::kFromZero,
             nullptr);
  }
}

void strided_matmul(double* c, int64_t ldc, const double* a, int64_t a_row, int64_t a_depth,
                    const double* b, int64_t ldb, int64_t rows, int64_t columns, int64_t depth,
                    bool accumulate) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < columns; ++j) {
      double acc = accumulate ? c[r * ldc + j] : 0.0;
      for (int64_t k = 0; k < depth; ++k)
        acc = std::fma(a[r * a_row + k * a_depth], b[k * ldb + j], acc);
      c[r * ldc + j] = acc;
    }
}

}  // namespace r1
