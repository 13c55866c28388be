// Transformer ops as forward/backward pairs (llm.c style). Shapes are in the
// first comment line of each; N = rows (B·T). Backward functions *add* into
// the gradients of their inputs and parameters, so fan-in needs nothing
// special. Row-parallel loops write disjoint rows; parameter-gradient
// reductions run in a fixed order, so results do not depend on thread count
// except through BLAS. Every op is instantiated for float (the engine) and
// double (the gradient checks run the same code in double precision).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "core/packed_gemm.h"

namespace r1::ops {

// An optional pointer argument (may be null) that does not take part in
// template argument deduction, so callers can pass nullptr.
template <typename Real>
using Nullable = std::type_identity_t<Real>;

// Loops over fewer elements than this run on the calling thread alone: a
// parallel region costs microseconds even when the pool's threads spin, tens
// of microseconds when they sleep, and far more when another process holds
// their core. Decoding a batch meets many such small loops (an RMSNorm of 64
// rows is a few microseconds of work). Which thread computes a row never
// changes its value, so this does not change results.
inline constexpr int64_t kMinParallelWork = int64_t(1) << 13;

// out (N,C) = embed[ids[n]] ; embed is (V,C)
template <typename Real>
void embedding_forward(Real* out, const int32_t* ids, const Real* embed, int64_t N, int64_t C);
// dembed (V,C) += dout rows scattered by ids
template <typename Real>
void embedding_backward(Real* dembed, const Real* dout, const int32_t* ids, int64_t N, int64_t C);

// out (N,C) = x · rsqrt(mean(x²) + eps) · w ; rstd (N) saved for backward.
// Rows of x and out are `xs` and `os` floats apart (≥ C), so per-head norms run
// on strided views.
template <typename Real>
void rmsnorm_forward(Real* out, Real* rstd, const Real* x, const Real* w, int64_t N, int64_t C,
                     double eps, int64_t xs, int64_t os);
// dx (N,C) += ... (row stride xs), dw (C) += ... ; dout has row stride os.
template <typename Real>
void rmsnorm_backward(Real* dx, Real* dw, const Real* dout, const Real* x, const Real* w,
                      const Real* rstd, int64_t N, int64_t C, int64_t xs, int64_t os);

// out (N,OC) = inp (N,IC) · weight (OC,IC)ᵀ + bias (OC)
template <typename Real>
void matmul_forward(Real* out, const Real* inp, const Real* weight, const Nullable<Real>* bias,
                    int64_t N, int64_t IC, int64_t OC);
// out (N,OC) = inp (N,IC) · Wᵀ + bias (OC) with W packed (OC,IC): the
// projections of the training forward and of decoding, which must agree bit
// for bit (core/packed_gemm.h).
void matmul_forward(float* out, const float* inp, const PackedMatrix& weight, const float* bias,
                    int64_t N);
// dinp (N,IC) += dout·weight ; dweight (OC,IC) += doutᵀ·inp ; dbias (OC) += Σ dout
// (dinp may be null when the input needs no gradient)
template <typename Real>
void matmul_backward(Nullable<Real>* dinp, Real* dweight, Nullable<Real>* dbias, const Real* dout,
                     const Real* inp, const Real* weight, int64_t N, int64_t IC, int64_t OC);

// The training backward's form: dinp (N,IC) = dout·W — overwritten, not
// added to (it is the input gradient's only term, and overwriting saves
// clearing it first) — with W's transpose packed (PackedMatrix::
// pack_transposed); dweight (OC,IC) += doutᵀ·inp (core/packed_gemm.h's
// weight_gradient, with `input_panels` its scratch) ; dbias (OC) += Σ dout.
void matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                     const PackedMatrix& weight_t, int64_t N, PackedMatrix& input_panels);

// Rotary position embedding, Hugging Face rotate_half convention: within each
// head of size D, dims i and i+D/2 form a pair rotated by angle pos·θ^(-2i/D).
// x is (B,T,H,D) with row stride `stride` per token; cos/sin are (maxT, D/2).
template <typename Real>
void rope_forward(Real* x, const Real* cos, const Real* sin, int64_t B, int64_t T, int64_t H,
                  int64_t D, int64_t stride, int64_t pos0);
