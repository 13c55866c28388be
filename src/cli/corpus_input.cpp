#include "cli/corpus_input.h"

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

CorpusTokens tokenize_corpus(const std::string& path) {
  CorpusTokens corpus;
  corpus.vocab_size = kEndOfText + 1;
  const bool jsonl = path.size() > 6 && path.substr(path.size() - 6) == ".jsonl";
  if (jsonl) {
    for_each_jsonl(path, [&](const nlohmann::json& j, int64_t) {
      R1_CHECK(j.contains("text") && j["text"].is_string(), "expected a string field \"text\"");
      append_bytes(corpus.tokens, j["text"].get<std::string>());
    });
  } else {
    append_bytes(corpus.tokens, read_file(path));
  }
  return corpus;
}

}  // namespace r1::cli
