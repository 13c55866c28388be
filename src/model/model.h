// A decoder-only transformer: its config and its parameters in one flat buffer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/config.h"
#include "model/params.h"

namespace r1 {

class Model {
 public:
  explicit Model(ModelConfig config);
  Model(const Model& other);
  Model& operator=(const Model&) = delete;

  const ModelConfig& config() const { return config_; }
  const ParamLayout& layout() const { return layout_; }
  size_t num_params() const { return layout_.total; }
  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }
  const Weights& weights() const { return weights_; }

  // HF-style initialisation: matrices N(0, std²), norm weights 1, biases 0;
  // the stream of each tensor is keyed by its index, so it is reproducible.
  void init_random(uint64_t seed, float std = 0.02f);

 private:
  ModelConfig config_;
  ParamLayout layout_;
  std::vector<float> data_;
  Weights weights_;
};

// Loads `dir`/config.json and `dir`/model.safetensors (F32/BF16/F16 widened to
// fp32). A missing or extra tensor, a wrong shape, or a corrupt file is an
// error naming the file and the tensor.
Model load_model(const std::string& dir);
// Writes config.json and model.safetensors (fp32) atomically into `dir`.
void save_model(const Model& model, const std::string& dir);

}  // namespace r1
