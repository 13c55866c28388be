// Finite-difference checks of every op's backward, run on the engine's own
// code instantiated in double precision, on small awkward shapes (odd sizes,
// strided rows, GQA groups, a rope position offset).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "grad_check.h"
#include "model/ops.h"

namespace r1 {

using testing::dot;
using testing::expect_gradient;
using testing::random_vector;
using Vec = std::vector<double>;

TEST(OpsGrad, Embedding) {
  const int64_t V = 7, C = 5, N = 9;
  const std::vector<int32_t> ids = {3, 0, 6, 3, 3, 1, 6, 2, 0};
  Vec embed = random_vector(V * C, 1), r = random_vector(N * C, 2), out(N * C);
  auto loss = [&] {
    ops::embedding_forward(out.data(), ids.data(), embed.data(), N, C);
    return dot(out, r);
  };
  Vec dembed(V * C, 0.0);
  ops::embedding_backward(dembed.data(), r.data(), ids.data(), N, C);
  expect_gradient("dembed", embed, dembed, loss);
}

// N = 150 spans several of the backward's row chunks, the last one partial.
TEST(OpsGrad, RmsnormStrided) {
  for (const int64_t N : {5, 150}) {
    const int64_t C = 7, xs = 9, os = 8;
    Vec x = random_vector(N * xs, 3), w = random_vector(C, 4), r = random_vector(N * os, 5);
    Vec out(N * os, 0.0), rstd(N);
    auto loss = [&] {
      ops::rmsnorm_forward(out.data(), rstd.data(), x.data(), w.data(), N, C, 1e-5, xs, os);
      double s = 0;
      for (int64_t n = 0; n < N; ++n)
        for (int64_t c = 0; c < C; ++c) s += out[n * os + c] * r[n * os + c];
      return s;
    };
    loss();
    Vec dx(N * xs, 0.0), dw(C, 0.0);
    ops::rmsnorm_backward(dx.data(), dw.data(), r.data(), x.data(), w.data(), rstd.data(), N, C, xs,
                          os);
    // Padding columns of a strided row get no gradient and must not be touched.
    for (int64_t n = 0; n < N; ++n)
      for (int64_t c = C; c < xs; ++c) EXPECT_EQ(dx[n * xs + c], 0.0);
    expect_gradient("dx", x, dx, loss);
    expect_gradient("dw", w, dw, loss);
  }
}

TEST(OpsGrad, MatmulWithBias) {
  const int64_t N = 5, IC = 7, OC = 3;
  Vec inp = random_vector(N * IC, 6), weight = random_vector(OC * IC, 7),
      bias = random_vector(OC, 8);
  Vec r = random_vector(N * OC, 9), out(N * OC);
  auto loss = [&] {
    ops::matmul_forward(out.data(), inp.data(), weight.data(), bias.data(), N, IC, OC);
    return dot(out, r);
  };
  Vec dinp(N * IC, 0.0), dweight(OC * IC, 0.0), dbias(OC, 0.0);
  ops::matmul_backward(dinp.data(), dweight.data(), dbias.data(), r.data(), inp.data(),
                       weight.data(), N, IC, OC);
  expect_gradient("dinp", inp, dinp, loss);
  expect_gradient("dweight", weight, dweight, loss);
  expect_gradient("dbias", bias, dbias, loss);
}

TEST(OpsGrad, RopeWithOffsetAndStride) {
  const int64_t B = 2, T = 5, H = 3, D = 6, stride = 20, pos0 = 3, maxT = 16;
  Vec cos(maxT * D / 2), sin(maxT * D / 2);
  ops::rope_tables(cos.data(), sin.data(), maxT, D, 10000.0);
  Vec x = random_vector(B * T * stride, 10), r = random_vector(B * T * stride, 11);
  auto loss = [&] {
    Vec y = x;
    ops::rope_forward(y.data(), cos.data(), sin.data(), B, T, H, D, stride, pos0);
    return dot(y, r);
  };
  Vec dx = r;
  ops::rope_backward(dx.data(), cos.data(), sin.data(), B, T, H, D, stride, pos0);
  expect_gradient("dx", x, dx, loss);
}

TEST(OpsGrad, RopeRowsAtTheirOwnPositions) {
  const int64_t N = 5, H = 2, D = 4, stride = 11, maxT = 8;
  const std::vector<int32_t> positions = {0, 1, 0, 7, 2};
  Vec cos(maxT * D / 2), sin(maxT * D / 2);
  ops::rope_tables(cos.data(), sin.data(), maxT, D, 10000.0);
  Vec x = random_vector(N * stride, 29), r = random_vector(N * stride, 30);
  auto loss = [&] {
    Vec y = x;
    ops::rope_forward_rows(y.data(), cos.data(), sin.data(), N, H, D, stride, positions.data());
    return dot(y, r);
  };
  Vec dx = r;
  ops::rope_backward_rows(dx.data(), cos.data(), sin.data(), N, H, D, stride, positions.data());
  expect_gradient("dx", x, dx, loss);
}

// The rotation itself, against the definition: pair (i, i+D/2) of the head at
// position p turns by p·θ^(-2i/D).
TEST(Ops, RopeMatchesDefinition) {
  const int64_t D = 4, maxT = 8;
  Vec cos(maxT * D / 2), sin(maxT * D / 2);
  ops::rope_tables(cos.data(), sin.data(), maxT, D, 100.0);
  Vec x = {1.0, 2.0, 3.0, 4.0};
  ops::rope_forward(x.data(), cos.data(), sin.data(), 1, 1, 1, D, D, 5);
  const double a0 = 5.0, a1 = 5.0 / 10.0;  // θ^(-2i/D) = 100^(-i/2): 1, 1/10
  EXPECT_NEAR(x[0], 1 * std::cos(a0) - 3 * std::sin(a0), 1e-6);
  EXPECT_NEAR(x[2], 3 * std::cos(a0) + 1 * std::sin(a0), 1e-6);
  EXPECT_NEAR(x[1], 2 * std::cos(a1) - 4 * std::sin(a1), 1e-6);
  EXPECT_NEAR(x[3], 4 * std::cos(a1) + 2 * std::sin(a1), 1e-6);
}

TEST(OpsGrad, GroupedQueryAttention) {
  const int64_t B = 2, T = 5, Hq = 4, Hkv = 2, D = 3;
  const int64_t qs = Hq * D + 2, ks = Hkv * D + 1, vs = Hkv * D + 3;
  Vec q = random_vector(B * T * qs, 12), k = random_vector(B * T * ks, 13);
  Vec v = random_vector(B * T * vs, 14), r = random_vector(B * T * Hq * D, 15);
  Vec out(B * T * Hq * D);
  auto loss = [&] {
    ops::attention_forward(out.data(), q.data(), k.data(), v.data(), B, T, Hq, Hkv, D, qs, ks, vs);
    return dot(out, r);
  };
  loss();
  Vec dq(q.size(), 0.0), dk(k.size(), 0.0), dv(v.size(), 0.0);
  // Twice: the gradients are written, not added to what the buffers held.
  for (int pass = 0; pass < 2; ++pass)
    ops::attention_backward(dq.data(), dk.data(), dv.data(), r.data(), out.data(), q.data(),
                            k.data(), v.data(), B, T, Hq, Hkv, D, qs, ks, vs);
  expect_gradient("dq", q, dq, loss);
  expect_gradient("dk", k, dk, loss);
  expect_gradient("dv", v, dv, loss);
}

// Long enough for several query/key blocks of the backward (the last one
// partial) and a head wider than one column panel (32), so every tail and
// the blocks' shared bookkeeping are checked; once causal only, once with
// documents whose boundaries fall inside blocks.
TEST(OpsGrad, AttentionAcrossBlocks) {
  const int64_t B = 1, T = 29, Hq = 2, Hkv = 1, D = 35;
  const int64_t qs = Hq * D + 1, ks = Hkv * D + 2, vs = Hkv * D + 3;
  std::vector<int32_t> documents(T);
  for (int64_t t = 0; t < T; ++t) documents[t] = t < 7 ? 0 : t < 18 ? 7 : 18;
  for (const int32_t* starts : std::array<const int32_t*, 2>{nullptr, documents.data()}) {
    Vec q = random_vector(B * T * qs, 32), k = random_vector(B * T * ks, 33);
    Vec v = random_vector(B * T * vs, 34), r = random_vector(B * T * Hq * D, 35);
    Vec out(B * T * Hq * D);
    auto loss = [&] {
      ops::attention_forward(out.data(), q.data(), k.data(), v.data(), B, T, Hq, Hkv, D, qs, ks, vs,
                             starts);
      return dot(out, r);
    };
    loss();
    Vec dq(q.size(), 0.0), dk(k.size(), 0.0), dv(v.size(), 0.0);
    ops::attention_backward(dq.data(), dk.data(), dv.data(), r.data(), out.data(), q.data(),
                            k.data(), v.data(), B, T, Hq, Hkv, D, qs, ks, vs, starts);
    expect_gradient("dq", q, dq, loss);
    expect_gradient("dk", k, dk, loss);
    expect_gradient("dv", v, dv, loss);

    // The float instantiation (its vector kernels, their partial tiles)
    // agrees with the double one it shares its blocking with: every gradient
    // is a sum of at most T·D products of O(1) terms, each rounded at float's
    // 2⁻²⁴, so 1e-4 relative to the gradients' size is a wide margin; a
    // wrong tile is O(1) off.
    const auto narrow = [](const Vec& x) { return std::vector<float>(x.begin(), x.end()); };
    std::vector<float> qf = narrow(q), kf = narrow(k), vf = narrow(v), rf = narrow(r);
    std::vector<float> outf(out.size()), dqf(q.size()), dkf(k.size()), dvf(v.size());
    ops::attention_forward(outf.data(), qf.data(), kf.data(), vf.data(), B, T, Hq, Hkv, D, qs, ks,
                           vs, starts);
    ops::attention_backward(dqf.data(), dkf.data(), dvf.data(), rf.data(), outf.data(), qf.data(),
                            kf.data(), vf.data(), B, T, Hq, Hkv, D, qs, ks, vs, starts);
    const auto expect_close = [](const char* what, const std::vector<float>& f, const Vec& d,
                                 int64_t rows, int64_t stride, int64_t width) {
      double size = 0;
      for (double x : d) size = std::max(size, std::abs(x));
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t c = 0; c < width; ++c)
          EXPECT_NEAR(f[i * stride + c], d[i * stride + c], 1e-4 * size)
              << what << " " << i << "," << c;
    };
    expect_close("dq", dqf, dq, B * T, qs, Hq * D);
    expect_close("dk", dkf, dk, B * T, ks, Hkv * D);
    expect_close("dv", dvf, dv, B * T, vs, Hkv * D);
  }
}

