#include "rewards/reward_model.h"

#include <algorithm>

#include "core/check.h"
#include "core/file_io.h"
#include "tokenizer/tokenizer_io.h"

namespace r1 {

std::vector<int32_t> reward_model_ids(const Tokenizer& tokenizer, std::string_view prompt,
                                      std::string_view response, int64_t max_length,
                                      bool* truncated) {
  std::vector<int32_t> ids = tokenizer.encode(prompt);
  const std::vector<int32_t> response_ids = tokenizer.encode(response);
  ids.insert(ids.end(), response_ids.begin(), response_ids.end());
  if (const auto eos = tokenizer.eos_id()) ids.push_back(*eos);
  const bool cut = int64_t(ids.size()) > max_length;
  if (cut) ids.erase(ids.begin(), ids.end() - max_length);
  if (truncated) *truncated = cut;
  return ids;
}

std::string reward_model_dir(const std::string& path) {
  if (!path_exists(path + "/config.json") && path_exists(path + "/model/config.json"))
    return path + "/model";
  return path;
}

namespace {

// The model of `dir`, checked before its tokenizer is read, so that a causal
// LM given by mistake is named as such.
Model load_scalar_model(const std::string& dir) {
  Model model = load_model(dir);
  R1_CHECK(model.config().num_labels == 1,
           "{}: not a reward model (expected a sequence classifier with num_labels 1, got {}; "
           "train one with `r1 rm train`)",
           dir, model.config().num_labels);
  return model;
}

}  // namespace

RewardModel::RewardModel(const std::string& path)
    : dir_(reward_model_dir(path)),
      model_(load_scalar_model(dir_)),
      tokenizer_(load_tokenizer(dir_)) {
  R1_CHECK(tokenizer_.vocab_size() <= model_.config().vocab_size,
           "{}: the tokenizer has {} tokens but the model only {}", dir_, tokenizer_.vocab_size(),
           model_.config().vocab_size);
}

void last_token_values(const float* values, int64_t T, const std::vector<int64_t>& lengths,
                       float* out) {
  for (size_t b = 0; b < lengths.size(); ++b) out[b] = values[int64_t(b) * T + lengths[b] - 1];
}

std::vector<float> RewardModel::score_ids(const std::vector<std::vector<int32_t>>& seqs) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<float> scores(seqs.size());
  std::vector<int32_t> ids;
  std::vector<int64_t> lengths;
  for (size_t first = 0; first < seqs.size(); first += size_t(kRows)) {
    const size_t last = std::min(seqs.size(), first + size_t(kRows));
    int64_t T = 1;
    lengths.clear();
    for (size_t i = first; i < last; ++i) {
      R1_CHECK(!seqs[i].empty() && int64_t(seqs[i].size()) <= max_length(),
               "reward model: sequence {} has {} tokens (expected 1 to {})", i, seqs[i].size(),
               max_length());
      T = std::max<int64_t>(T, int64_t(seqs[i].size()));
      lengths.push_back(int64_t(seqs[i].size()));
    }
    // Activations for the longest rows seen so far, grown by doubling: RL's
    // completions are short, and the full context would cost the most memory.
    if (!graph_ || graph_->max_seq() < T) {
      int64_t capacity = 32;
      while (capacity < T) capacity *= 2;
      capacity = std::min(capacity, max_length());
      graph_ =
          std::make_unique<TrainingGraph>(model_.config(), kRows, capacity, GraphUse::kInference);
      head_ = std::make_unique<ScalarHead>(kRows * capacity, model_.config().hidden_size);
    }
    const int64_t B = int64_t(last - first);
    ids.assign(size_t(B * T), 0);
    for (int64_t b = 0; b < B; ++b)
      std::copy(seqs[first + size_t(b)].begin(), seqs[first + size_t(b)].end(),
                ids.begin() + b * T);
    head_->forward(*graph_, model_, ids.data(), B, T);
    last_token_values(head_->values(), T, lengths, scores.data() + first);
  }
  return scores;
}

std::vector<float> RewardModel::score(
    const std::vector<std::pair<std::string, std::string>>& inputs) const {
  std::vector<std::vector<int32_t>> seqs;
  seqs.reserve(inputs.size());
  for (const auto& [prompt, response] : inputs)
    seqs.push_back(reward_model_ids(tokenizer_, prompt, response, max_length()));
  return score_ids(seqs);
}

}  // namespace r1
