// Reading and writing Hugging Face tokenizer files: tokenizer.json (the
// pipeline and vocabulary) and tokenizer_config.json (special tokens, chat
// template).
#pragma once

#include <string>
#include <string_view>

#include "tokenizer/tokenizer.h"

namespace r1 {

// `path` is a tokenizer.json file or a model directory holding one. A
// tokenizer_config.json beside it, when present, supplies eos/bos/pad and the
// chat template.
Tokenizer load_tokenizer(const std::string& path);

// Parses tokenizer.json text; `source` names it in errors.
TokenizerParts parse_tokenizer_json(std::string_view json_text, const std::string& source);
// Parses tokenizer_config.json text into `config`.
TokenizerConfig parse_tokenizer_config(std::string_view json_text, const std::string& source);

std::string tokenizer_json(const Tokenizer& tokenizer);
std::string tokenizer_config_json(const Tokenizer& tokenizer);

// Writes tokenizer.json and tokenizer_config.json into `directory`.
void save_tokenizer(const Tokenizer& tokenizer, const std::string& directory);

}  // namespace r1
