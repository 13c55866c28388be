// Training forward and backward of a Model over a batch of sequences. All
// activations are allocated once, for the largest (B, T) the graph will see
// (the language-model head's only for a causal LM config).
#pragma once

#include <cstdint>
#include <vector>

#include "model/model.h"
#include "model/packed_weights.h"

namespace r1 {

namespace ops {
struct KeyRanges;
}

// What a graph is for: kInference graphs (prefill, scoring) allocate no
// backward buffers — at a 150 k vocabulary dL/dlogits alone is 0.6 MB a
// position — keep only each layer's q, k and v between layers, allocate the
// language-model head's buffers at the first forward() (a prefill that reads
// the hidden states never does), and refuse backward(). kRecord graphs (a
// prefill whose activations training will reuse) are the same but keep every
// layer's activations, for record().
enum class GraphUse { kTrain, kInference, kRecord };

// One position's activations as the training graph keeps them for its
// backward — all but the layers' RMSNorms and SwiGLU (and the final norm),
// which follow from the rest in elementwise passes and are recomputed — per
// layer then the final residual, at these offsets (in floats). The decoder writes such
// records while it generates; a training graph takes a batch's activations
// from them instead of computing its forward (forward_recorded): the decoder
// computes the training forward's bits, so the backward is the same. Fields a
// config does not have (q/k norms) are empty.
struct RecordLayout {
  explicit RecordLayout(const ModelConfig& c);
  struct Layer {
    // qkv: q and k rotated (without q/k norms) or as projected (with them,
    // rotated in qk), then v.
    int64_t res, qkv, qk, qk_rstd, att_out, res_mid, gu;
  };
  Layer layer;             // offsets within a layer's part
  int64_t layer_size = 0;  // floats a layer
  int64_t res_final = 0;   // offset from the record's start
  int64_t size = 0;        // floats a record
};

// How documents share the rows of a batch (packing). doc_starts (B,T):
// doc_starts[b,t] is the position in row b where the document holding t
// begins; each document attends only to itself and its positions count from
// 0, so it computes what it would alone in a row. prefix_starts (B,T), when
// given, lets a document continue an earlier one of its row, once for
// several documents — a group's prompt, placed once for its completions:
// prefix_starts[b,t] is where the continued document begins (doc_starts[b,t]
// when none). The document then attends to that one's positions as well,
// and its own count on from that one's length, so each continuation
// computes what [prefix, continuation] would alone in a row, bit for bit.
// A continued document continues none itself.
struct Packing {
  Packing(const int32_t* doc_starts = nullptr, const int32_t* prefix_starts = nullptr)
      : doc_starts(doc_starts), prefix_starts(prefix_starts) {}
  const int32_t* doc_starts;
  const int32_t* prefix_starts;
};

class TrainingGraph {
 public:
  TrainingGraph(const ModelConfig& config, int64_t max_batch, int64_t max_seq,
                GraphUse use = GraphUse::kTrain);

  // ids, targets: (B,T) row-major. Computes, for every position, the log-prob
  // of targets[b,t] given ids[b,0..t] and the entropy of that distribution.
  // Sequences may be right-padded: causal attention keeps padding from
  // affecting earlier positions; give padded positions zero loss weight.
  // The distribution is softmax(logits / temperature): RL scores tokens under
  // the same temperature it sampled them with.
  // `packing`, when given, packs several documents into a row (see Packing);
  // a packed batch may have rows longer than max_seq as long as B·T fits the
  // graph's max_batch·max_seq positions and every document's positions stay
  // below max_seq.
  // `packed`, when given, is `model`'s projections already packed (a decoder
  // keeps them between prompts); otherwise the graph packs them itself.
  void forward(const Model& model, const int32_t* ids, const int32_t* targets, int64_t B, int64_t T,
               float temperature = 1.0f, const Packing& packing = {},
               const PackedWeights* packed = nullptr);
  // The trunk alone: the final-norm hidden states (B,T,C) that a head reads,
  // for a causal LM or a sequence classifier (num_labels > 0) whose trunk has
  // the graph's shape — a value model may borrow its policy's graph.
  void forward_hidden(const Model& model, const int32_t* ids, int64_t B, int64_t T,
                      const Packing& packing = {}, const PackedWeights* packed = nullptr);
  const float* hidden() const { return lnf_.data(); }         // (B,T,C)
  const float* logprobs() const { return logprobs_.data(); }  // (B,T)
  const float* entropy() const { return entropy_.data(); }    // (B,T)
  const float* logits() const { return logits_.data(); }      // (B,T,V)

