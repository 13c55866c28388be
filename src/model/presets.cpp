#include "model/presets.h"

#include "core/check.h"

namespace r1 {

ModelConfig model_preset(const std::string& name, int64_t vocab_size) {
  ModelConfig c;
  c.model_type = "qwen2";
  c.vocab_size = vocab_size;
  c.tie_word_embeddings = true;
  c.rope_theta = 10000.0;
  c.rms_norm_eps = 1e-6;
  if (name == "micro") {
    c.hidden_size = 32, c.intermediate_size = 88, c.num_layers = 1, c.num_heads = 2,
    c.num_kv_heads = 1, c.max_position_embeddings = 256;
  } else if (name == "tiny") {
    c.hidden_size = 64, c.intermediate_size = 176, c.num_layers = 2, c.num_heads = 4,
    c.num_kv_heads = 2, c.max_position_embeddings = 256;
  } else if (name == "small") {
    c.hidden_size = 128, c.intermediate_size = 352, c.num_layers = 4, c.num_heads = 4,
    c.num_kv_heads = 2, c.max_position_embeddings = 256;
  } else if (name == "reference") {
    c.model_type = "llama";
    c.hidden_size = 384, c.intermediate_size = 1024, c.num_layers = 6, c.num_heads = 6,
    c.num_kv_heads = 6, c.max_position_embeddings = 256;
  } else {
    fail("unknown model preset '{}' (expected micro, tiny, small or reference)", name);
  }
  c.head_dim = c.hidden_size / c.num_heads;
  c.qkv_bias = c.model_type == "qwen2";
  c.validate("preset " + name);
  return c;
}

}  // namespace r1
