// Worked solutions of generated problems in the three reasoning styles of the
// synthetic corpus (corpus.h, docs/corpus.md). A solution is a list of
// bilingual phrases — the same sentence in English and Chinese — so the
// corpus can render one chain of thought in English, in Chinese, or mixed
// sentence by sentence.
#pragma once

#include <string>
#include <vector>

#include "core/rng.h"
#include "tasks/problem.h"

namespace r1 {

struct Phrase {
  std::string en, zh;
  // Numbers and operators only: the same in both languages up to punctuation,
  // so it does not count towards a language in a mixed chain of thought.
  bool neutral = false;
};

struct WorkedSolution {
  std::vector<Phrase> thought;  // the chain of thought inside <think> … </think>
  std::string answer;           // inside <answer> … </answer>
  bool correct = true;          // the answer is the reference answer
};

// A one-line guess ("345 + 789 = 1134"); when `wrong`, the result is off by a
// digit (arithmetic, equations, word problems) or the expression misses the
// target (Countdown).
WorkedSolution short_solution(const std::string& task, const Problem& problem, bool wrong,
                              Rng& rng);
// Step by step and always correct: digit by digit with carries and borrows,
// equation transformations with a check, a Countdown search that may first
// try and reject one expression.
WorkedSolution long_solution(const std::string& task, const Problem& problem, Rng& rng);
// A wrong guess, "wait, let me verify", the step-by-step work that exposes
// the mistake, and the corrected answer.
WorkedSolution self_check_solution(const std::string& task, const Problem& problem, Rng& rng);

// `number` (an integer, maybe negative) with one digit changed: the typical
// near-miss of a model that guesses.
std::string perturb_number(const std::string& number, Rng& rng);

}  // namespace r1
