// Turns a corpus file into a token stream for pretraining.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace r1::cli {

struct CorpusTokens {
  std::vector<int32_t> tokens;
  int64_t vocab_size = 0;
};

// A .jsonl corpus contributes each line's "text" as a document; any other file
// is one document. Documents are separated by the end-of-text token. Text is
// encoded byte-level: ids 0–255 are bytes, 256 is end-of-text.
CorpusTokens tokenize_corpus(const std::string& path);

}  // namespace r1::cli
