// The one list of parameter tensors (see params.h).
#pragma once

#include <string>

namespace r1 {

template <typename Fn>
void visit_params(const ModelConfig& c, Weights& w, Fn&& fn) {
  const int64_t C = c.hidden_size, F = c.intermediate_size, V = c.vocab_size;
  const int64_t Q = c.q_dim(), K = c.kv_dim(), D = c.head_dim;
  w.layers.resize(size_t(c.num_layers));
  // Sub-tensors of a fused tensor: the slot is set for the first, the others
  // are visited with a scratch slot so they are still named and sized.
  float* unused = nullptr;
  fn(std::string("model.embed_tokens.weight"), std::vector<int64_t>{V, C}, w.embed);
  for (int64_t l = 0; l < c.num_layers; ++l) {
    LayerWeights& L = w.layers[size_t(l)];
    const std::string p = "model.layers." + std::to_string(l) + ".";
    fn(p + "input_layernorm.weight", std::vector<int64_t>{C}, L.input_norm);
    fn(p + "self_attn.q_proj.weight", std::vector<int64_t>{Q, C}, L.qkv);
    fn(p + "self_attn.k_proj.weight", std::vector<int64_t>{K, C}, unused);
    fn(p + "self_attn.v_proj.weight", std::vector<int64_t>{K, C}, unused);
    if (c.qkv_bias) {
      fn(p + "self_attn.q_proj.bias", std::vector<int64_t>{Q}, L.qkv_bias);
      fn(p + "self_attn.k_proj.bias", std::vector<int64_t>{K}, unused);
      fn(p + "self_attn.v_proj.bias", std::vector<int64_t>{K}, unused);
    }
    if (c.qk_norm) {
      fn(p + "self_attn.q_norm.weight", std::vector<int64_t>{D}, L.q_norm);
      fn(p + "self_attn.k_norm.weight", std::vector<int64_t>{D}, L.k_norm);
    }
    fn(p + "self_attn.o_proj.weight", std::vector<int64_t>{C, Q}, L.o);
    if (c.o_bias) fn(p + "self_attn.o_proj.bias", std::vector<int64_t>{C}, L.o_bias);
    fn(p + "post_attention_layernorm.weight", std::vector<int64_t>{C}, L.post_norm);
    fn(p + "mlp.gate_proj.weight", std::vector<int64_t>{F, C}, L.gate_up);
    fn(p + "mlp.up_proj.weight", std::vector<int64_t>{F, C}, unused);
    fn(p + "mlp.down_proj.weight", std::vector<int64_t>{C, F}, L.down);
  }
  fn(std::string("model.norm.weight"), std::vector<int64_t>{C}, w.final_norm);
  if (c.num_labels > 0)
    fn(std::string("score.weight"), std::vector<int64_t>{c.num_labels, C}, w.score);
  else if (!c.tie_word_embeddings)
    fn(std::string("lm_head.weight"), std::vector<int64_t>{V, C}, w.lm_head);
  else
    w.lm_head = w.embed;
}

}  // namespace r1
