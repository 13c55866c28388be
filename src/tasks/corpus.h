// The synthetic pretraining corpus of the embedded default ("R1 in a box",
// DESIGN.md; the reasoning is in docs/corpus.md). A document is a prompt in a
// base-model template followed by a completion
//   " <think> … </think> <answer> X </answer>"
// written in one of four styles: a short guess (often wrong), a long
// step-by-step solution (always right), a self-check that catches and fixes a
// wrong guess, or — for trivial queries — a reply with an empty chain of
// thought. A small model pretrained on it mostly guesses, sometimes reasons at
// length and is then right: the room R1-Zero needs.
//
// Problems come only from the generators' train split, so held-out evaluation
// never sees a problem the model was pretrained on.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tasks/generator.h"
#include "tasks/template.h"

namespace r1 {

struct CorpusMix {
  // Styles (shares sum to 1). Short guesses dominate, as in the probe of
  // DESIGN.md (85% short / 15% long).
  double short_share = 0.74;
  double long_share = 0.14;
  double self_check_share = 0.06;
  double trivial_share = 0.06;
  // Probability that a short answer is wrong (off by one digit, or a Countdown
  // expression that misses the target). Long and self-check answers are right.
  double short_wrong_rate = 0.5;
  // Probability that a prompt is in Chinese.
  double zh_prompt_share = 0.35;
  // Probability that a long or self-check chain of thought switches language
  // sentence by sentence (on English and Chinese prompts alike); otherwise it
  // is in the prompt's language.
  double mixed_cot_share = 0.2;
  // Tasks of the reasoning documents (shares sum to 1).
  double arithmetic_share = 0.45;
  double sum_share = 0.0;
  double countdown_share = 0.2;
  double linear_share = 0.15;
  double word_share = 0.2;
  // Generator options per task (difficulty; generator.h). "zh_share" is set
  // from zh_prompt_share. Use the same options for RL and evaluation, so the
  // held-out split is the same problem set.
  nlohmann::json task_options = {{"arithmetic", {{"min_digits", 2}, {"max_digits", 3}}},
                                 {"sum", nlohmann::json::object()},
                                 {"countdown", {{"min_count", 3}, {"max_count", 4}}},
                                 {"linear", nlohmann::json::object()},
                                 {"word", nlohmann::json::object()},
                                 {"trivial", nlohmann::json::object()}};
  std::string template_name = "r1_zero_short";
};

// Reads a mix from JSON: keys are the field names above; omitted keys keep
// their values in `defaults`, unknown keys and shares that do not sum to 1 are
// errors.
CorpusMix parse_corpus_mix(const nlohmann::json& json, const CorpusMix& defaults = {});
nlohmann::json to_json(const CorpusMix& mix);

struct CorpusDocument {
  std::string prompt;       // the rendered template
  std::string completion;   // starts with " <think>"
  std::string task;         // generator name
  std::string style;        // "short", "long", "self_check", "trivial"
  std::string prompt_lang;  // "en" or "zh"
  std::string cot_lang;     // "en", "zh", "mixed", or "none" (empty chain of thought)
  bool correct = true;      // the answer equals the reference answer
  nlohmann::json reference;

  std::string text() const { return prompt + completion; }
};

class Corpus {
 public:
  explicit Corpus(CorpusMix mix);

  // Document `index` of the corpus for `seed`: a pure function of both.
  CorpusDocument document(uint64_t seed, uint64_t index) const;

  const CorpusMix& mix() const { return mix_; }

 private:
  CorpusMix mix_;
  const PromptTemplate* template_;
  std::map<std::string, std::unique_ptr<TaskGenerator>> generators_;
};

// Length in Unicode code points (a Chinese character counts as one).
size_t count_code_points(std::string_view utf8);

}  // namespace r1
