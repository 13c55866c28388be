#include "tokenizer/bpe_model.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "tokenizer/byte_level.h"

namespace r1 {
namespace {

// One symbol of the piece being merged: a token spanning some bytes, linked
// to its neighbours; `alive` is false once merged into its left neighbour.
struct Symbol {
  int32_t id;
  int32_t prev;
  int32_t next;
  bool alive;
};

// A candidate merge of the symbol at `left` with its right neighbour.
struct Candidate {
  int32_t rank;
  int32_t left;
  int32_t merged_id;
  // Lowest rank first; among equal ranks the leftmost, as HF does.
  bool operator>(const Candidate& o) const {
    return rank != o.rank ? rank > o.rank : left > o.left;
  }
};

std::string json_string(const nlohmann::json& j, const std::string& field) {
  R1_CHECK(j.is_string(), "{}: expected a string", field);
  return j.get<std::string>();
}

}  // namespace

BpeModel::BpeModel(const std::vector<std::pair<std::string, int32_t>>& vocab,
                   const std::vector<std::pair<std::string, std::string>>& merges,
                   bool ignore_merges, const std::string& field)
    : merge_texts_(merges), ignore_merges_(ignore_merges) {
  int32_t limit = 0;
  for (const auto& [text, id] : vocab) {
    R1_CHECK(id >= 0 && id <= kMaxTokenId, "{}.vocab[\"{}\"]: id {} is out of range (0..{})", field,
             text, id, kMaxTokenId);
    limit = std::max(limit, id + 1);
  }
  id_to_text_.resize(limit);
  text_to_id_.reserve(vocab.size());
  bytes_to_id_.reserve(vocab.size());
  for (const auto& [text, id] : vocab) {
    R1_CHECK(id_to_text_[id].empty(), "{}.vocab: id {} is used by both \"{}\" and \"{}\"", field,
             id, id_to_text_[id], text);
    id_to_text_[id] = text;
    text_to_id_.emplace(text, id);
    if (auto bytes = byte_level_to_bytes(text)) bytes_to_id_.emplace(std::move(*bytes), id);
  }
  for (int b = 0; b < 256; ++b) {
    const auto it = bytes_to_id_.find(std::string_view(reinterpret_cast<const char*>(&b), 1));
    if (it == bytes_to_id_.end()) {
      fail(
          "{}.vocab: a byte-level BPE vocabulary needs a token for every byte; byte 0x{:02X} "
          "(\"{}\") is missing",
          field, b, bytes_to_byte_level(std::string(1, static_cast<char>(b))));
    }
    byte_ids_[b] = it->second;
  }
  merge_ranks_.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    const auto& [left, right] = merges[i];
    const auto find = [&](const std::string& text) {
      const auto it = text_to_id_.find(text);
      if (it == text_to_id_.end()) {
        fail("{}.merges[{}]: token \"{}\" of merge \"{} {}\" is not in the vocabulary", field, i,
             text, left, right);
      }
      return it->second;
    };
    const int32_t left_id = find(left);
    const int32_t right_id = find(right);
    const int32_t merged_id = find(left + right);
    // A repeated merge takes its last rank, as HF's merge map does.
    merge_ranks_[pair_key(left_id, right_id)] = {static_cast<int32_t>(i), merged_id};
  }
}