// Two documents packed in each row (starts marks where each position's
// document begins): the gradient check runs through the document mask.
TEST(OpsGrad, PackedAttention) {
  const int64_t B = 2, T = 5, Hq = 2, Hkv = 1, D = 3;
  const int64_t qs = Hq * D, ks = Hkv * D, vs = Hkv * D;
  const std::vector<int32_t> starts = {0, 0, 2, 2, 2, 0, 1, 1, 1, 1};
  Vec q = random_vector(B * T * qs, 22), k = random_vector(B * T * ks, 23);
  Vec v = random_vector(B * T * vs, 24), r = random_vector(B * T * Hq * D, 25);
  Vec out(B * T * Hq * D);
  auto loss = [&] {
    ops::attention_forward(out.data(), q.data(), k.data(), v.data(), B, T, Hq, Hkv, D, qs, ks, vs,
                           starts.data());
    return dot(out, r);
  };
  loss();
  Vec dq(q.size(), 0.0), dk(k.size(), 0.0), dv(v.size(), 0.0);
  // Twice: the gradients are written, not added to what the buffers held.
  for (int pass = 0; pass < 2; ++pass)
    ops::attention_backward(dq.data(), dk.data(), dv.data(), r.data(), out.data(), q.data(),
                            k.data(), v.data(), B, T, Hq, Hkv, D, qs, ks, vs, starts.data());
  expect_gradient("dq", q, dq, loss);
  expect_gradient("dk", k, dk, loss);
  expect_gradient("dv", v, dv, loss);
}

