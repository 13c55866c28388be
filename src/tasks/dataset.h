// JSONL datasets of checkable prompts (GSM8K, MATH, AIME, …): one JSON object
// per line, mapped to Problems. Field names differ between datasets, so the
// prompt and answer fields are detected from the first line (or given), and
// then every line must have them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tasks/problem.h"

namespace r1 {

struct DatasetOptions {
  // The prompt field; empty: the first of "question", "problem", "prompt"
  // present on the first line.
  std::string prompt_field;
  // The answer field; empty: the first of "answer", "solution" present on the
  // first line. Its text becomes reference["answer"]; numbers are kept as
  // written (27.0 → "27.0").
  std::string answer_field;
  std::string reward = "math";  // registry name of the reward judging every problem
  // "en" or "zh" for every problem; empty: per line, the line's "lang" field
  // when it is "en" or "zh", else "zh" if the prompt holds CJK characters.
  std::string lang;
  // Skip malformed lines instead of failing; they are counted and listed.
  bool skip_malformed = false;
};

struct Dataset {
  std::vector<Problem> problems;           // ids are "<dir>/<stem>:<line>", e.g. "gsm8k/test:12"
  std::string prompt_field, answer_field;  // as used (detected or given)
  size_t skipped = 0;
  std::vector<std::string> skip_reasons;  // "file:line: reason", one per skipped line
};

// Every other field of a line is kept in reference (e.g. "solution", "idx",
// "tests"). Blank lines are allowed. A malformed line — invalid JSON, not an
// object, a missing or non-text prompt/answer — is an r1::Error naming the
// file, the line and the field, unless skip_malformed is set.
Dataset load_jsonl_dataset(const std::string& path, const DatasetOptions& options = {});

// Fisher–Yates with r1::Rng: the order is a pure function of the seed.
void shuffle_problems(std::vector<Problem>& problems, uint64_t seed);

struct TrainTestSplit {
  std::vector<Problem> train, test;
};
// Shuffles with `seed` and puts round(test_fraction · n) problems into test.
TrainTestSplit split_train_test(std::vector<Problem> problems, double test_fraction, uint64_t seed);

}  // namespace r1