std::unique_ptr<BpeModel> BpeModel::from_json(const nlohmann::json& model,
                                              const std::string& field) {
  R1_CHECK(model.is_object(), "{}: expected an object", field);
  R1_CHECK(model.contains("type") && model["type"].is_string(),
           "{}.type: missing (expected \"BPE\")", field);
  const std::string type = model["type"];
  R1_CHECK(type == "BPE",
           "{}.type: unsupported model type \"{}\" (only byte-level \"BPE\" is supported)", field,
           type);
  const auto non_empty_string = [&](const char* name) {
    return model.contains(name) && model[name].is_string() &&
           !model[name].get<std::string>().empty();
  };
  R1_CHECK(
      !non_empty_string("continuing_subword_prefix") && !non_empty_string("end_of_word_suffix"),
      "{}: continuing_subword_prefix / end_of_word_suffix are not supported for byte-level "
      "BPE",
      field);
  R1_CHECK(!(model.contains("dropout") && model["dropout"].is_number() &&
             model["dropout"].get<double>() > 0.0),
           "{}.dropout: BPE dropout is not supported (expected null)", field);

  R1_CHECK(model.contains("vocab") && model["vocab"].is_object(),
           "{}.vocab: missing (expected an object mapping tokens to ids)", field);
  std::vector<std::pair<std::string, int32_t>> vocab;
  vocab.reserve(model["vocab"].size());
  for (const auto& [text, id] : model["vocab"].items()) {
    R1_CHECK(id.is_number_integer(), "{}.vocab[\"{}\"]: expected an integer id", field, text);
    const auto value = id.get<int64_t>();
    R1_CHECK(value >= 0 && value <= kMaxTokenId, "{}.vocab[\"{}\"]: id {} is out of range (0..{})",
             field, text, value, kMaxTokenId);
    vocab.emplace_back(text, static_cast<int32_t>(value));
  }

  R1_CHECK(model.contains("merges") && model["merges"].is_array(),
           "{}.merges: missing (expected an array of \"a b\" strings or [\"a\", \"b\"] pairs)",
           field);
  std::vector<std::pair<std::string, std::string>> merges;
  merges.reserve(model["merges"].size());
  for (size_t i = 0; i < model["merges"].size(); ++i) {
    const auto& m = model["merges"][i];
    const std::string where = fmt::format("{}.merges[{}]", field, i);
    if (m.is_string()) {
      const std::string s = m;
      const size_t space = s.find(' ', 1);
      R1_CHECK(space != std::string::npos && space + 1 < s.size() &&
                   s.find(' ', space + 1) == std::string::npos,
               "{}: expected \"left right\" with one space, got \"{}\"", where, s);
      merges.emplace_back(s.substr(0, space), s.substr(space + 1));
    } else {
      R1_CHECK(m.is_array() && m.size() == 2, "{}: expected \"a b\" or [\"a\", \"b\"]", where);
      merges.emplace_back(json_string(m[0], where + "[0]"), json_string(m[1], where + "[1]"));
    }
  }
  bool ignore_merges = false;
  if (model.contains("ignore_merges") && !model["ignore_merges"].is_null()) {
    R1_CHECK(model["ignore_merges"].is_boolean(), "{}.ignore_merges: expected true or false",
             field);
    ignore_merges = model["ignore_merges"];
  }
  return std::make_unique<BpeModel>(vocab, merges, ignore_merges, field);
}

std::optional<int32_t> BpeModel::token_id(std::string_view text) const {
  const auto it = text_to_id_.find(text);
  if (it == text_to_id_.end()) return std::nullopt;
  return it->second;
}

void BpeModel::encode_piece(std::string_view piece, std::vector<int32_t>& out) const {
  if (piece.empty()) return;
  if (ignore_merges_) {
    const auto it = bytes_to_id_.find(piece);
    if (it != bytes_to_id_.end()) {
      out.push_back(it->second);
      return;
    }
  }
  if (piece.size() == 1) {
    out.push_back(byte_ids_[static_cast<uint8_t>(piece[0])]);
    return;
  }
  const bool cacheable = piece.size() <= kCacheMaxPieceBytes;
  if (cacheable) {
    std::lock_guard lock(cache_mutex_);
    const auto it = cache_.find(piece);
    if (it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  const size_t first = out.size();
  merge_piece(piece, out);
  if (cacheable) {
    std::lock_guard lock(cache_mutex_);
    if (cache_.size() < kCacheCapacity) {
      cache_.emplace(std::string(piece), std::vector<int32_t>(out.begin() + first, out.end()));
    }
  }
}

void BpeModel::merge_piece(std::string_view piece, std::vector<int32_t>& out) const {
  thread_local std::vector<Symbol> symbols;
  thread_local std::vector<Candidate> heap;
  const auto n = static_cast<int32_t>(piece.size());
  symbols.resize(n);
  heap.clear();
  for (int32_t i = 0; i < n; ++i) {
    symbols[i] = {byte_ids_[static_cast<uint8_t>(piece[i])], i - 1, i + 1 < n ? i + 1 : -1, true};
  }
  const auto push_candidate = [&](int32_t left) {
    const int32_t right = symbols[left].next;
    if (right < 0) return;
    const auto it = merge_ranks_.find(pair_key(symbols[left].id, symbols[right].id));
    if (it == merge_ranks_.end()) return;
    heap.push_back({it->second.rank, left, it->second.merged_id});
    std::push_heap(heap.begin(), heap.end(), std::greater<>{});
  };
  for (int32_t i = 0; i + 1 < n; ++i) push_candidate(i);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
    const Candidate c = heap.back();
    heap.pop_back();
    Symbol& left = symbols[c.left];
    // Skip candidates made stale by an earlier merge of either symbol.
    if (!left.alive || left.next < 0) continue;
    Symbol& right = symbols[left.next];
    const auto it = merge_ranks_.find(pair_key(left.id, right.id));
    if (it == merge_ranks_.end() || it->second.merged_id != c.merged_id) continue;
    left.id = c.merged_id;
    right.alive = false;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = c.left;
    if (left.prev >= 0) push_candidate(left.prev);
    push_candidate(c.left);
  }
  for (int32_t i = 0; i >= 0; i = symbols[i].next) out.push_back(symbols[i].id);
}

}  // namespace r1
