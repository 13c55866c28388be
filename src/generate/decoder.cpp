#include "generate/decoder.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/check.h"
#include "core/gemm.h"
#include "model/ops.h"

namespace r1 {

Decoder::Decoder(const Model& model, int64_t slots, int64_t max_seq)
    : model_(model), slots_(slots), max_seq_(max_seq), prefill_graph_(model.config(), 1, max_seq) {
  const ModelConfig& c = model.config();
  R1_CHECK(slots > 0, "the decoder needs at least one slot");
  R1_CHECK(c.num_labels == 0, "cannot generate with a sequence classifier (num_labels = {})",
           c.num_labels);
  const int64_t C = c.hidden_size, F = c.intermediate_size, V = c.vocab_size;
  const int64_t Q = c.q_dim(), K = c.kv_dim();
  const size_t cache = size_t(c.num_layers * slots * max_seq * K);
  k_cache_.resize(cache);
  v_cache_.resize(cache);
  rope_cos_.resize(size_t(max_seq * c.head_dim / 2));
  rope_sin_.resize(rope_cos_.size());
  ops::rope_tables(rope_cos_.data(), rope_sin_.data(), max_seq, c.head_dim, c.rope_theta);
  x_.resize(size_t(slots * C));
  ln_.resize(size_t(slots * C));
  rstd_.resize(size_t(slots));
  qkv_.resize(size_t(slots * c.qkv_dim()));
  qk_.resize(size_t(slots * (Q + K)));
  qk_rstd_.resize(size_t(slots * (c.num_heads + c.num_kv_heads)));
  att_out_.resize(size_t(slots * Q));
  tmp_.resize(size_t(slots * C));
  gu_.resize(size_t(slots * 2 * F));
  h_.resize(size_t(slots * F));
  logits_.resize(size_t(slots * V));
  scores_.resize(size_t(slots * c.num_heads * max_seq));
  prefill_targets_.resize(size_t(max_seq));
  prefill_k_.resize(size_t(max_seq * K));
}

float* Decoder::kT_at(int64_t layer, int64_t slot, int64_t kv_head) {
  const ModelConfig& c = model_.config();
  return k_cache_.data() +
         ((layer * slots_ + slot) * c.num_kv_heads + kv_head) * c.head_dim * max_seq_;
}

void Decoder::store_k(int64_t layer, int64_t slot, int64_t pos, const float* k) {
  const ModelConfig& c = model_.config();
  for (int64_t h = 0; h < c.num_kv_heads; ++h) {
    float* kT = kT_at(layer, slot, h);
    for (int64_t d = 0; d < c.head_dim; ++d) kT[d * max_seq_ + pos] = k[h * c.head_dim + d];
  }
}

float* Decoder::v_at(int64_t layer, int64_t slot, int64_t pos) {
  return v_cache_.data() + ((layer * slots_ + slot) * max_seq_ + pos) * model_.config().kv_dim();
}

const float* Decoder::prefill(int64_t slot, const int32_t* prompt, int64_t n) {
  R1_CHECK(n >= 1 && n <= max_seq_, "prompt of {} tokens does not fit the context of {}", n,
           max_seq_);
  // Targets are irrelevant here: any valid id will do.
  std::copy(prompt, prompt + n, prefill_targets_.begin());
  prefill_graph_.forward(model_, prompt, prefill_targets_.data(), 1, n);
  const int64_t K = model_.config().kv_dim();
  for (int64_t l = 0; l < model_.config().num_layers; ++l) {
    prefill_graph_.copy_kv(l, 0, 0, n, prefill_k_.data(), v_at(l, slot, 0));
    for (int64_t t = 0; t < n; ++t) store_k(l, slot, t, prefill_k_.data() + t * K);
  }
  return prefill_graph_.logits() + (n - 1) * model_.config().vocab_size;
}

void Decoder::copy_slot(int64_t from, int64_t to, int64_t n) {
  const ModelConfig& c = model_.config();
  for (int64_t l = 0; l < c.num_layers; ++l) {
    for (int64_t h = 0; h < c.num_kv_heads; ++h)
      for (int64_t d = 0; d < c.head_dim; ++d)
        std::memcpy(kT_at(l, to, h) + d * max_seq_, kT_at(l, from, h) + d * max_seq_,
                    size_t(n) * sizeof(float));
    std::memcpy(v_at(l, to, 0), v_at(l, from, 0), size_t(n * c.kv_dim()) * sizeof(float));
  }
}

const float* Decoder::decode(const int64_t* slots, const int32_t* tokens, const int32_t* positions,
                             int64_t n) {
  const ModelConfig& c = model_.config();
  R1_CHECK(n >= 1 && n <= slots_, "decode of {} rows with {} slots", n, slots_);
  const int64_t C = c.hidden_size, F = c.intermediate_size, V = c.vocab_size;
  const int64_t Q = c.q_dim(), K = c.kv_dim(), QKV = c.qkv_dim(), D = c.head_dim;
  const int64_t Hq = c.num_heads, Hkv = c.num_kv_heads, group = Hq / Hkv;
  for (int64_t i = 0; i < n; ++i)
    R1_CHECK(positions[i] >= 0 && positions[i] < max_seq_,
             "position {} is outside the context of {}", positions[i], max_seq_);
  const Weights& w = model_.weights();
  ops::embedding_forward(x_.data(), tokens, w.embed, n, C);
  for (int64_t l = 0; l < c.num_layers; ++l) {
    const LayerWeights& L = w.layers[size_t(l)];
    ops::rmsnorm_forward(ln_.data(), rstd_.data(), x_.data(), L.input_norm, n, C, c.rms_norm_eps, C,
                         C);
    ops::matmul_forward(qkv_.data(), ln_.data(), L.qkv, L.qkv_bias, n, C, QKV);
    if (c.qk_norm) {
      for (int64_t h = 0; h < Hq + Hkv; ++h)
        ops::rmsnorm_forward(qk_.data() + h * D, qk_rstd_.data() + h * n, qkv_.data() + h * D,
                             h < Hq ? L.q_norm : L.k_norm, n, D, c.rms_norm_eps, QKV, Q + K);
    } else {
      for (int64_t i = 0; i < n; ++i)
        std::memcpy(qk_.data() + i * (Q + K), qkv_.data() + i * QKV, size_t(Q + K) * sizeof(float));
    }
    ops::rope_forward_rows(qk_.data(), rope_cos_.data(), rope_sin_.data(), n, Hq + Hkv, D, Q + K,
                           positions);
    for (int64_t i = 0; i < n; ++i) {
      store_k(l, slots[i], positions[i], qk_.data() + i * (Q + K) + Q);
      std::memcpy(v_at(l, slots[i], positions[i]), qkv_.data() + i * QKV + Q + K,
                  size_t(K) * sizeof(float));
    }
    // Each row's query over its slot's cached positions, with the same
    // routine as the training forward.
#pragma omp parallel for schedule(static)
    for (int64_t ih = 0; ih < n * Hq; ++ih) {
      const int64_t i = ih / Hq, h = ih % Hq, kvh = h / group;
      ops::attend_row(att_out_.data() + i * Q + h * D, scores_.data() + ih * max_seq_,
                      qk_.data() + i * (Q + K) + h * D, kT_at(l, slots[i], kvh), max_seq_,
                      v_at(l, slots[i], 0) + kvh * D, K, int64_t(positions[i]) + 1, D);
    }
    ops::matmul_forward(tmp_.data(), att_out_.data(), L.o, L.o_bias, n, Q, C);
    ops::add_inplace(x_.data(), tmp_.data(), n * C);
    ops::rmsnorm_forward(ln_.data(), rstd_.data(), x_.data(), L.post_norm, n, C, c.rms_norm_eps, C,
                         C);
    ops::matmul_forward(gu_.data(), ln_.data(), L.gate_up, nullptr, n, C, 2 * F);
    ops::swiglu_forward(h_.data(), gu_.data(), n, F);
    ops::matmul_forward(tmp_.data(), h_.data(), L.down, nullptr, n, F, C);
    ops::add_inplace(x_.data(), tmp_.data(), n * C);
  }
  ops::rmsnorm_forward(ln_.data(), rstd_.data(), x_.data(), w.final_norm, n, C, c.rms_norm_eps, C,
                       C);
  ops::matmul_forward(logits_.data(), ln_.data(), w.lm_head, nullptr, n, C, V);
  return logits_.data();
}

}  // namespace r1
