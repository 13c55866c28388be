// Supervised fine-tuning data: JSONL lines in the shapes Hugging Face TRL
// accepts, turned into token sequences with a per-token flag saying which
// tokens the loss trains (the completion) and which are context (the prompt).
//
//   {"prompt": "...", "completion": "..."}      plain text, no chat template;
//                                              EOS is appended to the completion
//   {"messages": [{"role", "content"}, ...]}    conversational: the model's chat
//                                              template renders it; every
//                                              assistant turn is trained
//   {"prompt": [messages], "completion": [messages]}
//                                              conversational; the assistant
//                                              turns of "completion" are trained
//
// A trained assistant turn is the text the template adds for it after the
// generation prompt (render(messages[:i], add_generation_prompt) is followed
// by the turn in render(messages[:i+1])), end-of-turn token included
// (<|im_end|> in ChatML, <｜end▁of▁sentence｜> in DeepSeek's template). The
// R1-Zero template has no end-of-turn token, so EOS is appended to its
// assistant turn. Segments are encoded one by one, so a prompt is encoded as
// `r1 generate` encodes it on its own.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace r1 {

struct SftExample {
  std::vector<int32_t> ids;
  // trained[i] = 1: the loss trains the prediction of ids[i] (from ids[<i]).
  std::vector<uint8_t> trained;
  int64_t line = 0;  // line of the JSONL file it came from
};

// One JSONL object as a token sequence (untruncated). A missing or mistyped
// field, a role the template does not know, or an empty completion is an
// r1::Error naming the field ("field \"messages[2].role\": ...").
SftExample sft_example(const nlohmann::json& line, const Tokenizer& tokenizer);

struct SftData {
  std::vector<SftExample> examples;
  int64_t truncated = 0;  // examples cut to max_length tokens
};

// Reads every line of `path`. Examples longer than `max_length` tokens keep
// their first max_length tokens and are counted in `truncated`; an example
// left with no trained token (its prompt fills max_length) is an error naming
// its line, as are an empty file and every malformed line.
SftData load_sft_data(const std::string& path, const Tokenizer& tokenizer, int64_t max_length);

}  // namespace r1
