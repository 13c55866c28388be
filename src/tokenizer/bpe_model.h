// The byte-level BPE model: vocabulary, ranked merges, and the merge loop
// that turns one pre-tokenized piece into token ids.
//
// Tokens are stored in tokenizer.json as byte-level text ("Ġthe"); here they
// are translated once to raw bytes (" the") so that pieces are merged
// straight from the input bytes, with no per-piece character mapping.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace r1 {

class BpeModel {
 public:
  // Ids index dense tables, so they are bounded; the largest real vocabularies
  // have about 2^18 tokens.
  static constexpr int32_t kMaxTokenId = (1 << 22) - 1;

  // `vocab` maps byte-level token text to ids; `merges` are pairs of
  // byte-level token texts, highest priority first. `field` names the model
  // in errors.
  BpeModel(const std::vector<std::pair<std::string, int32_t>>& vocab,
           const std::vector<std::pair<std::string, std::string>>& merges, bool ignore_merges,
           const std::string& field);
  BpeModel(const BpeModel&) = delete;
  BpeModel& operator=(const BpeModel&) = delete;

  // Parses tokenizer.json's "model" object (type BPE).
  static std::unique_ptr<BpeModel> from_json(const nlohmann::json& model, const std::string& field);

  // Appends the ids of one piece of raw bytes to `out`.
  void encode_piece(std::string_view piece, std::vector<int32_t>& out) const;

  // One past the largest id of the vocabulary.
  int32_t id_limit() const { return static_cast<int32_t>(id_to_text_.size()); }
  // Byte-level text of `id` ("" for an id the vocabulary does not have).
  const std::string& token_text(int32_t id) const { return id_to_text_[id]; }
  std::optional<int32_t> token_id(std::string_view text) const;
  const std::vector<std::pair<std::string, std::string>>& merges() const { return merge_texts_; }
  bool ignore_merges() const { return ignore_merges_; }

 private:
  struct MergeResult {
    int32_t rank;
    int32_t merged_id;
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using StringMap = std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>>;

  static uint64_t pair_key(int32_t left, int32_t right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
           static_cast<uint32_t>(right);
  }
  void merge_piece(std::string_view piece, std::vector<int32_t>& out) const;

  std::vector<std::string> id_to_text_;
  StringMap text_to_id_;
  StringMap bytes_to_id_;
  int32_t byte_ids_[256];
  std::unordered_map<uint64_t, MergeResult> merge_ranks_;
  std::vector<std::pair<std::string, std::string>> merge_texts_;
  bool ignore_merges_ = false;

  // Pieces repeat a lot in text (" the", "\n"), so their ids are remembered.
  // Bounded: once full, new pieces are merged every time.
  static constexpr size_t kCacheCapacity = 1 << 18;
  static constexpr size_t kCacheMaxPieceBytes = 64;
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<int32_t>, StringHash, std::equal_to<>> cache_;
};

}  // namespace r1
