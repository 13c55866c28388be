#include "tokenizer/bpe_trainer.h"

#include <algorithm>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "core/check.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/utf8.h"

namespace r1 {

const char* const kQwen2SplitPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

std::vector<std::string> builtin_special_tokens() {
  return {"<|endoftext|>", "<think>",      "</think>",  "<answer>",
          "</answer>",     "<|im_start|>", "<|im_end|>"};
}

namespace {

using Pair = uint64_t;

Pair make_pair_key(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}
int32_t left_of(Pair p) {
  return static_cast<int32_t>(p >> 32);
}
int32_t right_of(Pair p) {
  return static_cast<int32_t>(p & 0xFFFFFFFFu);
}

struct Word {
  std::vector<int32_t> symbols;
  int64_t count;
};

class MergeLearner {
 public:
  MergeLearner(std::vector<Word> words) : words_(std::move(words)) {
    for (int b = 0; b < 256; ++b) add_token(std::string(1, static_cast<char>(b)));
    for (size_t w = 0; w < words_.size(); ++w) add_word_pairs(static_cast<int32_t>(w), +1);
    for (const auto& [pair, count] : pair_counts_) push(pair);
  }

  void learn(size_t merge_count) {
    while (merges_.size() < merge_count && !queue_.empty()) {
      const Candidate top = queue_.top();
      queue_.pop();
      const auto it = pair_counts_.find(top.pair);
      const int64_t current = it == pair_counts_.end() ? 0 : it->second;
      if (current != top.count) {
        if (current > 0) push(top.pair);  // stale entry: requeue with its true count
        continue;
      }
      if (current < 2) break;
      apply_merge(top.pair);
    }
  }

  const std::vector<std::string>& token_bytes() const { return token_bytes_; }
  const std::vector<std::pair<int32_t, int32_t>>& merges() const { return merges_; }

 private:
  struct Candidate {
    int64_t count;
    Pair pair;
  };
  // Highest count first, then the pair whose bytes sort first.
  struct Worse {
    const MergeLearner* learner;
    bool operator()(const Candidate& a, const Candidate& b) const {
      if (a.count != b.count) return a.count < b.count;
      const auto& t = learner->token_bytes_;
      const auto key_a = std::tie(t[left_of(a.pair)], t[right_of(a.pair)]);
      const auto key_b = std::tie(t[left_of(b.pair)], t[right_of(b.pair)]);
      return key_a > key_b;
    }
  };

  int32_t add_token(const std::string& bytes) {
    const auto [it, inserted] =
        id_of_bytes_.emplace(bytes, static_cast<int32_t>(token_bytes_.size()));
    if (inserted) token_bytes_.push_back(bytes);
    return it->second;
  }

  void push(Pair pair) { queue_.push({pair_counts_[pair], pair}); }

  void add_word_pairs(int32_t w, int sign) {
    const Word& word = words_[w];
    for (size_t i = 0; i + 1 < word.symbols.size(); ++i) {
      const Pair p = make_pair_key(word.symbols[i], word.symbols[i + 1]);
      int64_t& count = pair_counts_[p];
      count += sign * word.count;
      if (sign > 0) {
        words_with_pair_[p].insert(w);
        changed_.insert(p);
      } else {
        changed_.insert(p);
      }
    }
  }

  void apply_merge(Pair pair) {
    const int32_t left = left_of(pair);
    const int32_t right = right_of(pair);
    const int32_t merged = add_token(token_bytes_[left] + token_bytes_[right]);
    merges_.emplace_back(left, right);
    changed_.clear();
    const auto found = words_with_pair_.find(pair);
    if (found == words_with_pair_.end()) return;
    std::vector<int32_t> affected(found->second.begin(), found->second.end());
    std::sort(affected.begin(), affected.end());
    for (const int32_t w : affected) {
      add_word_pairs(w, -1);
      auto& symbols = words_[w].symbols;
      size_t out = 0;
      for (size_t i = 0; i < symbols.size(); ++i) {
        if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
          symbols[out++] = merged;
          ++i;
        } else {
          symbols[out++] = symbols[i];
        }
      }
      symbols.resize(out);
      add_word_pairs(w, +1);
    }
    pair_counts_.erase(pair);
    for (const Pair p : changed_) {
      const auto it = pair_counts_.find(p);
      if (it != pair_counts_.end() && it->second > 0) push(p);
    }
  }

