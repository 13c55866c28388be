// The tokenizer every other layer uses: a Hugging Face tokenizer.json
// byte-level BPE pipeline (added tokens → normalizer → pre-tokenizer → BPE →
// post-processor; ByteLevel decoder), plus the special-token settings of
// tokenizer_config.json. Copies are cheap and share one immutable model;
// encode/decode may be called from many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/added_tokens.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/normalizer.h"
#include "tokenizer/pre_tokenizer.h"

namespace r1 {

// tokenizer_config.json's settings that matter to us.
struct TokenizerConfig {
  std::optional<std::string> eos_token;
  std::optional<std::string> bos_token;
  std::optional<std::string> pad_token;
  // transformers' Llama tokenizers (DeepSeek-V3/R1, the R1 distills) add BOS
  // from these flags rather than from tokenizer.json's post-processor.
  std::string tokenizer_class;
  bool add_bos_token = false;
  bool add_eos_token = false;
  std::string chat_template;  // Jinja source; its family is recognised, not run
};

// Everything a Tokenizer is made of; built by the tokenizer.json loader and by
// the BPE trainer.
struct TokenizerParts {
  Normalizer normalizer;
  PreTokenizer pre_tokenizer;
  std::unique_ptr<BpeModel> model;
  std::vector<AddedToken> added_tokens;
  // Ids the post-processor puts around one sequence when special tokens are
  // requested (TemplateProcessing "single").
  std::vector<int32_t> template_prefix;
  std::vector<int32_t> template_suffix;
  // tokenizer.json's pipeline sections, kept verbatim so that saving writes
  // back what was read.
  nlohmann::json normalizer_json;
  nlohmann::json pre_tokenizer_json;
  nlohmann::json post_processor_json;
  nlohmann::json decoder_json;
  TokenizerConfig config;
};

class Tokenizer {
 public:
  explicit Tokenizer(TokenizerParts parts);

  // Invalid UTF-8 in `text` is first replaced by U+FFFD (maximal-subpart
  // rule, like the UTF-8 decoders of Python, Rust and JavaScript), so the ids
  // are those Hugging Face gives for the same text read as a string.
  std::vector<int32_t> encode(std::string_view text, bool add_special_tokens = false) const;
  // Ids outside [0, vocab_size()) are an r1::Error. Byte sequences that are
  // not UTF-8 (a model can emit any bytes) become U+FFFD.
  std::string decode(std::span<const int32_t> ids, bool skip_special_tokens = false) const;

  int32_t vocab_size() const;
  // Id of a token given as tokenizer.json spells it ("Ġthe", "<think>").
  std::optional<int32_t> token_id(std::string_view token) const;
  std::optional<int32_t> eos_id() const { return eos_id_; }
  std::optional<int32_t> bos_id() const { return bos_id_; }
  std::optional<int32_t> pad_id() const { return pad_id_; }

  // The token as tokenizer.json spells it ("Ġthe"); "" for an unused id.
  const std::string& token_text(int32_t id) const;
  // The raw bytes that `id` decodes to (before UTF-8 repair).
  std::string_view token_bytes(int32_t id) const;
  bool is_special(int32_t id) const;
  bool is_valid_id(int32_t id) const { return id >= 0 && id < vocab_size(); }

  const TokenizerParts& parts() const { return *parts_; }
  const TokenizerConfig& config() const { return parts_->config; }

 private:
  void encode_plain(std::string_view text, std::vector<int32_t>& ids) const;

  std::shared_ptr<const TokenizerParts> parts_;
  std::shared_ptr<const AddedTokenMatcher> added_matcher_;
  std::shared_ptr<const std::vector<std::string>> decoded_bytes_;
  std::shared_ptr<const std::vector<std::string>> added_text_;
  std::shared_ptr<const std::vector<uint8_t>> special_;
  std::shared_ptr<const std::unordered_map<std::string, int32_t>> added_ids_;
  // What add_special_tokens puts around a sequence.
  std::vector<int32_t> prefix_ids_;
  std::vector<int32_t> suffix_ids_;
  int32_t vocab_size_ = 0;
  std::optional<int32_t> eos_id_;
  std::optional<int32_t> bos_id_;
  std::optional<int32_t> pad_id_;
};

}  // namespace r1
