// Turns a corpus file into a token stream for pretraining.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace r1::cli {

struct CorpusTokens {
  std::vector<int32_t> tokens;
  int64_t vocab_size = 0;
  int32_t separator = 0;  // the end-of-text token that follows every document
};

// A .jsonl corpus contributes each line's "text" as a document; any other file
// is one document. Each document is followed by the end-of-text token. Without
// a tokenizer text is encoded byte-level (ids 0–255 are bytes, 256 is
// end-of-text); with one, by it, ending documents with its EOS token.
CorpusTokens tokenize_corpus(const std::string& path, const Tokenizer* tokenizer = nullptr);

}  // namespace r1::cli
