#include "generate/decoder.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

#include <omp.h>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "core/check.h"
#include "core/packed_gemm.h"
#include "core/threads.h"
#include "model/ops.h"

namespace r1 {

namespace {

// Copies n floats with stores that bypass the caches where the CPU has them:
// records are read once, by training, after the whole batch is generated;
// cached, they would only evict the weights and the KV cache the decode
// steps read. Call stream_fence() before the records are read.
void stream_copy(float* to, const float* from, int64_t n) {
#if defined(__SSE2__)
  int64_t i = 0;
  for (; i < n && reinterpret_cast<uintptr_t>(to + i) % 16 != 0; ++i) to[i] = from[i];
  for (; i + 4 <= n; i += 4) _mm_stream_ps(to + i, _mm_loadu_ps(from + i));
  for (; i < n; ++i) to[i] = from[i];
#else
  std::memcpy(to, from, size_t(n) * sizeof(float));
#endif
}

void stream_fence() {
#if defined(__SSE2__)
  _mm_sfence();
#endif
}

}  // namespace

Decoder::Decoder(const Model& model, int64_t slots, int64_t max_seq)
    : model_(model),
      slots_(slots),
      max_seq_(max_seq),
      layout_(model.config()),
      prefill_graph_(model.config(), 1, max_seq, GraphUse::kInference) {
  const ModelConfig& c = model.config();
  R1_CHECK(slots > 0, "the decoder needs at least one slot");
  R1_CHECK(c.num_labels == 0, "cannot generate with a sequence classifier (num_labels = {})",
           c.num_labels);
  packed_.pack(model);
  const int64_t C = c.hidden_size, F = c.intermediate_size, V = c.vocab_size;
  const int64_t Q = c.q_dim(), K = c.kv_dim();
  k_cache_.resize(
      size_t(c.num_layers * slots * c.num_kv_heads * ops::key_blocks_size(max_seq, c.head_dim)));
  v_cache_.resize(size_t(c.num_layers * slots * max_seq * K));
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
  prefill_logits_.resize(size_t(V));
  prefill_k_.resize(size_t(max_seq * K));
  prefix_.assign(size_t(slots), Prefix{});
}

float* Decoder::keys_at(int64_t layer, int64_t slot, int64_t kv_head) {
  const ModelConfig& c = model_.config();
  return k_cache_.data() + ((layer * slots_ + slot) * c.num_kv_heads + kv_head) *
                               ops::key_blocks_size(max_seq_, c.head_dim);
}

void Decoder::store_k(int64_t layer, int64_t slot, int64_t pos, const float* k) {
  const ModelConfig& c = model_.config();
  for (int64_t h = 0; h < c.num_kv_heads; ++h)
    ops::store_key(keys_at(layer, slot, h), pos, k + h * c.head_dim, c.head_dim);
}

float* Decoder::v_at(int64_t layer, int64_t slot, int64_t pos) {
  return v_cache_.data() + ((layer * slots_ + slot) * max_seq_ + pos) * model_.config().kv_dim();
}

const float* Decoder::prefill(int64_t slot, const int32_t* prompt, int64_t n,
                              float* const* records) {
  R1_CHECK(n >= 1 && n <= max_seq_, "prompt of {} tokens does not fit the context of {}", n,
           max_seq_);
  prefix_[size_t(slot)] = Prefix{};
  TrainingGraph* graph = &prefill_graph_;
  if (records) {
    if (!record_graph_ || record_graph_->max_seq() < n)
      record_graph_ = std::make_unique<TrainingGraph>(
          model_.config(), 1,
          std::min(max_seq_, std::max(n, record_graph_ ? 2 * record_graph_->max_seq() : n)),
          GraphUse::kRecord);
    graph = record_graph_.get();
  }
  graph->forward_hidden(model_, prompt, 1, n, nullptr, &packed_);
  const ModelConfig& c = model_.config();
  const int64_t K = c.kv_dim();
  for (int64_t l = 0; l < c.num_layers; ++l) {
    graph->copy_kv(l, 0, 0, n, prefill_k_.data(), v_at(l, slot, 0));
    for (int64_t t = 0; t < n; ++t) store_k(l, slot, t, prefill_k_.data() + t * K);
  }
  if (records)
    for (int64_t t = 0; t < n; ++t)
      if (records[t]) graph->record(t, records[t]);
  // Only the last position's logits: the packed product gives a row the same
  // bits alone as among all of the prompt's.
  ops::matmul_forward(prefill_logits_.data(), graph->hidden() + (n - 1) * c.hidden_size,
                      packed_.lm_head, nullptr, 1);
  return prefill_logits_.data();
}

void Decoder::share_prompt(int64_t from, int64_t to, int64_t n) {
  const ModelConfig& c = model_.config();
  R1_CHECK(prefix_[size_t(from)].positions == 0,
           "slot {} reads its prompt from another slot; share the prompt from that one", from);
  const int64_t shared = n / ops::kKeyBlock * ops::kKeyBlock, D = c.head_dim;
  prefix_[size_t(to)] = Prefix{from, shared};
  for (int64_t l = 0; l < c.num_layers; ++l) {
    for (int64_t h = 0; h < c.num_kv_heads; ++h)
      std::memcpy(keys_at(l, to, h) + shared * D, keys_at(l, from, h) + shared * D,
                  size_t(ops::key_blocks_size(n, D) - shared * D) * sizeof(float));
    std::memcpy(v_at(l, to, shared), v_at(l, from, shared),
                size_t((n - shared) * c.kv_dim()) * sizeof(float));
  }
}

const float* Decoder::decode(const int64_t* slots, const int32_t* tokens, const int32_t* positions,
                             int64_t n, float* const* records) {
  R1_CHECK(n >= 1 && n <= slots_, "decode of {} rows with {} slots", n, slots_);
  for (int64_t i = 0; i < n; ++i)
    R1_CHECK(positions[i] >= 0 && positions[i] < max_seq_,
             "position {} is outside the context of {}", positions[i], max_seq_);
  // One parallel region per step, not one per op. With enough rows each
  // thread takes its share of them through the whole model; with few (a
  // single sequence) the threads split each projection's panels and the
  // per-row work, meeting at a barrier between. Either way every element is
  // computed as it would be alone: the same bits for any thread count.
  const int64_t threads = contended_threads();
  if (threads > 1 && n >= threads * kMinRowsPerThread) {
#pragma omp parallel num_threads(int(threads))
    {
      const int64_t t = omp_get_thread_num(), T = omp_get_num_threads();
      const int64_t begin = n * t / T, end = n * (t + 1) / T;
      if (end > begin)
        decode_team(slots + begin, tokens + begin, positions + begin, end - begin,
                    records ? records + begin : nullptr, 0, 1, begin);
    }
  } else if (threads > 1) {
#pragma omp parallel num_threads(int(threads))
    decode_team(slots, tokens, positions, n, records, omp_get_thread_num(), omp_get_num_threads(),
                0);
  } else {
    std::optional<ScopedThreads> one;
    if (threads < num_threads()) one.emplace(1);
    decode_team(slots, tokens, positions, n, records, 0, 1, 0);
  }
  return logits_.data();
}

void Decoder::decode_team(const int64_t* slots, const int32_t* tokens, const int32_t* positions,
                          int64_t n, float* const* records, int64_t t, int64_t T, int64_t begin) {
  const ModelConfig& c = model_.config();
  const int64_t C = c.hidden_size, F = c.intermediate_size;
  const int64_t Q = c.q_dim(), K = c.kv_dim(), QKV = c.qkv_dim(), D = c.head_dim;
  const int64_t Hq = c.num_heads, Hkv = c.num_kv_heads, group = Hq / Hkv;
  const auto barrier = [T] {
    if (T > 1) {
#pragma omp barrier
    }
  };
  // This thread's rows [r0, r1) of n.
  const int64_t r0 = n * t / T, r1 = n * (t + 1) / T, rows = r1 - r0;
  // out (n, W.rows()) = in · Wᵀ [+ bias] [added to add_to], this thread's
  // panels; then the barrier after which every column is there.
  const auto project = [&](float* out, const float* in, const PackedMatrix& w, const float* bias,
                           float* add_to) {
    const int64_t OC = w.rows(), P = (OC + PackedMatrix::kPanel - 1) / PackedMatrix::kPanel;
    const int64_t p0 = P * t / T, p1 = P * (t + 1) / T;
    const int64_t c0 = std::min(OC, p0 * PackedMatrix::kPanel);
    const int64_t c1 = std::min(OC, p1 * PackedMatrix::kPanel);
    packed_matmul_panels(out, in, w, n, p0, p1);
    for (int64_t i = 0; i < n; ++i) {
      if (bias)
        for (int64_t o = c0; o < c1; ++o) out[i * OC + o] += bias[o];
      if (add_to)
        for (int64_t o = c0; o < c1; ++o) add_to[i * OC + o] += out[i * OC + o];
    }
    barrier();
  };
  // The buffers' rows from `begin` on.
  float* x = x_.data() + begin * C;
  float* ln = ln_.data() + begin * C;
  float* rstd = rstd_.data() + begin;
  float* qkv = qkv_.data() + begin * QKV;
  float* qk = qk_.data() + begin * (Q + K);
  float* qk_rstd = qk_rstd_.data() + begin * (Hq + Hkv);
  float* att_out = att_out_.data() + begin * Q;
  float* tmp = tmp_.data() + begin * C;
  float* gu = gu_.data() + begin * 2 * F;
  float* h = h_.data() + begin * F;
  float* scores = scores_.data() + begin * Hq * max_seq_;
  // Writes `count` floats of each of this thread's rows of `rows` (`stride`
  // apart) into its record at `offset`, as the training graph keeps them.
  const auto keep = [&](int64_t offset, const float* rows, int64_t stride, int64_t count) {
    if (records)
      for (int64_t i = r0; i < r1; ++i)
        if (float* record = records[i]) stream_copy(record + offset, rows + i * stride, count);
  };
  const RecordLayout::Layer& R = layout_.layer;
  const Weights& w = model_.weights();
  ops::embedding_forward(x + r0 * C, tokens + r0, w.embed, rows, C);
  // Each layer's input norm is taken at the end of the one before.
  ops::rmsnorm_forward(ln + r0 * C, rstd + r0, x + r0 * C,
                       c.num_layers > 0 ? w.layers[0].input_norm : w.final_norm, rows, C,
                       c.rms_norm_eps, C, C);
  barrier();
  for (int64_t l = 0; l < c.num_layers; ++l) {
    const LayerWeights& L = w.layers[size_t(l)];
    const PackedLayer& P = packed_.layers[size_t(l)];
    const int64_t at = l * layout_.layer_size;  // the layer's part of a record
    keep(at + R.res, x, C, C);
    project(qkv, ln, P.qkv, L.qkv_bias, nullptr);
    // This thread's rows: q/k norms, rotation, the cache, attention.
    float* qk_rows = qk + r0 * (Q + K);
    const float* qkv_rows = qkv + r0 * QKV;
    if (c.qk_norm) {
      for (int64_t hd = 0; hd < Hq + Hkv; ++hd)
        ops::rmsnorm_forward(qk_rows + hd * D, qk_rstd + hd * n + r0, qkv_rows + hd * D,
                             hd < Hq ? L.q_norm : L.k_norm, rows, D, c.rms_norm_eps, QKV, Q + K);
    } else {
      for (int64_t i = 0; i < rows; ++i)
        std::memcpy(qk_rows + i * (Q + K), qkv_rows + i * QKV, size_t(Q + K) * sizeof(float));
    }
    ops::rope_forward_rows(qk_rows, rope_cos_.data(), rope_sin_.data(), rows, Hq + Hkv, D, Q + K,
                           positions + r0);
    if (c.qk_norm) {
      keep(at + R.qkv, qkv, QKV, QKV);
      keep(at + R.qk, qk, Q + K, Q + K);
      for (int64_t hd = 0; hd < Hq + Hkv; ++hd) keep(at + R.qk_rstd + hd, qk_rstd + hd * n, 1, 1);
    } else {  // the graph rotates q and k in place
      keep(at + R.qkv, qk, Q + K, Q + K);
      keep(at + R.qkv + Q + K, qkv + Q + K, QKV, K);
    }
    for (int64_t i = r0; i < r1; ++i) {
      store_k(l, slots[i], positions[i], qk + i * (Q + K) + Q);
      std::memcpy(v_at(l, slots[i], positions[i]), qkv + i * QKV + Q + K,
                  size_t(K) * sizeof(float));
    }
    // Each row's query over its slot's cached positions, with the same
    // routine as the training forward.
    for (int64_t ih = r0 * Hq; ih < r1 * Hq; ++ih) {
      const int64_t i = ih / Hq, hq = ih % Hq, kvh = hq / group, s = slots[i];
      const int64_t first = 0, last = int64_t(positions[i]) + 1;
      const Prefix& own = prefix_[size_t(s)];
      const ops::SharedPrefix<float> prefix{keys_at(l, own.slot, kvh),
                                            v_at(l, own.slot, 0) + kvh * D, own.positions};
      ops::attend_rows(att_out + i * Q + hq * D, 0, scores + ih * max_seq_, 0,
                       qk + i * (Q + K) + hq * D, 0, keys_at(l, s, kvh), v_at(l, s, 0) + kvh * D, K,
                       &first, &last, 1, D, prefix);
    }
    keep(at + R.att_out, att_out, Q, Q);
    barrier();
    project(tmp, att_out, P.o, L.o_bias, x);
    ops::rmsnorm_forward(ln + r0 * C, rstd + r0, x + r0 * C, L.post_norm, rows, C, c.rms_norm_eps,
                         C, C);
    keep(at + R.res_mid, x, C, C);
    barrier();
    project(gu, ln, P.gate_up, nullptr, nullptr);
    ops::swiglu_forward(h + r0 * F, gu + r0 * 2 * F, rows, F);
    keep(at + R.gu, gu, 2 * F, 2 * F);
    barrier();
    project(tmp, h, P.down, nullptr, x);
    const float* next_norm =
        l + 1 < c.num_layers ? w.layers[size_t(l + 1)].input_norm : w.final_norm;
    ops::rmsnorm_forward(ln + r0 * C, rstd + r0, x + r0 * C, next_norm, rows, C, c.rms_norm_eps, C,
                         C);
    barrier();
  }
  keep(layout_.res_final, x, C, C);
  if (records) stream_fence();
  project(logits_.data() + begin * c.vocab_size, ln, packed_.lm_head, nullptr, nullptr);
}

}  // namespace r1
