// Parameter layout. All parameters live in one flat fp32 buffer; gradients and
// the AdamW moments use the identical layout, so zeroing is one memset and the
// optimizer one loop. The list of tensors is written once, in visit_params, and
// everything else (offsets, names, views, checkpoint I/O) walks it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/config.h"

namespace r1 {

struct LayerWeights {
  float* input_norm = nullptr;  // (C)
  float* qkv = nullptr;         // (Q+2K, C): q_proj, k_proj, v_proj rows, contiguous
  float* qkv_bias = nullptr;    // (Q+2K) or null
  float* q_norm = nullptr;      // (D) or null
  float* k_norm = nullptr;      // (D) or null
  float* o = nullptr;           // (C, Q)
  float* o_bias = nullptr;      // (C) or null
  float* post_norm = nullptr;   // (C)
  float* gate_up = nullptr;     // (2F, C): gate_proj rows then up_proj rows, contiguous
  float* down = nullptr;        // (C, F)
};

// Views into one flat buffer (weights, gradients or optimizer moments).
struct Weights {
  float* embed = nullptr;  // (V, C)
  std::vector<LayerWeights> layers;
  float* final_norm = nullptr;  // (C)
  float* lm_head = nullptr;     // (V, C); equals embed when tied; null for a classifier
  float* score = nullptr;       // (num_labels, C) for a sequence classifier, else null
};

struct ParamTensor {
  std::string name;  // the Hugging Face tensor name
  std::vector<int64_t> shape;
  size_t offset = 0;  // in floats, into the flat buffer
  int64_t numel() const;
};

// Calls fn(name, shape, slot) for every parameter tensor in layout order; `slot`
// is the pointer in `w` that views it. Fused tensors (qkv, gate_up) are visited
// as their separate HF tensors, which are adjacent in memory.
template <typename Fn>
void visit_params(const ModelConfig& c, Weights& w, Fn&& fn);

// The flat layout of a config: tensors in order with offsets, and the total.
struct ParamLayout {
  std::vector<ParamTensor> tensors;
  size_t total = 0;
  explicit ParamLayout(const ModelConfig& config);
  const ParamTensor* find(const std::string& name) const;
};

// Binds views of `base` (a buffer of ParamLayout::total floats).
Weights bind_weights(const ModelConfig& config, float* base);

// Whether AdamW's weight decay applies: matrices (embeddings, projections), not
// norm weights or biases.
inline bool decays(const ParamTensor& t) {
  return t.shape.size() >= 2;
}

}  // namespace r1

#include "model/params_visit.h"
