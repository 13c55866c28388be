// The model's projection matrices packed for core/packed_gemm.h. A snapshot:
// pack again after the weights change.
#pragma once

#include <vector>

#include "core/packed_gemm.h"
#include "model/model.h"

namespace r1 {

struct PackedLayer {
  PackedMatrix qkv, o, gate_up, down;
};

struct PackedWeights {
  std::vector<PackedLayer> layers;
  PackedMatrix lm_head;  // empty for a sequence classifier

  void pack(const Model& model);
};

}  // namespace r1
