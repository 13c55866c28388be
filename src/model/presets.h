// Named model shapes for models built from scratch (the built-in default and
// benchmarks); a real model brings its own config.json.
#pragma once

#include <string>

#include "model/config.h"

namespace r1 {

// "tiny" (tests, ~0.1 M params), "small" (the built-in base, ~1 M), "reference"
// (the benchmark model: 6 layers, hidden 384, 6 heads, SwiGLU 1024, ctx 256).
ModelConfig model_preset(const std::string& name, int64_t vocab_size);

}  // namespace r1