// In place: dx = rotation⁻¹(dx).
template <typename Real>
void rope_backward(Real* dx, const Real* cos, const Real* sin, int64_t B, int64_t T, int64_t H,
                   int64_t D, int64_t stride, int64_t pos0);
// The same rotation for N independent rows, row n at position positions[n]
// (decoding: each sequence of a batch is at its own position).
template <typename Real>
void rope_forward_rows(Real* x, const Real* cos, const Real* sin, int64_t N, int64_t H, int64_t D,
                       int64_t stride, const int32_t* positions);
// Its inverse for the same rows: dx = rotation⁻¹(dx).
template <typename Real>
void rope_backward_rows(Real* dx, const Real* cos, const Real* sin, int64_t N, int64_t H, int64_t D,
                        int64_t stride, const int32_t* positions);
// Fills cos/sin tables (maxT, D/2).
template <typename Real>
void rope_tables(Real* cos, Real* sin, int64_t maxT, int64_t D, double theta);

// e^x for float within 2 ulp of the exact value wherever it is a normal
// float (Cody–Waite reduction to |r| ≤ ln2/2, a degree-6 polynomial, 2ⁿ
// from exponent bits; below ≈ −87.3 it is 0, above ≈ 88.4 ∞; NaN stays NaN). Branch-free,
// so loops over it vectorize, and the same bits on every machine with FMA
// contraction alike: attention and SwiGLU use it in training and decoding.
// Double (the gradient checks) uses std::exp.
inline float fast_exp(float x) {
  constexpr float kLo = -87.3365447505531f, kHi = 88.3762626647949f;  // e^x underflows, overflows
  const float xc = x > kLo ? (x < kHi ? x : kHi) : kLo;               // NaN → kLo
  const float n = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;  // round(x/ln2)
  const float r = (xc - n * 0.693359375f) + n * 2.12194440e-4f;  // x − n·ln2, in two parts
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = (p * r) * r + r + 1.0f;
  // 2ⁿ as two normal factors (n reaches 128 at the top of the range).
  const int32_t n1 = int32_t(n) >> 1, n2 = int32_t(n) - n1;
  const int32_t bits1 = (n1 + 127) << 23, bits2 = (n2 + 127) << 23;
  float s1, s2;
  std::memcpy(&s1, &bits1, sizeof s1);
  std::memcpy(&s2, &bits2, sizeof s2);
  return x > kHi ? __builtin_inff() : x >= kLo ? y * s1 * s2 : x < kLo ? 0.0f : x;
}
inline double fast_exp(double x) {
  return std::exp(x);
}

// Keys for attend_rows: blocks of kKeyBlock positions, each (D, kKeyBlock) —
// key j's component d at block j / kKeyBlock, [d][j % kKeyBlock] — so that a
// query's scores for a block are one vector sweep over d.
inline constexpr int64_t kKeyBlock = 16;
// Floats of a key block store for `positions` keys of size D.
inline int64_t key_blocks_size(int64_t positions, int64_t D) {
  return (positions + kKeyBlock - 1) / kKeyBlock * kKeyBlock * D;
}
// Stores key k (D) at position j of a key block store.
template <typename Real>
void store_key(Real* blocks, int64_t j, const Real* k, int64_t D) {
  Real* dst = blocks + j / kKeyBlock * kKeyBlock * D + j % kKeyBlock;
  for (int64_t d = 0; d < D; ++d) dst[d * kKeyBlock] = k[d];
}

// Query rows r < rows (≤ kAttendRows) of one head, row r's query at
// q + r·ldq, over the keys at positions [first[r], last[r]) of a key block
// store: s_j = q·k_j / √D, p = softmax(s) (written to p + r·ldp at columns
// first[r] … last[r] − 1), out + r·ldo = Σ_j p_j·v_j (v_j at v + j·ldv).
// Every sum is a chain in an order fixed by the row's own key range and D
// (see the definition), not by the other rows. The training forward (tiles of
// rows) and the decoder (one row) both compute attention with it, so a
// query's output is the same bits whether it was computed alone or with the
// whole sequence.
// With a shared prefix the keys and values of positions below
// prefix.positions (a multiple of kKeyBlock) are read from its stores, laid
// out as the others: the decoder's samples of one prompt read the prompt's
// cache in place. Where a value is read from does not change its bits.
inline constexpr int64_t kAttendRows = 4;
template <typename Real>
struct SharedPrefix {
  const Real* key_blocks = nullptr;
  const Real* v = nullptr;
  int64_t positions = 0;
};
template <typename Real>
void attend_rows(Real* out, int64_t ldo, Real* p, int64_t ldp, const Real* q, int64_t ldq,
                 const Real* key_blocks, const Real* v, int64_t ldv, const int64_t* first,
                 const int64_t* last, int64_t rows, int64_t D,
                 const SharedPrefix<Real>& prefix = {});

