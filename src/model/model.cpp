#include "model/model.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/file_io.h"
#include "core/rng.h"
#include "core/safetensors.h"

namespace r1 {

Model::Model(ModelConfig config)
    : config_(std::move(config)), layout_(config_), data_(layout_.total, 0.0f) {
  weights_ = bind_weights(config_, data_.data());
}

Model::Model(const Model& other)
    : config_(other.config_), layout_(other.layout_), data_(other.data_) {
  weights_ = bind_weights(config_, data_.data());
}

void Model::init_random(uint64_t seed, float std) {
  for (size_t i = 0; i < layout_.tensors.size(); ++i) {
    const ParamTensor& t = layout_.tensors[i];
    float* p = data_.data() + t.offset;
    const bool is_norm = t.name.find("norm") != std::string::npos;
    if (t.shape.size() >= 2) {
      Rng rng(seed, 0x1417, i);
      for (int64_t j = 0; j < t.numel(); ++j) p[j] = std * rng.normal();
    } else {
      std::fill(p, p + t.numel(), is_norm ? 1.0f : 0.0f);
    }
  }
}

Model load_model(const std::string& dir) {
  const std::string config_path = dir + "/config.json";
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(config_path));
  } catch (const nlohmann::json::exception& e) {
    fail("{}: invalid JSON: {}", config_path, e.what());
  }
  Model model(ModelConfig::from_json(j, config_path));
  SafetensorsReader reader(dir + "/model.safetensors");
  for (const ParamTensor& t : model.layout().tensors) {
    R1_CHECK(reader.has(t.name), "{}: missing tensor '{}' required by {}", reader.path(), t.name,
             config_path);
    reader.read(t.name, t.shape, model.data() + t.offset);
  }
  for (const std::string& name : reader.names()) {
    // HF may store the tied head anyway; it must then equal the embedding.
    if (name == "lm_head.weight" && model.config().tie_word_embeddings) continue;
    R1_CHECK(model.layout().find(name) != nullptr,
             "{}: unexpected tensor '{}' (not part of a {} model with this config)", reader.path(),
             name, model.config().model_type);
  }
  return model;
}

void save_model(const Model& model, const std::string& dir) {
  make_dirs(dir);
  std::vector<TensorRef> refs;
  for (const ParamTensor& t : model.layout().tensors)
    refs.push_back({t.name, t.shape, model.data() + t.offset});
  write_safetensors(dir + "/model.safetensors", refs, {{"format", "pt"}});
  write_file_atomic(dir + "/config.json", model.config().to_json().dump(2) + "\n");
}

}  // namespace r1
