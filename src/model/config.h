// Model hyper-parameters, mirroring a Hugging Face config.json of the Llama,
// Qwen2 and Qwen3 families (decoder-only, RMSNorm, RoPE, GQA, SwiGLU).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace r1 {

struct ModelConfig {
  std::string model_type = "llama";  // llama | qwen2 | qwen3
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_layers = 0;
  int64_t num_heads = 0;
  int64_t num_kv_heads = 0;
  int64_t head_dim = 0;
  int64_t max_position_embeddings = 2048;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  bool tie_word_embeddings = false;
  bool qkv_bias = false;  // bias on q/k/v projections (Qwen2; Llama attention_bias)
  bool o_bias = false;    // bias on the output projection (Llama attention_bias)
  bool qk_norm = false;   // per-head RMSNorm of q and k before RoPE (Qwen3)
  // 0: a causal LM (lm_head). > 0: a sequence-classification model (HF
  // *ForSequenceClassification: the same trunk with a `score.weight`
  // [num_labels, hidden] head instead of lm_head) — value and reward models.
  int64_t num_labels = 0;
  // Keys of the original config.json we do not interpret, written back
  // unchanged so a saved model stays loadable by Hugging Face tools.
  nlohmann::json extra = nlohmann::json::object();

  int64_t q_dim() const { return num_heads * head_dim; }
  int64_t kv_dim() const { return num_kv_heads * head_dim; }
  int64_t qkv_dim() const { return q_dim() + 2 * kv_dim(); }

  // Parses HF config.json keys; `source` names the file in error messages.
  static ModelConfig from_json(const nlohmann::json& j, const std::string& source);
  nlohmann::json to_json() const;
  // Checks internal consistency; errors name `source` and the field.
  void validate(const std::string& source) const;
};

}  // namespace r1
