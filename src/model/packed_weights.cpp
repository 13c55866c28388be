#include "model/packed_weights.h"

namespace r1 {

void PackedWeights::pack(const Model& model) {
  const ModelConfig& c = model.config();
  const Weights& w = model.weights();
  const int64_t C = c.hidden_size, F = c.intermediate_size;
  layers.resize(size_t(c.num_layers));
  for (size_t l = 0; l < layers.size(); ++l) {
    const LayerWeights& L = w.layers[l];
    layers[l].qkv.pack(L.qkv, c.qkv_dim(), C);
    layers[l].o.pack(L.o, C, c.q_dim());
    layers[l].gate_up.pack(L.gate_up, 2 * F, C);
    layers[l].down.pack(L.down, C, F);
  }
  if (w.lm_head) lm_head.pack(w.lm_head, c.vocab_size, C);
}

}  // namespace r1
