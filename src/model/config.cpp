#include "model/config.h"

#include "core/check.h"

namespace r1 {

namespace {

template <typename T>
T get_field(const nlohmann::json& j, const char* key, const std::string& source) {
  R1_CHECK(j.contains(key), "{}: missing field '{}'", source, key);
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    fail("{}: field '{}' has the wrong type (got {})", source, key, j.at(key).dump());
  }
}

template <typename T>
T get_field_or(const nlohmann::json& j, const char* key, T fallback, const std::string& source) {
  if (!j.contains(key) || j.at(key).is_null()) return fallback;
  return get_field<T>(j, key, source);
}

// Keys this file interprets; everything else is kept in `extra`.
const char* const kKnownKeys[] = {
    "model_type",          "vocab_size",        "hidden_size",
    "intermediate_size",   "num_hidden_layers", "num_attention_heads",
    "num_key_value_heads", "head_dim",          "max_position_embeddings",
    "rms_norm_eps",        "rope_theta",        "tie_word_embeddings",
    "attention_bias",      "hidden_act",        "mlp_bias",
    "torch_dtype",         "architectures"};

}  // namespace

ModelConfig ModelConfig::from_json(const nlohmann::json& j, const std::string& source) {
  R1_CHECK(j.is_object(), "{}: expected a JSON object", source);
  ModelConfig c;
  c.model_type = get_field<std::string>(j, "model_type", source);
  R1_CHECK(c.model_type == "llama" || c.model_type == "qwen2" || c.model_type == "qwen3",
           "{}: model_type '{}' is not supported (expected llama, qwen2 or qwen3)", source,
           c.model_type);
  c.vocab_size = get_field<int64_t>(j, "vocab_size", source);
  c.hidden_size = get_field<int64_t>(j, "hidden_size", source);
  c.intermediate_size = get_field<int64_t>(j, "intermediate_size", source);
  c.num_layers = get_field<int64_t>(j, "num_hidden_layers", source);
  c.num_heads = get_field<int64_t>(j, "num_attention_heads", source);
  c.num_kv_heads = get_field_or<int64_t>(j, "num_key_value_heads", c.num_heads, source);
  R1_CHECK(c.num_heads > 0, "{}: num_attention_heads must be positive", source);
  c.head_dim = get_field_or<int64_t>(j, "head_dim", c.hidden_size / c.num_heads, source);
  c.max_position_embeddings = get_field_or<int64_t>(j, "max_position_embeddings", 2048, source);
  c.rms_norm_eps = get_field_or<double>(j, "rms_norm_eps", 1e-6, source);
  c.rope_theta = get_field_or<double>(j, "rope_theta", 10000.0, source);
  c.tie_word_embeddings = get_field_or<bool>(j, "tie_word_embeddings", false, source);
  const std::string act = get_field_or<std::string>(j, "hidden_act", "silu", source);
  R1_CHECK(act == "silu", "{}: hidden_act '{}' is not supported (expected silu)", source, act);
  R1_CHECK(!get_field_or<bool>(j, "mlp_bias", false, source),
           "{}: mlp_bias = true is not supported", source);
  if (j.contains("rope_scaling") && !j["rope_scaling"].is_null())
    fail("{}: rope_scaling {} is not supported yet (expected null)", source,
         j["rope_scaling"].dump());
  if (c.model_type == "qwen2") {
    c.qkv_bias = true;  // Qwen2 always has q/k/v biases and no config key for it
  } else {
    const bool bias = get_field_or<bool>(j, "attention_bias", false, source);
    c.qkv_bias = bias;
    c.o_bias = bias && c.model_type == "llama";
  }
  c.qk_norm = c.model_type == "qwen3";
  // A sequence-classifier says so in `architectures`; its label count is
  // num_labels, else the size of id2label, else HF's default of 2.
  bool classifier = false;
  if (j.contains("architectures") && j["architectures"].is_array())
    for (const auto& a : j["architectures"])
      classifier = classifier ||
                   (a.is_string() && a.get<std::string>().ends_with("ForSequenceClassification"));
  if (classifier) {
    c.num_labels = j.contains("num_labels") ? get_field<int64_t>(j, "num_labels", source)
                   : j.contains("id2label") ? int64_t(j["id2label"].size())
                                            : 2;
    R1_CHECK(c.num_labels > 0, "{}: num_labels must be positive (got {})", source, c.num_labels);
  }
  for (auto& [key, value] : j.items()) {
    bool known = key == "rope_scaling" ||
                 (classifier && (key == "num_labels" || key == "id2label" || key == "label2id"));
    for (const char* k : kKnownKeys) known = known || key == k;
    if (!known) c.extra[key] = value;
  }
  c.validate(source);
  return c;
}

