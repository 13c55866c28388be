// Where a command's model comes from: a model directory, or "builtin" for the
// built-in base model of the embedded default (built on first use, cached).
#pragma once

#include <string>

namespace r1::cli {

std::string resolve_model(const std::string& spec);

}  // namespace r1::cli