// Which keys each position of a row attends to. Position t of row b attends
// to the keys j with starts[b,t] ≤ j ≤ t, its own document (starts[b,t] ≤ t
// is that document's first position; null starts: one causal document per
// row), and, when prefix_begin is given, to prefix_begin[b,t] ≤ j <
// prefix_end[b,t]: the document it continues — a group's shared prompt —
// which lies before its own (empty when the two are equal). Several
// documents may continue the same one; they do not see each other.
struct KeyRanges {
  KeyRanges(const int32_t* starts = nullptr, const int32_t* prefix_begin = nullptr,
            const int32_t* prefix_end = nullptr)
      : starts(starts), prefix_begin(prefix_begin), prefix_end(prefix_end) {}
  const int32_t* starts;
  const int32_t* prefix_begin;
  const int32_t* prefix_end;
};

// Causal grouped-query attention.
// q (B,T,Hq,D) row stride qs; k, v (B,T,Hkv,D) row strides ks, vs;
// out (B,T,Hq,D) contiguous. The probabilities are not kept (the backward
// recomputes them): memory grows with T, not T². A query's output is the
// same bits whatever else its row holds: its keys and values are read in
// the order [prefix, own document], as if they were one row of their own.
template <typename Real>
void attention_forward(Real* out, const Real* q, const Real* k, const Real* v, int64_t B, int64_t T,
                       int64_t Hq, int64_t Hkv, int64_t D, int64_t qs, int64_t ks, int64_t vs,
                       const KeyRanges& keys = {});
// dq, dk, dv = ... (same strides as q, k, v), overwritten, not added to:
// they are q, k and v's only gradients; out and keys are the forward's.
template <typename Real>
void attention_backward(Real* dq, Real* dk, Real* dv, const Real* dout, const Real* out,
                        const Real* q, const Real* k, const Real* v, int64_t B, int64_t T,
                        int64_t Hq, int64_t Hkv, int64_t D, int64_t qs, int64_t ks, int64_t vs,
                        const KeyRanges& keys = {});

// out (N,F) = silu(gu[:, :F]) · gu[:, F:] ; gu is (N,2F)
template <typename Real>
void swiglu_forward(Real* out, const Real* gu, int64_t N, int64_t F);
// dgu (N,2F) = ... — overwritten, not added to: it is gu's only gradient, and
// overwriting spares clearing it first.
template <typename Real>
void swiglu_backward(Real* dgu, const Real* dout, const Real* gu, int64_t N, int64_t F);

// From logits (N,V): logprobs[n] = log softmax(logits[n])[targets[n]],
// entropy[n] = −Σ p log p, lse[n] = log Σ exp(logits[n]) (saved).
template <typename Real>
void logprob_forward(Real* logprobs, Real* entropy, Real* lse, const Real* logits,
                     const int32_t* targets, int64_t N, int64_t V);
// dlogits (N,V) = dlogprobs·(onehot − p) + dentropy·(−p·(log p + H)); overwrites.
// dentropy may be null.
template <typename Real>
void logprob_backward(Real* dlogits, const Real* dlogprobs, const Nullable<Real>* dentropy,
                      const Real* logits, const Real* lse, const Real* entropy,
                      const int32_t* targets, int64_t N, int64_t V);

// y (n) *= s
template <typename Real>
void scale_inplace(Real* y, Real s, int64_t n);

// y (N,C) += x
template <typename Real>
void add_inplace(Real* y, const Real* x, int64_t n);
// out (N,C) = a + b
template <typename Real>
void add(Real* out, const Real* a, const Real* b, int64_t n);

}  // namespace r1::ops
