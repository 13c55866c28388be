#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/packed_gemm.h"
#include "core/rng.h"
#include "core/threads.h"

namespace r1 {
namespace {

std::vector<float> random_values(int64_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = float(rng.normal());
  return v;
}

// The documented order: out[m][j] = one fused multiply-add chain over k of
// A(m,k)·B(j,k), from the value in `out`, with A(m,k) = a[m·ars + k·aks] and
// B(j,k) = b[j·brs + k·bks].
std::vector<float> fma_chain(const float* a, int64_t ars, int64_t aks, const float* b, int64_t brs,
                             int64_t bks, int64_t M, int64_t N, int64_t K, std::vector<float> out) {
  for (int64_t m = 0; m < M; ++m)
    for (int64_t j = 0; j < N; ++j) {
      float& acc = out[size_t(m * N + j)];
      for (int64_t k = 0; k < K; ++k)
        acc = std::fma(a[m * ars + k * aks], b[j * brs + k * bks], acc);
    }
  return out;
}

// in (N, IC) · wᵀ for w (OC, IC).
std::vector<float> fma_chain(const std::vector<float>& in, const std::vector<float>& w, int64_t N,
                             int64_t IC, int64_t OC) {
  return fma_chain(in.data(), IC, 1, w.data(), IC, 1, N, OC, IC,
                   std::vector<float>(size_t(N * OC)));
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Awkward sizes around the kernel's blocks: 12 rows, 32-column panels, depth
// passes of 512, 96-row tasks.
TEST(PackedGemm, EqualsTheFmaChainBitForBit) {
  for (int64_t N : {1, 5, 12, 13, 97, 200})
    for (int64_t OC : {1, 17, 32, 33, 96})
      for (int64_t IC : {1, 15, 511, 512, 1030}) {
        const std::vector<float> in = random_values(N * IC, 1), w = random_values(OC * IC, 2);
        PackedMatrix packed;
        packed.pack(w.data(), OC, IC);
        std::vector<float> out(size_t(N * OC), NAN);
        packed_matmul(out.data(), in.data(), packed, N);
        EXPECT_TRUE(same_bits(out, fma_chain(in, w, N, IC, OC)))
            << "N " << N << " OC " << OC << " IC " << IC;
      }
}

// Against double precision, with the bound of a length-IC sum of products:
// |error| ≤ IC·u·Σ|x·w| (u = 2⁻²⁴), which the FMA chain meets.
TEST(PackedGemm, WithinTheRoundingBoundOfDoublePrecision) {
  const int64_t N = 37, OC = 70, IC = 700;
  const std::vector<float> in = random_values(N * IC, 3), w = random_values(OC * IC, 4);
  PackedMatrix packed;
  packed.pack(w.data(), OC, IC);
  std::vector<float> out(size_t(N * OC));
  packed_matmul(out.data(), in.data(), packed, N);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t o = 0; o < OC; ++o) {
      double exact = 0, magnitude = 0;
      for (int64_t k = 0; k < IC; ++k) {
        const double p = double(in[size_t(n * IC + k)]) * double(w[size_t(o * IC + k)]);
        exact += p;
        magnitude += std::fabs(p);
      }
      EXPECT_LE(std::fabs(out[size_t(n * OC + o)] - exact), double(IC) * 0x1p-24 * magnitude);
    }
}

// A row's bits do not depend on the other rows or on the thread count.
TEST(PackedGemm, RowsAreIndependentOfBatchAndThreads) {
  const int64_t N = 150, OC = 384, IC = 384;
  const std::vector<float> in = random_values(N * IC, 5), w = random_values(OC * IC, 6);
  PackedMatrix packed;
  packed.pack(w.data(), OC, IC);
  set_threads(2);
  std::vector<float> all(size_t(N * OC));
  packed_matmul(all.data(), in.data(), packed, N);
  set_threads(1);
  std::vector<float> one(size_t(N * OC));
  packed_matmul(one.data(), in.data(), packed, N);
  EXPECT_TRUE(same_bits(all, one));
  set_threads(2);
  for (int64_t n : {0, 11, 149}) {
    std::vector<float> row(static_cast<size_t>(OC));
    packed_matmul(row.data(), in.data() + n * IC, packed, 1);
    EXPECT_EQ(std::memcmp(row.data(), all.data() + n * OC, size_t(OC) * sizeof(float)), 0)
        << "row " << n;
  }
}

// The backward's input gradient dinp = dout·W on Wᵀ packed: each element
// one chain over the output index in order.
TEST(PackedGemm, InputGradientOnTheTransposeEqualsTheFmaChain) {
  for (int64_t N : {1, 13, 530})
    for (int64_t IC : {7, 32, 45})
      for (int64_t OC : {5, 33, 600}) {
        const std::vector<float> dout = random_values(N * OC, 10), w = random_values(OC * IC, 11);
        PackedMatrix w_t;
        w_t.pack_transposed(w.data(), OC, IC);
        std::vector<float> dinp(size_t(N * IC), NAN);
        packed_matmul(dinp.data(), dout.data(), w_t, N);
        const std::vector<float> expect = fma_chain(dout.data(), OC, 1, w.data(), 1, IC, N, IC, OC,
                                                    std::vector<float>(dinp.size()));
        EXPECT_TRUE(same_bits(dinp, expect)) << "N " << N << " IC " << IC << " OC " << OC;
      }
}

// dw (OC, IC) += doutᵀ · inp as documented: per block of 512 rows of dout and
// inp, one fused multiply-add chain from zero, added to dw in block order.
std::vector<float> weight_gradient_blocks(const std::vector<float>& dout,
                                          const std::vector<float>& inp, int64_t N, int64_t OC,
                                          int64_t IC, std::vector<float> dw) {
  for (int64_t n0 = 0; n0 < N; n0 += 512) {
    const int64_t rows = std::min<int64_t>(512, N - n0);
    const std::vector<float> block = fma_chain(dout.data() + n0 * OC, 1, OC, inp.data() + n0 * IC,
                                               1, IC, OC, IC, rows, std::vector<float>(dw.size()));
    for (size_t i = 0; i < dw.size(); ++i) dw[i] += block[i];
  }
  return dw;
}

TEST(PackedGemm, WeightGradientAddsTheBlocksChainsBitForBit) {
  for (int64_t N : {1, 13, 511, 512, 513, 1100})
    for (int64_t OC : {1, 13, 97, 100})
      for (int64_t IC : {1, 31, 33, 70}) {
        const std::vector<float> dout = random_values(N * OC, 12), inp = random_values(N * IC, 13),
                                 start = random_values(OC * IC, 14);
        std::vector<float> dw = start;
        PackedMatrix panels;
        weight_gradient(dw.data(), dout.data(), inp.data(), N, OC, IC, panels);
        EXPECT_TRUE(same_bits(dw, weight_gradient_blocks(dout, inp, N, OC, IC, start)))
            << "N " << N << " OC " << OC << " IC " << IC;
      }
}

TEST(PackedGemm, WeightGradientIsIndependentOfThreads) {
  const int64_t N = 1500, OC = 200, IC = 150;
  const std::vector<float> dout = random_values(N * OC, 15), inp = random_values(N * IC, 16);
  PackedMatrix panels;
  std::vector<float> two(size_t(OC * IC)), one(size_t(OC * IC));
  set_threads(2);
  weight_gradient(two.data(), dout.data(), inp.data(), N, OC, IC, panels);
  set_threads(1);
  weight_gradient(one.data(), dout.data(), inp.data(), N, OC, IC, panels);
  set_threads(2);
  EXPECT_TRUE(same_bits(two, one));
}

// Repacking a different matrix into the same object replaces it.
TEST(PackedGemm, RepackingReplacesTheMatrix) {
  const std::vector<float> in = random_values(3 * 40, 7), small = random_values(5 * 40, 8),
                           large = random_values(70 * 40, 9);
  PackedMatrix packed;
  packed.pack(large.data(), 70, 40);
  packed.pack(small.data(), 5, 40);
  std::vector<float> out(3 * 5);
  packed_matmul(out.data(), in.data(), packed, 3);
  EXPECT_TRUE(same_bits(out, fma_chain(in, small, 3, 40, 5)));
}

}  // namespace
}  // namespace r1