// A document packed after another computes exactly what it computes alone:
// positions 3..5 of a packed row against a row holding only that document.
TEST(Ops, PackedAttentionSeesOnlyItsDocument) {
  const int64_t T = 6, D = 2;
  const std::vector<int32_t> starts = {0, 0, 0, 3, 3, 3};
  Vec q = random_vector(T * D, 26), k = random_vector(T * D, 27), v = random_vector(T * D, 28);
  Vec out(T * D);
  ops::attention_forward(out.data(), q.data(), k.data(), v.data(), 1, T, 1, 1, D, D, D, D,
                         starts.data());
  Vec alone(3 * D);
  ops::attention_forward(alone.data(), q.data() + 3 * D, k.data() + 3 * D, v.data() + 3 * D, 1, 3,
                         1, 1, D, D, D, D);
  for (int64_t i = 0; i < 3 * D; ++i) EXPECT_EQ(out[3 * D + i], alone[i]) << i;
}

// Documents continuing a shared prefix (a group's prompt), as GRPO packs a
// group: P1 [0,5) ← A [5,26), B [26,33); P2 [33,37) ← C [37,41); E [41,50)
// alone; and D [50,58) ← P1 again, far from its prefix (its query blocks read
// two column ranges; P1's key blocks add the rows of B and of D as separate
// ranges).
struct SharedPrefixRow {
  static constexpr int64_t T = 58;
  std::vector<int32_t> starts, prefix_begin, prefix_end;
  SharedPrefixRow() {
    const struct {
      int32_t begin, end, pb, pe;
    } documents[] = {{0, 5, 0, 0},     {5, 26, 0, 5},    {26, 33, 0, 5}, {33, 37, 33, 33},
                     {37, 41, 33, 37}, {41, 50, 41, 41}, {50, 58, 0, 5}};
    for (const auto& d : documents)
      for (int32_t t = d.begin; t < d.end; ++t) {
        starts.push_back(d.begin);
        prefix_begin.push_back(d.pb);
        prefix_end.push_back(d.pe);
      }
  }
  ops::KeyRanges keys() const { return {starts.data(), prefix_begin.data(), prefix_end.data()}; }
};

