// Products with a weight matrix, out = in · Wᵀ, on W repacked once into
// panels: every projection of the training forward and of decoding, and the
// backward's input gradient dinp = dout · W (on Wᵀ packed). BLAS repacks W on
// every call, which for a decode step of a few rows costs as much as the
// product itself; and its kernel for few rows rounds differently from the one
// for many, so a token decoded alone would not get the bits it gets inside a
// training batch. Here every output element is one fused multiply-add chain
// over k = 0, 1, …, IC−1, started from zero: a row's result is the same bits
// whatever the number of rows, the other rows, the thread count, or the
// instruction set (the scalar path fuses too).
#pragma once

#include <cstdint>
#include <memory>

namespace r1 {

// W (rows, cols) row-major copied into panels of kPanel rows of W (kPanel
// columns of the product), each stored k-major (cols, kPanel), 64-byte
// aligned, the rows past `rows` zero: contiguous in the order the kernel
// reads it.
class PackedMatrix {
 public:
  static constexpr int64_t kPanel = 32;

  void pack(const float* w, int64_t rows, int64_t cols);
  // Packs xᵀ for a row-major x (depth, rows): dinp = dout · W packs W so.
  void pack_transposed(const float* x, int64_t depth, int64_t rows);

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  const float* panel(int64_t p) const { return data_.get() + p * cols_ * kPanel; }

 private:
  struct Free {
    void operator()(float* p) const;
  };
  // Sets the shape and makes room; returns the panels.
  float* reserve(int64_t rows, int64_t cols);
  int64_t rows_ = 0, cols_ = 0, capacity_ = 0;
  std::unique_ptr<float[], Free> data_;
};

// out (N, W.rows()) = in (N, W.cols()) · Wᵀ, both row-major and contiguous.
void packed_matmul(float* out, const float* in, const PackedMatrix& w, int64_t N);
// Output columns [p0·kPanel, p1·kPanel) of the same product (panels p0 … p1 −
// 1) on the calling thread, with the same bits: a team of threads splits a
// decode step's products by panels, each thread reading only its share of W.
void packed_matmul_panels(float* out, const float* in, const PackedMatrix& w, int64_t N, int64_t p0,
                          int64_t p1);

// dw (OC, IC) += doutᵀ · inp for row-major dout (N, OC) and inp (N, IC): the
// weight gradient of out = in · Wᵀ, on the same micro-kernel (OpenBLAS ran
// it at half this machine's SGEMM speed when the environment pins an AVX2
// core type). inp is packed whole into `panels`, doutᵀ read in place.
// Each element adds to dw, in order, one fused multiply-add chain from zero
// per block of 512 rows (n = 0 … 511, 512 … 1023, …): a sum over thousands
// of tokens rounds as a sum of blocks, as accurate as BLAS's, and its bits
// do not depend on the thread count.
void weight_gradient(float* dw, const float* dout, const float* inp, int64_t N, int64_t OC,
                     int64_t IC, PackedMatrix& panels);

// c (rows, columns; ldc) = [c +] a · b for operands already in cache, read
// in place with any strides — a's element (r, k) at a[r·a_row + k·a_depth]
// (a transposed operand is a_row = 1), b's (k, j) at b[k·ldb + j] — so the
// small products of the attention backward need no packing. Every element
// is one fused multiply-add chain over k = 0 … depth − 1, continuing c's
// value when `accumulate`, else starting from zero.
void strided_matmul(float* c, int64_t ldc, const float* a, int64_t a_row, int64_t a_depth,
                    const float* b, int64_t ldb, int64_t rows, int64_t columns, int64_t depth,
                    bool accumulate);
// The same chains in double precision (the gradient checks), one element at a time.
void strided_matmul(double* c, int64_t ldc, const double* a, int64_t a_row, int64_t a_depth,
                    const double* b, int64_t ldb, int64_t rows, int64_t columns, int64_t depth,
                    bool accumulate);

}  // namespace r1