  // forward() without the trunk's products: position n's activations are
  // copied from records[n] (RecordLayout; null for padding, whose
  // activations are zero and must have zero loss weight), the norms and
  // SwiGLU recomputed from them, and the head computed. Given the records of
  // the same tokens under the same weights, the log-probs, the entropy and
  // the backward are forward()'s bit for bit.
  void forward_recorded(const Model& model, const float* const* records, const int32_t* ids,
                        const int32_t* targets, int64_t B, int64_t T, float temperature = 1.0f,
                        const Packing& packing = {});
  // Writes position n (of B·T) of the last forward as a record (RecordLayout):
  // a graph built for kTrain or kRecord.
  void record(int64_t n, float* out) const;

  // Given dL/dlogprobs and dL/dentropy (B,T; dentropy may be null) of the last
  // forward, adds dL/dparams into `grads` (the model's flat layout).
  void backward(const Model& model, const float* dlogprobs, const float* dentropy, float* grads);
  // Given dL/dhidden (B,T,C) of the last forward, adds dL/dparams of the trunk
  // into `grads` (the flat layout of `model`; the head's gradient is the
  // caller's).
  void backward_hidden(const Model& model, const float* dhidden, float* grads);

  // Copies the rotated keys and the values of layer `layer`, batch row `b`,
  // positions [t0, t0 + count) as (count, kv_dim) rows: a prompt's KV cache.
  void copy_kv(int64_t layer, int64_t b, int64_t t0, int64_t count, float* k, float* v) const;

  int64_t max_batch() const { return max_B_; }
  int64_t max_seq() const { return max_T_; }

 private:
  void check_trunk(const Model& model) const;
  void check_shape(int64_t B, int64_t T, const Packing& packing) const;
  // Validates `packing` and sets packed_, the document and prefix ranges and
  // the rotary positions.
  void set_packing(const Packing& packing, int64_t B, int64_t T);
  ops::KeyRanges key_ranges() const;  // the attention's view of the packing
  void allocate_head();               // logits and what the log-probs need, for max (B, T)
  // The head over the last forward's final-norm states: logits, log-probs
  // of `targets` and entropy at `temperature`.
  void forward_head(const int32_t* targets, float temperature);
  // Calls f(offset in the record, the field's floats of position n in the
  // buffers, count) for every field of a record (self: the graph, const or
  // not).
  template <typename Self, typename F>
  static void for_each_field(Self& self, int64_t n, F&& f);
  void backward_trunk(const Model& model, float* grads);

  // Rotated queries and keys: with q/k norms in their own buffer (the
  // norms' backward needs qkv as it was), else rotated in place in qkv.
  struct LayerActs {
    std::vector<float> res, ln1, ln1_rstd, qkv, qk, qk_rstd, att_out, res_mid, ln2, ln2_rstd, gu, h;
    float* rotated() { return qk.empty() ? qkv.data() : qk.data(); }
    const float* rotated() const { return qk.empty() ? qkv.data() : qk.data(); }
  };
  // Row stride of LayerActs::rotated() (and of its gradient).
  int64_t rotated_stride() const;

  ModelConfig config_;
  int64_t max_B_, max_T_;
  GraphUse use_;
  int64_t B_ = 0, T_ = 0;
  float inv_temperature_ = 1.0f;
  std::vector<float> rope_cos_, rope_sin_;
  std::vector<LayerActs> layers_;
  std::vector<float> res_final_, lnf_, lnf_rstd_, logits_, lse_, logprobs_, entropy_;
  std::vector<int32_t> ids_, targets_;
  // Packed rows only: each position's document start, the range of the
  // document it continues (empty for none) and its rotary position.
  std::vector<int32_t> doc_starts_, prefix_begin_, prefix_end_, positions_;
  bool packed_ = false;
  PackedWeights packed_weights_;  // the last forward's model, unless the caller packed it
  const PackedWeights* weights_used_ = nullptr;
  PackedMatrix weight_t_;      // backward: the current matrix's transpose
  PackedMatrix input_panels_;  // backward: the current input packed, for the weight gradient
  std::vector<float> tmp_;     // (N,C) projection output before the residual add
  // Backward scratch.
  // dqk_ only with q/k norms: without, the q/k gradient is formed in dqkv_.
  std::vector<float> dres_, dln_, dh_, dgu_, datt_out_, dqk_, dqkv_, dlogits_;
};

// The weighted loss Σ (−w·logprob − e·entropy) over (B,T) positions, and the
// matching dL/dlogprobs = −w and dL/dentropy = −e (e may be null).
double weighted_loss(const float* logprobs, const float* entropy, const float* w, const float* e,
                     int64_t n, float* dlogprobs, float* dentropy);

}  // namespace r1
