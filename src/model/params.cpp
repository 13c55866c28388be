#include "model/params.h"

namespace r1 {

int64_t ParamTensor::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

ParamLayout::ParamLayout(const ModelConfig& config) {
  Weights scratch;
  visit_params(config, scratch,
               [&](const std::string& name, const std::vector<int64_t>& shape, float*&) {
                 ParamTensor t{name, shape, total};
                 total += size_t(t.numel());
                 tensors.push_back(std::move(t));
               });
}

const ParamTensor* ParamLayout::find(const std::string& name) const {
  for (const ParamTensor& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

Weights bind_weights(const ModelConfig& config, float* base) {
  Weights w;
  size_t offset = 0;
  visit_params(config, w, [&](const std::string&, const std::vector<int64_t>& shape, float*& slot) {
    slot = base + offset;
    size_t n = 1;
    for (int64_t d : shape) n *= size_t(d);
    offset += n;
  });
  return w;
}

}  // namespace r1
