#include "model/transformer.h"

#include <algorithm>
#include <cstring>

#include "core/check.h"
#include "model/ops.h"

namespace r1 {

namespace {

void zero(std::vector<float>& v, int64_t n) {
  std::fill(v.begin(), v.begin() + n, 0.0f);
}

}  // namespace

RecordLayout::RecordLayout(const ModelConfig& c) {
  const int64_t C = c.hidden_size, Q = c.q_dim(), K = c.kv_dim();
  int64_t at = 0;
  const auto field = [&at](int64_t floats) {
    const int64_t offset = at;
    at += floats;
    return offset;
  };
  layer.res = field(C);
  layer.qkv = field(c.qkv_dim());
  layer.qk = field(c.qk_norm ? Q + K : 0);
  layer.qk_rstd = field(c.qk_norm ? c.num_heads + c.num_kv_heads : 0);
  layer.att_out = field(Q);
  layer.res_mid = field(C);
  layer.gu = field(2 * c.intermediate_size);
  layer_size = at;
  at = layer_size * c.num_layers;
  res_final = field(C);
  size = at;
}

TrainingGraph::TrainingGraph(const ModelConfig& config, int64_t max_batch, int64_t max_seq,
                             GraphUse use)
    : config_(config), max_B_(max_batch), max_T_(max_seq), use_(use) {
  const ModelConfig& c = config_;
  R1_CHECK(max_seq <= c.max_position_embeddings,
           "sequence length {} exceeds max_position_embeddings {}", max_seq,
           c.max_position_embeddings);
  const int64_t N = max_batch * max_seq, C = c.hidden_size, F = c.intermediate_size;
  const int64_t Q = c.q_dim(), K = c.kv_dim(), QKV = c.qkv_dim(), V = c.vocab_size;
  rope_cos_.resize(size_t(max_seq * c.head_dim / 2));
  rope_sin_.resize(rope_cos_.size());
  ops::rope_tables(rope_cos_.data(), rope_sin_.data(), max_seq, c.head_dim, c.rope_theta);
  // An inference graph keeps each layer's q, k and v (a prompt's KV cache);
  // the layer's other activations are overwritten by the next layer's.
  layers_.resize(size_t(c.num_layers));
  for (size_t l = 0; l < layers_.size(); ++l) {
    LayerActs& L = layers_[l];
    L.qkv.resize(size_t(N * QKV));
    if (c.qk_norm) L.qk.resize(size_t(N * (Q + K)));
    if (use == GraphUse::kInference && l > 0) continue;
    L.res.resize(size_t(N * C));
    L.ln1.resize(size_t(N * C));
    L.ln1_rstd.resize(size_t(N));
    if (c.qk_norm) L.qk_rstd.resize(size_t(N * (c.num_heads + c.num_kv_heads)));
    L.att_out.resize(size_t(N * Q));
    L.res_mid.resize(size_t(N * C));
    L.ln2.resize(size_t(N * C));
    L.ln2_rstd.resize(size_t(N));
    L.gu.resize(size_t(N * 2 * F));
    L.h.resize(size_t(N * F));
  }
  res_final_.resize(size_t(N * C));
  lnf_.resize(size_t(N * C));
  lnf_rstd_.resize(size_t(N));
  const bool lm = c.num_labels == 0;
  if (lm && use == GraphUse::kTrain) allocate_head();
  ids_.resize(size_t(N));
  for (auto* x : {&doc_starts_, &prefix_begin_, &prefix_end_, &positions_}) x->resize(size_t(N));
  tmp_.resize(size_t(N * C));
  if (use != GraphUse::kTrain) return;
  if (lm) dlogits_.resize(size_t(N * V));
  dres_.resize(size_t(N * C));
  dln_.resize(size_t(N * C));
  dh_.resize(size_t(N * F));
  dgu_.resize(size_t(N * 2 * F));
  datt_out_.resize(size_t(N * Q));
  if (c.qk_norm) dqk_.resize(size_t(N * (Q + K)));
  dqkv_.resize(size_t(N * QKV));
}

void TrainingGraph::allocate_head() {
  const int64_t N = max_B_ * max_T_;
  logits_.resize(size_t(N * config_.vocab_size));
  for (auto* buffer : {&lse_, &logprobs_, &entropy_}) buffer->resize(size_t(N));
  targets_.resize(size_t(N));
}

int64_t TrainingGraph::rotated_stride() const {
  return config_.qk_norm ? config_.q_dim() + config_.kv_dim() : config_.qkv_dim();
}

void TrainingGraph::check_trunk(const Model& model) const {
  const ModelConfig &a = config_, &b = model.config();
  R1_CHECK(a.vocab_size == b.vocab_size && a.hidden_size == b.hidden_size &&
               a.intermediate_size == b.intermediate_size && a.num_layers == b.num_layers &&
               a.num_heads == b.num_heads && a.num_kv_heads == b.num_kv_heads &&
               a.head_dim == b.head_dim && a.qkv_bias == b.qkv_bias && a.o_bias == b.o_bias &&
               a.qk_norm == b.qk_norm && a.rms_norm_eps == b.rms_norm_eps &&
               a.rope_theta == b.rope_theta,
           "TrainingGraph: the model's trunk differs from the graph's config");
}

void TrainingGraph::check_shape(int64_t B, int64_t T, const Packing& packing) const {
  R1_CHECK(B >= 1 && T >= 1 && B * T <= max_B_ * max_T_ && (packing.doc_starts || T <= max_T_),
           "batch ({}, {}) exceeds the graph's capacity ({}, {}){}", B, T, max_B_, max_T_,
           packing.doc_starts ? " (packed: B·T positions)" : "");
}

void TrainingGraph::set_packing(const Packing& packing, int64_t B, int64_t T) {
  R1_CHECK(packing.doc_starts || !packing.prefix_starts,
           "prefix_starts given without doc_starts: a continued document is one of a packed row");
  packed_ = packing.doc_starts != nullptr;
  if (!packed_) return;
  const int32_t* starts = packing.doc_starts;
  std::vector<int64_t> ends(static_cast<size_t>(T));  // each position's document end, per row
  for (int64_t b = 0; b < B; ++b) {
    const int64_t row = b * T;
    for (int64_t t = 0; t < T; ++t) {
      const int64_t start = starts[row + t];
      R1_CHECK(start >= 0 && start <= t && (t == 0 || start == t || start == starts[row + t - 1]),
               "document start {} of row {} position {}: expected the start of the document "
               "holding the previous position, or {} itself",
               start, b, t, t);
      doc_starts_[size_t(row + t)] = int32_t(start);
    }
    for (int64_t t = T; t-- > 0;)
      ends[size_t(t)] =
          t + 1 < T && starts[row + t + 1] == starts[row + t] ? ends[size_t(t + 1)] : t + 1;
    for (int64_t t = 0; t < T; ++t) {
      const int64_t start = starts[row + t];
      const int64_t p = packing.prefix_starts ? packing.prefix_starts[row + t] : start;
      if (t > start) {
        const int64_t first = packing.prefix_starts ? packing.prefix_starts[row + start] : start;
        R1_CHECK(p == first,
                 "prefix start {} of row {} position {}: expected {}, its document's (one "
                 "prefix per document)",
                 p, b, t, first);
      } else if (p != start) {
        R1_CHECK(p >= 0 && p < start && starts[row + p] == p && ends[size_t(p)] <= start &&
                     packing.prefix_starts[row + p] == p,
                 "prefix start {} of row {} position {}: expected {} (none) or the start of an "
                 "earlier document of the row that continues none",
                 p, b, t, start);
      }
      const int64_t pb = p == start ? 0 : p, pe = p == start ? 0 : ends[size_t(p)];
      prefix_begin_[size_t(row + t)] = int32_t(pb);
      prefix_end_[size_t(row + t)] = int32_t(pe);
      positions_[size_t(row + t)] = int32_t(pe - pb + t - start);
      R1_CHECK(positions_[size_t(row + t)] < max_T_,
               "row {} position {} is position {} of its document (with its prefix): beyond the "
               "graph's max_seq {}",
               b, t, positions_[size_t(row + t)], max_T_);
    }
  }
}

ops::KeyRanges TrainingGraph::key_ranges() const {
  if (!packed_) return {};
  return {doc_starts_.data(), prefix_begin_.data(), prefix_end_.data()};
}

void TrainingGraph::forward(const Model& model, const int32_t* ids, const int32_t* targets,
                            int64_t B, int64_t T, float temperature, const Packing& packing,
                            const PackedWeights* packed) {
  R1_CHECK(config_.num_labels == 0 && model.config().num_labels == 0,
           "TrainingGraph::forward needs a causal LM (num_labels = 0); use forward_hidden");
  const int64_t N = B * T, V = config_.vocab_size;
  check_shape(B, T, packing);
  for (int64_t n = 0; n < N; ++n)
    R1_CHECK(targets[n] >= 0 && targets[n] < V,
             "target id {} at position {} is outside the vocabulary [0, {})", targets[n], n, V);
  R1_CHECK(temperature > 0, "temperature must be positive (got {})", temperature);
  forward_hidden(model, ids, B, T, packing, packed);
  forward_head(targets, temperature);
}

void TrainingGraph::forward_head(const int32_t* targets, float temperature) {
  const int64_t N = B_ * T_, V = config_.vocab_size;
  if (logits_.empty()) allocate_head();
  inv_temperature_ = 1.0f / temperature;
  std::copy(targets, targets + N, targets_.begin());
  ops::matmul_forward(logits_.data(), lnf_.data(), weights_used_->lm_head, nullptr, N);
  if (inv_temperature_ != 1.0f) ops::scale_inplace(logits_.data(), inv_temperature_, N * V);
  ops::logprob_forward(logprobs_.data(), entropy_.data(), lse_.data(), logits_.data(), targets, N,
                       V);
}

template <typename Self, typename F>
void TrainingGraph::for_each_field(Self& self, int64_t n, F&& f) {
  const ModelConfig& c = self.config_;
  const RecordLayout r(c);
  const int64_t N = self.B_ * self.T_, C = c.hidden_size, F2 = 2 * c.intermediate_size;
  const int64_t Q = c.q_dim(), K = c.kv_dim(), QKV = c.qkv_dim();
  for (size_t l = 0; l < self.layers_.size(); ++l) {
    auto& A = self.layers_[l];
    const int64_t at = int64_t(l) * r.layer_size;
    f(at + r.layer.res, A.res.data() + n * C, C);
    f(at + r.layer.qkv, A.qkv.data() + n * QKV, QKV);
    if (c.qk_norm) {
      f(at + r.layer.qk, A.qk.data() + n * (Q + K), Q + K);
      for (int64_t h = 0; h < c.num_heads + c.num_kv_heads; ++h)
        f(at + r.layer.qk_rstd + h, A.qk_rstd.data() + h * N + n, 1);
    }
    f(at + r.layer.att_out, A.att_out.data() + n * Q, Q);
    f(at + r.layer.res_mid, A.res_mid.data() + n * C, C);
    f(at + r.layer.gu, A.gu.data() + n * F2, F2);
  }
  f(r.res_final, self.res_final_.data() + n * C, C);
}

void TrainingGraph::record(int64_t n, float* out) const {
  R1_CHECK(use_ != GraphUse::kInference, "TrainingGraph::record on a graph built for inference");
  R1_CHECK(n >= 0 && n < B_ * T_, "record of position {}: the last forward had {}", n, B_ * T_);
  for_each_field(*this, n, [out](int64_t offset, const float* from, int64_t count) {
    std::memcpy(out + offset, from, size_t(count) * sizeof(float));
  });
}

void TrainingGraph::forward_recorded(const Model& model, const float* const* records,
                                     const int32_t* ids, const int32_t* targets, int64_t B,
                                     int64_t T, float temperature, const Packing& packing) {
  R1_CHECK(use_ == GraphUse::kTrain, "TrainingGraph::forward_recorded needs a training graph");
  R1_CHECK(config_.num_labels == 0 && model.config().num_labels == 0,
           "TrainingGraph::forward_recorded needs a causal LM (num_labels = 0)");
  check_trunk(model);
  check_shape(B, T, packing);
  const int64_t N = B * T, V = config_.vocab_size;
  for (int64_t n = 0; n < N; ++n)
    R1_CHECK(ids[n] >= 0 && ids[n] < V && targets[n] >= 0 && targets[n] < V,
             "token id {} or target {} at position {} is outside the vocabulary [0, {})", ids[n],
             targets[n], n, V);
  R1_CHECK(temperature > 0, "temperature must be positive (got {})", temperature);
  set_packing(packing, B, T);
  B_ = B;
  T_ = T;
  std::copy(ids, ids + N, ids_.begin());
  packed_weights_.pack(model);
  weights_used_ = &packed_weights_;
#pragma omp parallel for schedule(static)
  for (int64_t n = 0; n < N; ++n) {
    const float* from = records[n];
    for_each_field(*this, n, [from](int64_t offset, float* to, int64_t count) {
      if (from)
        std::memcpy(to, from + offset, size_t(count) * sizeof(float));
      else
        std::fill(to, to + count, 0.0f);
    });
  }
  // What follows from the records: the forward's own calls, the same bits.
  const ModelConfig& c = config_;
  const int64_t C = c.hidden_size;
  const Weights& w = model.weights();
  for (size_t l = 0; l < layers_.size(); ++l) {
    LayerActs& A = layers_[l];
    const LayerWeights& L = w.layers[l];
    ops::rmsnorm_forward(A.ln1.data(), A.ln1_rstd.data(), A.res.data(), L.input_norm, N, C,
                         c.rms_norm_eps, C, C);
    ops::rmsnorm_forward(A.ln2.data(), A.ln2_rstd.data(), A.res_mid.data(), L.post_norm, N, C,
                         c.rms_norm_eps, C, C);
    ops::swiglu_forward(A.h.data(), A.gu.data(), N, c.intermediate_size);
  }
  ops::rmsnorm_forward(lnf_.data(), lnf_rstd_.data(), res_final_.data(), w.final_norm, N, C,
                       c.rms_norm_eps, C, C);
  forward_head(targets, temperature);
}

void TrainingGraph::forward_hidden(const Model& model, const int32_t* ids, int64_t B, int64_t T,
                                   const Packing& packing, const PackedWeights* packed) {
  const ModelConfig& c = config_;
  check_trunk(model);
  check_shape(B, T, packing);
  const int64_t N = B * T, C = c.hidden_size, F = c.intermediate_size, V = c.vocab_size;
  const int64_t Q = c.q_dim(), K = c.kv_dim(), QKV = c.qkv_dim(), D = c.head_dim;
  const int64_t Hq = c.num_heads, Hkv = c.num_kv_heads;
  for (int64_t n = 0; n < N; ++n)
    R1_CHECK(ids[n] >= 0 && ids[n] < V,
             "token id {} at position {} is outside the vocabulary [0, {})", ids[n], n, V);
  set_packing(packing, B, T);
  B_ = B;
  T_ = T;
  std::copy(ids, ids + N, ids_.begin());
  const Weights& w = model.weights();
  if (!packed) {
    packed_weights_.pack(model);
    packed = &packed_weights_;
  }
  weights_used_ = packed;

  ops::embedding_forward(layers_.empty() ? res_final_.data() : layers_[0].res.data(), ids, w.embed,
                         N, C);
  for (size_t l = 0; l < layers_.size(); ++l) {
    LayerActs& A = layers_[l];
    // The layer's activations but q, k and v: shared by every layer of an
    // inference graph.
    LayerActs& S = use_ == GraphUse::kInference ? layers_[0] : A;
    const LayerWeights& L = w.layers[l];
    const PackedLayer& P = packed->layers[l];
    ops::rmsnorm_forward(S.ln1.data(), S.ln1_rstd.data(), S.res.data(), L.input_norm, N, C,
                         c.rms_norm_eps, C, C);
    ops::matmul_forward(A.qkv.data(), S.ln1.data(), P.qkv, L.qkv_bias, N);
    // Per-head RMSNorm of q and k (Qwen3), rstd laid out (head, N).
    if (c.qk_norm)
      for (int64_t h = 0; h < Hq + Hkv; ++h)
        ops::rmsnorm_forward(A.qk.data() + h * D, S.qk_rstd.data() + h * N, A.qkv.data() + h * D,
                             h < Hq ? L.q_norm : L.k_norm, N, D, c.rms_norm_eps, QKV, Q + K);
    float* qk = A.rotated();
    const int64_t qks = rotated_stride();
    if (packed_) {
      ops::rope_forward_rows(qk, rope_cos_.data(), rope_sin_.data(), N, Hq + Hkv, D, qks,
                             positions_.data());
    } else {
      ops::rope_forward(qk, rope_cos_.data(), rope_sin_.data(), B, T, Hq + Hkv, D, qks, 0);
    }
    ops::attention_forward(S.att_out.data(), qk, qk + Q, A.qkv.data() + Q + K, B, T, Hq, Hkv, D,
                           qks, qks, QKV, key_ranges());
    ops::matmul_forward(tmp_.data(), S.att_out.data(), P.o, L.o_bias, N);
    ops::add(S.res_mid.data(), S.res.data(), tmp_.data(), N * C);
    ops::rmsnorm_forward(S.ln2.data(), S.ln2_rstd.data(), S.res_mid.data(), L.post_norm, N, C,
                         c.rms_norm_eps, C, C);
    ops::matmul_forward(S.gu.data(), S.ln2.data(), P.gate_up, nullptr, N);
    ops::swiglu_forward(S.h.data(), S.gu.data(), N, F);
    ops::matmul_forward(tmp_.data(), S.h.data(), P.down, nullptr, N);
    float* next = l + 1 == layers_.size()        ? res_final_.data()
                  : use_ == GraphUse::kInference ? S.res.data()
                                                 : layers_[l + 1].res.data();
    ops::add(next, S.res_mid.data(), tmp_.data(), N * C);
  }
  ops::rmsnorm_forward(lnf_.data(), lnf_rstd_.data(), res_final_.data(), w.final_norm, N, C,
                       c.rms_norm_eps, C, C);
}

void TrainingGraph::backward(const Model& model, const float* dlogprobs, const float* dentropy,
                             float* grads) {
  R1_CHECK(use_ == GraphUse::kTrain, "TrainingGraph::backward on a graph built for inference");
  R1_CHECK(B_ > 0, "TrainingGraph::backward called before forward");
  R1_CHECK(model.config().num_labels == 0, "TrainingGraph::backward needs a causal LM");
  const int64_t N = B_ * T_, C = config_.hidden_size, V = config_.vocab_size;
  const Weights& w = model.weights();
  const Weights g = bind_weights(model.config(), grads);
  ops::logprob_backward(dlogits_.data(), dlogprobs, dentropy, logits_.data(), lse_.data(),
                        entropy_.data(), targets_.data(), N, V);
  if (inv_temperature_ != 1.0f) ops::scale_inplace(dlogits_.data(), inv_temperature_, N * V);
  weight_t_.pack_transposed(w.lm_head, V, C);
  ops::matmul_backward(dln_.data(), g.lm_head, nullptr, dlogits_.data(), lnf_.data(), weight_t_, N,
                       input_panels_);
  backward_trunk(model, grads);
}

void TrainingGraph::backward_hidden(const Model& model, const float* dhidden, float* grads) {
  R1_CHECK(use_ == GraphUse::kTrain,
           "TrainingGraph::backward_hidden on a graph built for inference");
  R1_CHECK(B_ > 0, "TrainingGraph::backward_hidden called before forward");
  check_trunk(model);
  std::copy(dhidden, dhidden + B_ * T_ * config_.hidden_size, dln_.begin());
  backward_trunk(model, grads);
}

// From dL/d(final-norm output) in dln_ down to the embedding.
void TrainingGraph::backward_trunk(const Model& model, float* grads) {
  const ModelConfig& c = config_;
  const int64_t B = B_, T = T_;
  const int64_t N = B * T, C = c.hidden_size, F = c.intermediate_size;
  const int64_t Q = c.q_dim(), K = c.kv_dim(), QKV = c.qkv_dim(), D = c.head_dim;
  const int64_t Hq = c.num_heads, Hkv = c.num_kv_heads;
  const Weights& w = model.weights();
  const Weights g = bind_weights(model.config(), grads);
  zero(dres_, N * C);
  ops::rmsnorm_backward(dres_.data(), g.final_norm, dln_.data(), res_final_.data(), w.final_norm,
                        lnf_rstd_.data(), N, C, C, C);
  for (size_t li = layers_.size(); li-- > 0;) {
    LayerActs& A = layers_[li];
    const LayerWeights& L = w.layers[li];
    const LayerWeights& G = g.layers[li];
    // MLP block: next = res_mid + down(swiglu(gate_up(norm(res_mid)))).
    weight_t_.pack_transposed(L.down, C, F);
    ops::matmul_backward(dh_.data(), G.down, nullptr, dres_.data(), A.h.data(), weight_t_, N,
                         input_panels_);
    ops::swiglu_backward(dgu_.data(), dh_.data(), A.gu.data(), N, F);
    weight_t_.pack_transposed(L.gate_up, 2 * F, C);
    ops::matmul_backward(dln_.data(), G.gate_up, nullptr, dgu_.data(), A.ln2.data(), weight_t_, N,
                         input_panels_);
    ops::rmsnorm_backward(dres_.data(), G.post_norm, dln_.data(), A.res_mid.data(), L.post_norm,
                          A.ln2_rstd.data(), N, C, C, C);
    // Attention block: res_mid = res + o(attention(rope(norm_qk(qkv(norm(res)))))).
    weight_t_.pack_transposed(L.o, C, Q);
    ops::matmul_backward(datt_out_.data(), G.o, G.o_bias, dres_.data(), A.att_out.data(), weight_t_,
                         N, input_panels_);
    // attention_backward writes dq, dk and dv (dq and dk in place in dqkv
    // without q/k norms); the norms' backward adds into a cleared dqkv.
    if (c.qk_norm) zero(dqkv_, N * QKV);
    const int64_t qks = rotated_stride();
    float* dqk = c.qk_norm ? dqk_.data() : dqkv_.data();
    const float* qk = A.rotated();
    ops::attention_backward(dqk, dqk + Q, dqkv_.data() + Q + K, datt_out_.data(), A.att_out.data(),
                            qk, qk + Q, A.qkv.data() + Q + K, B, T, Hq, Hkv, D, qks, qks, QKV,
                            key_ranges());
    if (packed_) {
      ops::rope_backward_rows(dqk, rope_cos_.data(), rope_sin_.data(), N, Hq + Hkv, D, qks,
                              positions_.data());
    } else {
      ops::rope_backward(dqk, rope_cos_.data(), rope_sin_.data(), B, T, Hq + Hkv, D, qks, 0);
    }
    if (c.qk_norm)
      for (int64_t h = 0; h < Hq + Hkv; ++h)
        ops::rmsnorm_backward(dqkv_.data() + h * D, h < Hq ? G.q_norm : G.k_norm,
                              dqk_.data() + h * D, A.qkv.data() + h * D,
                              h < Hq ? L.q_norm : L.k_norm, A.qk_rstd.data() + h * N, N, D, QKV,
                              Q + K);
    weight_t_.pack_transposed(L.qkv, QKV, C);
    ops::matmul_backward(dln_.data(), G.qkv, G.qkv_bias, dqkv_.data(), A.ln1.data(), weight_t_, N,
                         input_panels_);
    ops::rmsnorm_backward(dres_.data(), G.input_norm, dln_.data(), A.res.data(), L.input_norm,
                          A.ln1_rstd.data(), N, C, C, C);
  }
  ops::embedding_backward(g.embed, dres_.data(), ids_.data(), N, C);
}

void TrainingGraph::copy_kv(int64_t layer, int64_t b, int64_t t0, int64_t count, float* k,
                            float* v) const {
  const ModelConfig& c = config_;
  const int64_t Q = c.q_dim(), K = c.kv_dim(), QKV = c.qkv_dim();
  R1_CHECK(b < B_ && t0 + count <= T_, "copy_kv: rows outside the last forward");
  const LayerActs& A = layers_[size_t(layer)];
  for (int64_t t = 0; t < count; ++t) {
    const int64_t n = b * T_ + t0 + t;
    std::memcpy(k + t * K, A.rotated() + n * rotated_stride() + Q, size_t(K) * sizeof(float));
    std::memcpy(v + t * K, A.qkv.data() + n * QKV + Q + K, size_t(K) * sizeof(float));
  }
}

double weighted_loss(const float* logprobs, const float* entropy, const float* w, const float* e,
                     int64_t n, float* dlogprobs, float* dentropy) {
  double loss = 0;
  for (int64_t i = 0; i < n; ++i) {
    loss -= double(w[i]) * logprobs[i];
    dlogprobs[i] = -w[i];
    if (e) {
      loss -= double(e[i]) * entropy[i];
      dentropy[i] = -e[i];
    }
  }
  return loss;
}

}  // namespace r1