  std::vector<Word> words_;
  std::vector<std::string> token_bytes_;
  std::unordered_map<std::string, int32_t> id_of_bytes_;
  std::unordered_map<Pair, int64_t> pair_counts_;
  std::unordered_map<Pair, std::unordered_set<int32_t>> words_with_pair_;
  std::unordered_set<Pair> changed_;
  std::priority_queue<Candidate, std::vector<Candidate>, Worse> queue_{Worse{this}};
  std::vector<std::pair<int32_t, int32_t>> merges_;
};

nlohmann::json byte_level_json() {
  return {{"type", "ByteLevel"},
          {"add_prefix_space", false},
          {"trim_offsets", false},
          {"use_regex", false}};
}

}  // namespace

Tokenizer train_bpe(const std::vector<std::string>& texts, int vocab_size,
                    const std::vector<std::string>& special_tokens) {
  const int base = 256 + static_cast<int>(special_tokens.size());
  R1_CHECK(vocab_size >= base,
           "BPE training: vocab size {} is smaller than 256 byte tokens + {} special tokens",
           vocab_size, special_tokens.size());
  for (const auto& s : special_tokens) {
    R1_CHECK(!s.empty() && is_valid_utf8(s),
             "BPE training: special tokens must be non-empty UTF-8");
  }

  const PreTokenizer pre_tokenizer = PreTokenizer::split_then_byte_level(kQwen2SplitPattern);
  std::vector<AddedToken> specials;
  for (const auto& s : special_tokens) specials.push_back({0, s, true});
  const AddedTokenMatcher special_matcher(specials);
  std::unordered_map<std::string, int64_t> word_counts;
  for (const std::string& raw : texts) {
    const std::string text = is_valid_utf8(raw) ? raw : repair_utf8(raw);
    special_matcher.split(text, [&](std::string_view part, const AddedToken* token) {
      if (token != nullptr) return;
      pre_tokenizer.split(part, [&](std::string_view piece) { ++word_counts[std::string(piece)]; });
    });
  }
  // Sorted so that the word order, and so the result, does not depend on
  // hashing.
  std::vector<std::pair<std::string, int64_t>> sorted(word_counts.begin(), word_counts.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<Word> words;
  words.reserve(sorted.size());
  for (const auto& [piece, count] : sorted) {
    Word w{{}, count};
    for (char c : piece) w.symbols.push_back(static_cast<uint8_t>(c));
    words.push_back(std::move(w));
  }

  MergeLearner learner(std::move(words));
  learner.learn(static_cast<size_t>(vocab_size - base));

  std::vector<std::pair<std::string, int32_t>> vocab;
  const auto& token_bytes = learner.token_bytes();
  for (size_t id = 0; id < token_bytes.size(); ++id) {
    vocab.emplace_back(bytes_to_byte_level(token_bytes[id]), static_cast<int32_t>(id));
  }
  std::vector<std::pair<std::string, std::string>> merges;
  for (const auto& [left, right] : learner.merges()) {
    merges.emplace_back(bytes_to_byte_level(token_bytes[left]),
                        bytes_to_byte_level(token_bytes[right]));
  }

  TokenizerParts parts;
  parts.model = std::make_unique<BpeModel>(vocab, merges, false, "trained BPE model");
  parts.pre_tokenizer = PreTokenizer::split_then_byte_level(kQwen2SplitPattern);
  parts.pre_tokenizer_json = {{"type", "Sequence"},
                              {"pretokenizers",
                               {{{"type", "Split"},
                                 {"pattern", {{"Regex", kQwen2SplitPattern}}},
                                 {"behavior", "Isolated"},
                                 {"invert", false}},
                                byte_level_json()}}};
  parts.post_processor_json = byte_level_json();
  parts.decoder_json = byte_level_json();
  auto next_id = static_cast<int32_t>(token_bytes.size());
  for (const auto& s : special_tokens) {
    AddedToken t;
    t.id = next_id++;
    t.content = s;
    t.special = true;
    parts.added_tokens.push_back(std::move(t));
  }
  for (const auto& s : special_tokens) {
    if (s == "<|endoftext|>") {
      parts.config.eos_token = s;
      parts.config.pad_token = s;
    }
  }
  parts.config.chat_template = r1_zero_chat_template();
  return Tokenizer(std::move(parts));
}

}  // namespace r1