nlohmann::json ModelConfig::to_json() const {
  nlohmann::json j = extra;
  static const char* const kArch[][2] = {
      {"llama", "Llama"}, {"qwen2", "Qwen2"}, {"qwen3", "Qwen3"}};
  for (auto& [type, arch] : kArch)
    if (model_type == type)
      j["architectures"] = {std::string(arch) +
                            (num_labels > 0 ? "ForSequenceClassification" : "ForCausalLM")};
  if (num_labels > 0) {
    j["num_labels"] = num_labels;
    nlohmann::json id2label = nlohmann::json::object(), label2id = nlohmann::json::object();
    for (int64_t i = 0; i < num_labels; ++i) {
      id2label[std::to_string(i)] = "LABEL_" + std::to_string(i);
      label2id["LABEL_" + std::to_string(i)] = i;
    }
    j["id2label"] = id2label;
    j["label2id"] = label2id;
  }
  j["model_type"] = model_type;
  j["vocab_size"] = vocab_size;
  j["hidden_size"] = hidden_size;
  j["intermediate_size"] = intermediate_size;
  j["num_hidden_layers"] = num_layers;
  j["num_attention_heads"] = num_heads;
  j["num_key_value_heads"] = num_kv_heads;
  j["head_dim"] = head_dim;
  j["max_position_embeddings"] = max_position_embeddings;
  j["rms_norm_eps"] = rms_norm_eps;
  j["rope_theta"] = rope_theta;
  j["tie_word_embeddings"] = tie_word_embeddings;
  j["hidden_act"] = "silu";
  j["torch_dtype"] = "float32";
  if (model_type != "qwen2") j["attention_bias"] = qkv_bias;
  j["rope_scaling"] = nullptr;
  return j;
}

void ModelConfig::validate(const std::string& source) const {
  R1_CHECK(vocab_size > 0, "{}: vocab_size must be positive (got {})", source, vocab_size);
  R1_CHECK(hidden_size > 0, "{}: hidden_size must be positive (got {})", source, hidden_size);
  R1_CHECK(intermediate_size > 0, "{}: intermediate_size must be positive (got {})", source,
           intermediate_size);
  R1_CHECK(num_layers > 0, "{}: num_hidden_layers must be positive (got {})", source, num_layers);
  R1_CHECK(num_kv_heads > 0 && num_heads % num_kv_heads == 0,
           "{}: num_attention_heads ({}) must be a multiple of num_key_value_heads ({})", source,
           num_heads, num_kv_heads);
  R1_CHECK(head_dim > 0 && head_dim % 2 == 0, "{}: head_dim must be positive and even (got {})",
           source, head_dim);
  R1_CHECK(max_position_embeddings > 0, "{}: max_position_embeddings must be positive", source);
  R1_CHECK(rms_norm_eps > 0, "{}: rms_norm_eps must be positive", source);
  R1_CHECK(rope_theta > 0, "{}: rope_theta must be positive", source);
  R1_CHECK(num_labels >= 0, "{}: num_labels must not be negative (got {})", source, num_labels);
}

}  // namespace r1
