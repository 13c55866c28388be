// Training a byte-level BPE vocabulary from text, as the built-in tiny models
// do at start-up with the built-in corpus. The result is an ordinary HF
// tokenizer.json pipeline (Qwen2-style split regex, ByteLevel, BPE) that
// Hugging Face's own implementations load and encode identically.
#pragma once

#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace r1 {

// The Qwen2 pre-tokenization pattern, which keeps every digit its own piece
// (good for arithmetic) and letters of any script together.
extern const char* const kQwen2SplitPattern;

// The special tokens of the built-in vocabulary; "<|endoftext|>" is EOS and
// padding.
std::vector<std::string> builtin_special_tokens();

// Learns merges until the vocabulary (256 bytes + merges + special tokens)
// reaches `vocab_size` or no pair occurs twice. Ties between equally frequent
// pairs go to the pair whose byte strings sort first, so the result depends
// only on the texts. Special tokens inside the texts are cut out before
// counting. The config names EOS/pad ("<|endoftext|>" when present) and the
// R1-Zero chat template.
Tokenizer train_bpe(const std::vector<std::string>& texts, int vocab_size,
                    const std::vector<std::string>& special_tokens);

}  // namespace r1
