// Where a command's model comes from: a model directory, or "builtin" for the
// built-in base model of the embedded default (built on first use, cached).
#pragma once

#include <string>

#include "model/model.h"
#include "tokenizer/tokenizer.h"

namespace r1::cli {

// Builds the built-in base model (or, with `student`, the pipeline's smaller
// distillation student) into `out` (or its cache directory when `out` is
// empty), reusing a complete one; returns its directory.
std::string builtin_model_dir(bool quick, const std::string& out = "", bool student = false);

// "builtin" / "builtin-quick" → the built-in base model, "builtin-student" /
// "builtin-quick-student" → its student; anything else must be a model
// directory.
std::string resolve_model(const std::string& spec);

struct LoadedModel {
  Model model;
  Tokenizer tokenizer;
};

// The model and tokenizer of model directory `dir`; an error when the
// tokenizer has ids the model has no embedding for.
LoadedModel load_model_and_tokenizer(const std::string& dir);

}  // namespace r1::cli
