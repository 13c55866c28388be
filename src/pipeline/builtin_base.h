// The built-in base model of the embedded default ("R1 in a box", DESIGN.md):
// synthetic corpus → byte-level BPE vocabulary learned from it → next-token
// pretraining of a small preset → a Hugging Face style model directory
// (config.json, model.safetensors, tokenizer.json, tokenizer_config.json).
//
// Building it takes minutes, so the result is cached in a directory keyed by a
// hash of everything that determines its bytes. The directory is built under a
// temporary name and renamed when complete: a killed build never looks done.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "tasks/corpus.h"
#include "train/pretrain.h"

namespace r1 {

struct BuiltinBaseConfig {
  CorpusMix mix;
  uint64_t corpus_seed = 1;
  int64_t documents = 20000;     // corpus documents the model is pretrained on
  int64_t bpe_documents = 4000;  // the first documents, from which the vocabulary is learned
  int vocab_size = 1000;
  std::string preset = "small";
  // Rows of one whole document each (PretrainConfig::document_separator set to
  // end-of-text) rather than random windows of the token stream.
  bool document_rows = false;
  PretrainConfig train;
};

// The default model (`quick` false) or a much smaller one for tests.
BuiltinBaseConfig builtin_base_config(bool quick);

// The distillation student of the R1 pipeline: the same corpus, vocabulary
// and training, a smaller model (tiny; micro when `quick`).
BuiltinBaseConfig builtin_student_config(bool quick);

// Everything the built model depends on, including the program `version`.
nlohmann::json builtin_base_identity(const BuiltinBaseConfig& config, const std::string& version);

// 16 hex digits of a 64-bit FNV-1a hash of the identity's canonical JSON.
std::string builtin_base_key(const BuiltinBaseConfig& config, const std::string& version);

// $XDG_CACHE_HOME/r1, else $HOME/.cache/r1; r1::Error when neither is set.
std::string default_cache_root();

struct BuiltinBaseResult {
  std::string dir;
  bool reused = false;  // the directory was already complete
};

// Builds the model into `dir`, or reuses `dir` if it is complete and was built
// from the same identity (a complete directory of another identity is an
// error rather than being overwritten).
BuiltinBaseResult build_builtin_base(const BuiltinBaseConfig& config, const std::string& version,
                                     const std::string& dir);

}  // namespace r1
