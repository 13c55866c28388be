// A learned reward model (R1 stage 4, "helpfulness" and "harmlessness"): a
// sequence classifier with one label (model/scalar_head.h) whose score of a
// (prompt, response) is the head's value at the last token of
//
//   encode(prompt) ++ encode(response) ++ [EOS]
//
// Prompt and response are encoded one by one, as `r1 generate` encodes a
// prompt and as a completion follows it; the end-of-text token (when the
// tokenizer has one) closes every input, so the score is always read at the
// same kind of token, after the whole response. An input longer than the
// model's context keeps its last max_length tokens: the score still sees the
// end of the response. `r1 rm train` trains such models on preference pairs
// (train/rm.h) with exactly these inputs.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/model.h"
#include "model/scalar_head.h"
#include "model/transformer.h"
#include "tokenizer/tokenizer.h"

namespace r1 {

// The token ids a reward model scores, truncated to their last `max_length`
// (sets *truncated when it cut). Never throws for text the tokenizer encodes.
std::vector<int32_t> reward_model_ids(const Tokenizer& tokenizer, std::string_view prompt,
                                      std::string_view response, int64_t max_length,
                                      bool* truncated = nullptr);

// The directory holding a reward model's config.json: `path` itself, or
// path/model (the output directory of `r1 rm train`).
std::string reward_model_dir(const std::string& path);

class RewardModel {
 public:
  // Loads model and tokenizer from `path` (see reward_model_dir); an error
  // unless the model is a sequence classifier with one label.
  explicit RewardModel(const std::string& path);

  const std::string& dir() const { return dir_; }
  const Model& model() const { return model_; }
  const Tokenizer& tokenizer() const { return tokenizer_; }
  int64_t max_length() const { return model_.config().max_position_embeddings; }

  // The score of every (prompt, response), in order, from batched forward
  // passes of up to kRows sequences. Thread-safe (calls are serialised).
  std::vector<float> score(const std::vector<std::pair<std::string, std::string>>& inputs) const;
  // The same for sequences already tokenized (each non-empty, at most
  // max_length tokens).
  std::vector<float> score_ids(const std::vector<std::vector<int32_t>>& seqs) const;

  static constexpr int64_t kRows = 16;

 private:
  std::string dir_;
  Model model_;
  Tokenizer tokenizer_;
  mutable std::mutex mutex_;
  mutable std::unique_ptr<TrainingGraph> graph_;
  mutable std::unique_ptr<ScalarHead> head_;
};

// The value of each sequence's last token after a ScalarHead forward of
// right-padded rows: values is (B,T), lengths[b] the tokens of row b.
// Shared by scoring and by the training loop, so both read the same position.
void last_token_values(const float* values, int64_t T, const std::vector<int64_t>& lengths,
                       float* out);

}  // namespace r1
