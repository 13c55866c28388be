// Inference forward with a KV cache. A cache has `slots` sequences of up to
// `max_seq` positions; prefill fills a slot from a prompt (through the
// training forward, so a prompt's keys, values and logits are the trainer's
// own), and decode advances many slots by one token in one batched pass
// (GEMM over the batch, not per-sequence GEMV).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "model/model.h"
#include "model/transformer.h"

namespace r1 {

class Decoder {
 public:
  Decoder(const Model& model, int64_t slots, int64_t max_seq);

  // Runs the prompt through the model and stores its keys and values in
  // `slot` (positions 0..n-1). Returns the logits of the last position (V).
  // `records`: n destinations; position t's activations as the training
  // graph keeps them (a RecordLayout record) are written to records[t]
  // unless it is null, for training to reuse.
  const float* prefill(int64_t slot, const int32_t* prompt, int64_t n,
                       float* const* records = nullptr);
  // Gives slot `to` the n prompt positions of slot `from` (which prefilled
  // them): the whole key blocks among them are read from `from` in place,
  // the rest copied. `from` must keep them (not be prefilled again) while
  // `to` decodes.
  void share_prompt(int64_t from, int64_t to, int64_t n);

  // Appends tokens[i] at position positions[i] of slots[i] for i < n and
  // returns the next-token logits, (n, V) row-major. `records` as for
  // prefill: one destination a row.
  const float* decode(const int64_t* slots, const int32_t* tokens, const int32_t* positions,
                      int64_t n, float* const* records = nullptr);

  // Packs the model's weights again: call after they change (the decoder
  // packs them once, when constructed).
  void refresh_weights() { packed_.pack(model_); }

  const Model& model() const { return model_; }
  int64_t slots() const { return slots_; }
  int64_t max_seq() const { return max_seq_; }

 private:
  // Keys are cached as attend_rows reads them, one key block store per
  // (layer, slot, kv head); values as (L, slots, max_seq, kv_dim).
  float* keys_at(int64_t layer, int64_t slot, int64_t kv_head);
  float* v_at(int64_t layer, int64_t slot, int64_t pos);
  void store_k(int64_t layer, int64_t slot, int64_t pos, const float* k);
  // decode() of n rows, held in the buffers' rows from `begin` on, as thread
  // t of a team of T (inside its parallel region when T > 1).
  void decode_team(const int64_t* slots, const int32_t* tokens, const int32_t* positions, int64_t n,
                   float* const* records, int64_t t, int64_t T, int64_t begin);

  // Fewest rows a thread takes through the whole model alone in decode();
  // smaller batches run as a team.
  static constexpr int64_t kMinRowsPerThread = 8;

  const Model& model_;
  int64_t slots_, max_seq_;
  RecordLayout layout_;
  PackedWeights packed_;
  TrainingGraph prefill_graph_;
  // Prefills that record: every layer's activations kept, for the longest
  // such prompt so far.
  std::unique_ptr<TrainingGraph> record_graph_;
  std::vector<float> k_cache_, v_cache_;
  std::vector<float> rope_cos_, rope_sin_;
  // Decode activations for up to `slots` rows.
  std::vector<float> x_, ln_, rstd_, qkv_, qk_, qk_rstd_, att_out_, tmp_, gu_, h_, logits_;
  std::vector<float> scores_;          // (slots·heads, max_seq)
  std::vector<float> prefill_logits_;  // (vocab) the prompt's last position
  std::vector<float> prefill_k_;       // (max_seq, kv_dim) staging for prefill
  // Per slot: the slot whose cache holds its positions below `positions`
  // (0: none; it holds them itself).
  struct Prefix {
    int64_t slot = 0, positions = 0;
  };
  std::vector<Prefix> prefix_;
};

}  // namespace r1