TEST(OpsGrad, AttentionWithSharedPrefixes) {
  const SharedPrefixRow row;
  const int64_t B = 1, T = row.T, Hq = 2, Hkv = 1, D = 17;
  const int64_t qs = Hq * D + 1, ks = Hkv * D + 2, vs = Hkv * D + 3;
  Vec q = random_vector(B * T * qs, 42), k = random_vector(B * T * ks, 43);
  Vec v = random_vector(B * T * vs, 44), r = random_vector(B * T * Hq * D, 45);
  Vec out(B * T * Hq * D);
  auto loss = [&] {
    ops::attention_forward(out.data(), q.data(), k.data(), v.data(), B, T, Hq, Hkv, D, qs, ks, vs,
                           row.keys());
    return dot(out, r);
  };
  loss();
  Vec dq(q.size(), 0.0), dk(k.size(), 0.0), dv(v.size(), 0.0);
  // Twice: the gradients are written, not added to what the buffers held.
  for (int pass = 0; pass < 2; ++pass)
    ops::attention_backward(dq.data(), dk.data(), dv.data(), r.data(), out.data(), q.data(),
                            k.data(), v.data(), B, T, Hq, Hkv, D, qs, ks, vs, row.keys());
  expect_gradient("dq", q, dq, loss);
  expect_gradient("dk", k, dk, loss);
  expect_gradient("dv", v, dv, loss);
}

// The definition, directly: position t attends to its prefix's keys, then
// its own document's up to t — and, in float, gets exactly the bits of a row
// that holds only [prefix, own document] (what the decoder computes).
TEST(Ops, SharedPrefixAttentionIsTheConcatenatedRow) {
  const SharedPrefixRow row;
  const int64_t T = row.T, D = 3;
  Vec q = random_vector(T * D, 46), k = random_vector(T * D, 47), v = random_vector(T * D, 48);
  Vec out(T * D);
  ops::attention_forward(out.data(), q.data(), k.data(), v.data(), 1, T, 1, 1, D, D, D, D,
                         row.keys());
  const auto narrow = [](const Vec& x) { return std::vector<float>(x.begin(), x.end()); };
  std::vector<float> qf = narrow(q), kf = narrow(k), vf = narrow(v), outf(T * D);
  ops::attention_forward(outf.data(), qf.data(), kf.data(), vf.data(), 1, T, 1, 1, D, D, D, D,
                         row.keys());
  for (int64_t t = 0; t < T; ++t) {
    std::vector<int64_t> seen;
    for (int64_t j = row.prefix_begin[t]; j < row.prefix_end[t]; ++j) seen.push_back(j);
    for (int64_t j = row.starts[t]; j <= t; ++j) seen.push_back(j);
    double norm = 0, expected[D] = {};
    for (const int64_t j : seen) {
      double s = 0;
      for (int64_t d = 0; d < D; ++d) s += q[t * D + d] * k[j * D + d];
      const double w = std::exp(s / std::sqrt(double(D)));
      norm += w;
      for (int64_t d = 0; d < D; ++d) expected[d] += w * v[j * D + d];
    }
    for (int64_t d = 0; d < D; ++d) EXPECT_NEAR(out[t * D + d], expected[d] / norm, 1e-12) << t;
    // The same keys as a row of their own, the query last.
    const int64_t n = int64_t(seen.size());
    std::vector<float> q1(n * D), k1(n * D), v1(n * D), o1(n * D);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t d = 0; d < D; ++d) {
        q1[i * D + d] = qf[seen[i] * D + d];
        k1[i * D + d] = kf[seen[i] * D + d];
        v1[i * D + d] = vf[seen[i] * D + d];
      }
    ops::attention_forward(o1.data(), q1.data(), k1.data(), v1.data(), 1, n, 1, 1, D, D, D, D);
    for (int64_t d = 0; d < D; ++d) EXPECT_EQ(outf[t * D + d], o1[(n - 1) * D + d]) << t;
  }
}

