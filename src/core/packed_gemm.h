// Products with a weight matrix, out = in · Wᵀ, on W repacked once into
// panels: the inner loop of every projection in the training forward and in
// decoding; and the backward's products, on panels read in place. BLAS repacks W on every call,
// which for a decode step of a few rows costs as much as the product itself; and its kernel for few
// rows rounds differently from the one for many, so a token decoded alone would not get the bits it
// gets inside a training batch. Here every output element is one fused multiply-add chain over k =
// 0, 1, …, IC−1, started from zero: a row's result is the same bits whatever the number of rows,
// the other rows, the thread count, or the instruction set (the scalar path fuses too). A gradient
// sum over the batch is then one chain over the tokens in order: the same bits for any thread
// count.
#pragma once

#include <cstdint>
#include <memory>

namespace r1 {

// The right factor B of a product out = A · Bᵀ, read as panels of kPanel
// rows of B (kPanel columns of the product): element (row p·kPanel + j,
// depth k) of B is at data[p·panel_stride + k·k_stride + j]. Rows past
// `rows` in the last panel are never read, unless `packed`: a PackedMatrix,
// whose panels are 64-byte aligned, k_stride = kPanel, and zero past `rows`.
struct PanelView {
  static constexpr int64_t kPanel = 32;
  const float* data = nullptr;
  int64_t rows = 0, depth = 0;
  int64_t panel_stride = 0, k_stride = 0;
  bool packed = false;
};

// B = xᵀ for a row-major x (depth, rows), in place: its panels are strips of
// kPanel columns of x. (Backward products: dinp = dout · W reads B = Wᵀ,
// dW = doutᵀ · inp reads B = inpᵀ.)
PanelView transposed_panels(const float* x, int64_t depth, int64_t rows);

// W (rows, cols) row-major copied into panels stored k-major, each
// (cols, kPanel) with the rows past `rows` zero: B = W for out = in · Wᵀ,
// contiguous in the order the kernel reads it.
class PackedMatrix {
 public:
  static constexpr int64_t kPanel = PanelView::kPanel;

  void pack(const float* w, int64_t rows, int64_t cols);
  // B = xᵀ for a row-major x (depth, rows): dinp = dout · W packs W so.
  void pack_transposed(const float* x, int64_t depth, int64_t rows);

  int64_t rows() const { return rows_; }
  int64_t cols() const { return cols_; }
  PanelView view() const { return {data_.get(), rows_, cols_, cols_ * kPanel, kPanel, true}; }

 private:
  struct Free {
    void operator()(float* p) const;
  };
  // Sets the shape and makes room; returns the panels.
  float* reserve(int64_t rows, int64_t cols);
  int64_t rows_ = 0, cols_ = 0, capacity_ = 0;
  std::unique_ptr<float[], Free> data_;
};

// The left factor: element (m, k) of A at data[m·row_stride + k·k_stride].
struct StridedMatrix {
  const float* data = nullptr;
  int64_t row_stride = 0, k_stride = 0;
};

// out (M, b.rows) row-major = [out +] a (M, b.depth) · bᵀ. With `accumulate`
// each element's chain starts from its value in out instead of zero.
void panel_matmul(float* out, StridedMatrix a, const PanelView& b, int64_t M, bool accumulate);

// out (N, W.rows()) = in (N, W.cols()) · Wᵀ, both row-major and contiguous.
inline void packed_matmul(float* out, const float* in, const PackedMatrix& w, int64_t N) {
  panel_matmul(out, {in, w.cols(), 1}, w.view(), N, false);
}

}  // namespace r1
