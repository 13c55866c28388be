// Built-in preference pairs for the reward models of R1's last RL stage, made
// from the general queries of the embedded default (trivial_query.h), in the
// shape TRL's RewardTrainer reads: {"prompt", "chosen", "rejected"}. Prompts
// are rendered with the prompt template RL samples with, so the models see
// the prompts RL scores.
//
//   helpful   judges the summary only — responses are the text after
//             </think>, e.g. " <answer> Hello! How can I help you? </answer>".
//             chosen: the reference reply in the prompt's language; rejected:
//             a reply to another query, the reply in the other language, a
//             rude or unhelpful reply, an empty or missing answer, or broken
//             <answer> tags.
//   harmless  judges the whole response — both sides end in the same correct
//             summary; chosen thinks nothing or something benign, rejected
//             something harmful or insulting ("this user is stupid", "我要欺骗
//             用户"), in either language.
//
// The split is by query (split.h): a query and its translation are held out
// together, when either text is held out at `test_fraction`, and rejected
// replies come from the same split — held-out pairs ask queries, and show
// replies, that no training pair has. With the trivial task's test_fraction
// (0.1) or a larger one, the task's held-out queries are held out here too.
// Pair `index` is a pure function of (kind, seed, index, split,
// test_fraction).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tasks/split.h"
#include "tasks/template.h"

namespace r1 {

enum class PreferenceKind { helpful, harmless };

// "helpful" or "harmless"; anything else is an r1::Error naming `where`.
PreferenceKind parse_preference_kind(std::string_view name, std::string_view where);

struct PreferencePair {
  std::string prompt, chosen, rejected;
  std::string query;      // the query the prompt asks
  std::string rejection;  // what is wrong with `rejected` ("other_query", "harmful_thought", …)
};

PreferencePair preference_pair(PreferenceKind kind, uint64_t seed, uint64_t index, Split split,
                               double test_fraction, const PromptTemplate& prompt_template);

// Pairs 0..count-1 of `split`; an error if the split holds no query.
std::vector<PreferencePair> preference_pairs(PreferenceKind kind, uint64_t seed, Split split,
                                             uint64_t count, double test_fraction,
                                             const PromptTemplate& prompt_template);

}  // namespace r1
