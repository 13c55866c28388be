#include "tokenizer/tokenizer.h"

#include <algorithm>

#include "core/check.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/utf8.h"

namespace r1 {
namespace {

// What the ByteLevel decoder turns a token's text into: its bytes when every
// character is in the byte-level alphabet, else the text itself (HF's rule,
// which lets added tokens such as "<｜User｜>" decode to themselves).
std::string decoded_bytes_of(const std::string& text) {
  auto bytes = byte_level_to_bytes(text);
  return bytes ? std::move(*bytes) : text;
}

std::optional<int32_t> resolve(const Tokenizer& t, const std::optional<std::string>& token,
                               const char* field) {
  if (!token) return std::nullopt;
  const auto id = t.token_id(*token);
  R1_CHECK(id.has_value(), "tokenizer_config.json: {} \"{}\" is not a token of the vocabulary",
           field, *token);
  return id;
}

// Well-known end-of-text tokens, for a tokenizer.json that comes without a
// tokenizer_config.json naming its EOS.
std::optional<int32_t> guess_eos(const Tokenizer& t) {
  for (const char* name :
       {"<|endoftext|>", "<｜end▁of▁sentence｜>", "<|end_of_text|>", "</s>", "<|im_end|>"}) {
    if (auto id = t.token_id(name)) return id;
  }
  return std::nullopt;
}

}  // namespace

Tokenizer::Tokenizer(TokenizerParts parts) {
  R1_CHECK(parts.model != nullptr, "tokenizer: missing model");
  R1_CHECK(parts.pre_tokenizer.has_byte_level(),
           "tokenizer.json pre_tokenizer: byte-level BPE needs a ByteLevel pre-tokenizer (other "
           "BPE flavours, e.g. SentencePiece-style Metaspace, are not supported)");
  vocab_size_ = parts.model->id_limit();
  for (const auto& t : parts.added_tokens) vocab_size_ = std::max(vocab_size_, t.id + 1);

  auto decoded = std::make_shared<std::vector<std::string>>(vocab_size_);
  auto added_text = std::make_shared<std::vector<std::string>>(vocab_size_);
  auto special = std::make_shared<std::vector<uint8_t>>(vocab_size_, 0);
  for (int32_t id = 0; id < parts.model->id_limit(); ++id) {
    (*decoded)[id] = decoded_bytes_of(parts.model->token_text(id));
  }
  for (const auto& t : parts.added_tokens) {
    (*decoded)[t.id] = decoded_bytes_of(t.content);
    (*added_text)[t.id] = t.content;
    (*special)[t.id] = t.special;
  }
  auto added_ids = std::make_shared<std::unordered_map<std::string, int32_t>>();
  for (const auto& t : parts.added_tokens) added_ids->emplace(t.content, t.id);
  added_ids_ = std::move(added_ids);
  decoded_bytes_ = std::move(decoded);
  added_text_ = std::move(added_text);
  special_ = std::move(special);
  added_matcher_ = std::make_shared<AddedTokenMatcher>(parts.added_tokens);
  parts_ = std::make_shared<const TokenizerParts>(std::move(parts));

  eos_id_ = resolve(*this, parts_->config.eos_token, "eos_token");
  if (!parts_->config.eos_token) eos_id_ = guess_eos(*this);
  bos_id_ = resolve(*this, parts_->config.bos_token, "bos_token");
  pad_id_ = resolve(*this, parts_->config.pad_token, "pad_token");

  prefix_ids_ = parts_->template_prefix;
  suffix_ids_ = parts_->template_suffix;
  for (const auto* ids : {&prefix_ids_, &suffix_ids_}) {
    for (const int32_t id : *ids) {
      R1_CHECK(is_valid_id(id),
               "tokenizer.json post_processor: special token id {} is outside the vocabulary "
               "[0, {})",
               id, vocab_size_);
    }
  }
  const TokenizerConfig& config = parts_->config;
  if (config.tokenizer_class.starts_with("Llama") && prefix_ids_.empty() && suffix_ids_.empty()) {
    R1_CHECK(!config.add_bos_token || bos_id_,
             "tokenizer_config.json: add_bos_token is true but there is no bos_token");
    R1_CHECK(!config.add_eos_token || eos_id_,
             "tokenizer_config.json: add_eos_token is true but there is no eos_token");
    if (config.add_bos_token) prefix_ids_ = {*bos_id_};
    if (config.add_eos_token) suffix_ids_ = {*eos_id_};
  }
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
  std::string repaired;
  if (!is_valid_utf8(text)) {
    repaired = repair_utf8(text);
    text = repaired;
  }
  std::vector<int32_t> ids;
  ids.reserve(text.size() / 3 + 4);
  if (add_special_tokens) {
    ids.insert(ids.end(), prefix_ids_.begin(), prefix_ids_.end());
  }
  added_matcher_->split(text, [&](std::string_view part, const AddedToken* token) {
    if (token != nullptr) {
      ids.push_back(token->id);
    } else {
      encode_plain(part, ids);
    }
  });
  if (add_special_tokens) {
    ids.insert(ids.end(), suffix_ids_.begin(), suffix_ids_.end());
  }
  return ids;
}

void Tokenizer::encode_plain(std::string_view text, std::vector<int32_t>& ids) const {
  std::string normalized_storage;
  const std::string_view normalized = parts_->normalizer.apply(text, normalized_storage);
  const BpeModel& model = *parts_->model;
  parts_->pre_tokenizer.split(normalized,
                              [&](std::string_view piece) { model.encode_piece(piece, ids); });
}

std::string Tokenizer::decode(std::span<const int32_t> ids, bool skip_special_tokens) const {
  std::string bytes;
  for (const int32_t id : ids) {
    R1_CHECK(is_valid_id(id), "decode: token id {} is outside the vocabulary [0, {})", id,
             vocab_size_);
    if (skip_special_tokens && (*special_)[id]) continue;
    bytes.append((*decoded_bytes_)[id]);
  }
  return is_valid_utf8(bytes) ? bytes : repair_utf8(bytes);
}

int32_t Tokenizer::vocab_size() const {
  return vocab_size_;
}

std::optional<int32_t> Tokenizer::token_id(std::string_view token) const {
  const auto it = added_ids_->find(std::string(token));
  if (it != added_ids_->end()) return it->second;
  return parts_->model->token_id(token);
}

const std::string& Tokenizer::token_text(int32_t id) const {
  R1_CHECK(is_valid_id(id), "token id {} is outside the vocabulary [0, {})", id, vocab_size_);
  const std::string& added = (*added_text_)[id];
  if (!added.empty() || id >= parts_->model->id_limit()) return added;
  return parts_->model->token_text(id);
}

std::string_view Tokenizer::token_bytes(int32_t id) const {
  R1_CHECK(is_valid_id(id), "token id {} is outside the vocabulary [0, {})", id, vocab_size_);
  return (*decoded_bytes_)[id];
}

bool Tokenizer::is_special(int32_t id) const {
  return is_valid_id(id) && (*special_)[id];
}

}  // namespace r1
