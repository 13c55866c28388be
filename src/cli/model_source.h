// Where a command's model comes from: a model directory, or "builtin" for the
// built-in base model of the embedded default (built on first use, cached).
#pragma once

#include <string>

namespace r1::cli {

// Builds the built-in base model into `out` (or its cache directory when
// `out` is empty), reusing a complete one; returns its directory.
std::string builtin_model_dir(bool quick, const std::string& out = "");

// "builtin" / "builtin-quick" → the built-in base model; anything else must
// be a model directory.
std::string resolve_model(const std::string& spec);

}  // namespace r1::cli
