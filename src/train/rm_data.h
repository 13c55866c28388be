// Preference data for reward-model training, in the shapes Hugging Face TRL's
// RewardTrainer reads, one JSON object per line:
//
//   {"prompt": "...", "chosen": "...", "rejected": "..."}   plain text, no chat
//                                      template; "prompt" may be left out
//                                      (implicit prompt: the responses hold
//                                      the whole text)
//   {"prompt": [messages], "chosen": [messages], "rejected": [messages]}
//                                      conversational: the model's chat
//                                      template renders the prompt (with the
//                                      generation prompt) and each
//                                      conversation; the response is what the
//                                      reply adds after the prompt
//
// Each side becomes the token sequence a reward model scores
// (rewards/reward_model.h: prompt, response, EOS; an over-long one keeps its
// last max_length tokens and is counted). Other keys are ignored, as TRL
// ignores extra columns.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace r1 {

struct RmPair {
  std::vector<int32_t> chosen, rejected;
  std::string prompt;  // the prompt text, which decides the held-out split
  int64_t line = 0;    // line of the JSONL file it came from
};

// One JSONL object as a pair; `truncated` counts the sides that were cut. A
// missing or mistyped field is an r1::Error naming it ("field \"chosen\":
// expected a string or a list of messages").
RmPair rm_pair(const nlohmann::json& line, const Tokenizer& tokenizer, int64_t max_length,
               int64_t& truncated);

struct RmData {
  std::vector<RmPair> pairs;
  int64_t truncated = 0;  // sides cut to max_length tokens
};

// Reads every line of `path`; errors name the file and line. An empty file is
// an error.
RmData load_rm_data(const std::string& path, const Tokenizer& tokenizer, int64_t max_length);

}  // namespace r1