// Causality and normalisation, from the definition: out_t = Σ_{j ≤ t}
// softmax_j(q_t·k_j / √D) · v_j, computed here directly.
TEST(Ops, AttentionIsCausal) {
  const int64_t T = 6, D = 2;
  Vec q = random_vector(T * D, 16), k = random_vector(T * D, 17), v = random_vector(T * D, 18);
  Vec out(T * D);
  ops::attention_forward(out.data(), q.data(), k.data(), v.data(), 1, T, 1, 1, D, D, D, D);
  for (int64_t t = 0; t < T; ++t) {
    double norm = 0, expected[D] = {};
    for (int64_t j = 0; j <= t; ++j) {
      const double w = std::exp((q[t * D] * k[j * D] + q[t * D + 1] * k[j * D + 1]) / std::sqrt(D));
      norm += w;
      for (int64_t d = 0; d < D; ++d) expected[d] += w * v[j * D + d];
    }
    for (int64_t d = 0; d < D; ++d) EXPECT_NEAR(out[t * D + d], expected[d] / norm, 1e-12) << t;
  }
}

TEST(OpsGrad, Swiglu) {
  const int64_t N = 4, F = 5;
  Vec gu = random_vector(N * 2 * F, 19, 2.0), r = random_vector(N * F, 20), out(N * F);
  auto loss = [&] {
    ops::swiglu_forward(out.data(), gu.data(), N, F);
    return dot(out, r);
  };
  Vec dgu(gu.size(), 0.0);
  ops::swiglu_backward(dgu.data(), r.data(), gu.data(), N, F);
  expect_gradient("dgu", gu, dgu, loss);
}

TEST(OpsGrad, LogprobAndEntropy) {
  const int64_t N = 4, V = 9;
  const std::vector<int32_t> targets = {0, 8, 3, 3};
  Vec logits = random_vector(N * V, 21, 3.0), a = random_vector(N, 22), b = random_vector(N, 23);
  Vec logprobs(N), entropy(N), lse(N);
  auto loss = [&] {
    ops::logprob_forward(logprobs.data(), entropy.data(), lse.data(), logits.data(), targets.data(),
                         N, V);
    return dot(logprobs, a) + dot(entropy, b);
  };
  loss();
  Vec dlogits(N * V);
  ops::logprob_backward(dlogits.data(), a.data(), b.data(), logits.data(), lse.data(),
                        entropy.data(), targets.data(), N, V);
  expect_gradient("dlogits", logits, dlogits, loss);
}

TEST(Ops, LogprobMatchesDefinition) {
  // Two classes with logits (0, log 3): p = (1/4, 3/4).
  Vec logits = {0.0, std::log(3.0)}, logprobs(1), entropy(1), lse(1);
  const int32_t target = 1;
  ops::logprob_forward(logprobs.data(), entropy.data(), lse.data(), logits.data(), &target, 1, 2);
  EXPECT_NEAR(logprobs[0], std::log(0.75), 1e-14);
  EXPECT_NEAR(entropy[0], -(0.25 * std::log(0.25) + 0.75 * std::log(0.75)), 1e-14);
  EXPECT_NEAR(lse[0], std::log(4.0), 1e-14);
}

}  // namespace r1
