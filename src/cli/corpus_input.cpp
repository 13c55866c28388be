#include "cli/corpus_input.h"

#include <functional>

#include "core/check.h"
#include "core/file_io.h"
#include "core/jsonl.h"

namespace r1::cli {

namespace {

constexpr int32_t kEndOfText = 256;

void append_bytes(std::vector<int32_t>& out, const std::string& text) {
  for (unsigned char c : text) out.push_back(c);
  out.push_back(kEndOfText);
}

}  // namespace

CorpusTokens tokenize_corpus(const std::string& path, const Tokenizer* tokenizer) {
  CorpusTokens corpus;
  corpus.vocab_size = kEndOfText + 1;
  corpus.separator = kEndOfText;
  std::function<void(const std::string&)> append_document = [&](const std::string& text) {
    append_bytes(corpus.tokens, text);
  };
  if (tokenizer != nullptr) {
    const std::optional<int32_t> eos = tokenizer->eos_id();
    R1_CHECK(eos.has_value(),
             "the tokenizer names no EOS token (tokenizer_config.json \"eos_token\"), which "
             "pretraining needs to separate documents");
    corpus.vocab_size = tokenizer->vocab_size();
    corpus.separator = *eos;
    append_document = [&corpus, tokenizer, end = *eos](const std::string& text) {
      const std::vector<int32_t> ids = tokenizer->encode(text);
      corpus.tokens.insert(corpus.tokens.end(), ids.begin(), ids.end());
      corpus.tokens.push_back(end);
    };
  }
  const bool jsonl = path.size() > 6 && path.substr(path.size() - 6) == ".jsonl";
  if (jsonl) {
    for_each_jsonl(path, [&](const nlohmann::json& j, int64_t) {
      R1_CHECK(j.contains("text") && j["text"].is_string(), "expected a string field \"text\"");
      append_document(j["text"].get<std::string>());
    });
  } else {
    append_document(read_file(path));
  }
  return corpus;
}

}  // namespace r1::cli
