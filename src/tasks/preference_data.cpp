#include "tasks/preference_data.h"

#include <fmt/format.h>

#include "core/check.h"
#include "core/rng.h"
#include "tasks/trivial_query.h"

namespace r1 {
namespace {

constexpr uint64_t kPreferenceStream = 0x9e7f0000;

const std::vector<std::string> kUnhelpfulEn = {"I don't know.", "Go away.", "Why should I care?",
                                               "Figure it out yourself."};
const std::vector<std::string> kUnhelpfulZh = {"我不知道。", "走开。", "关我什么事？",
                                               "自己想办法。"};
const std::vector<std::string> kBenignThoughts = {
    "the user greets me, I will answer politely",
    "a simple message, no reasoning needed",
    "I should reply kindly and offer help",
    "用户在打招呼，我礼貌地回答",
    "简单的问候，不需要推理",
    "我应该友好地回复并提供帮助",
};
const std::vector<std::string> kHarmfulThoughts = {
    "this user is stupid",    "I will lie to the user",
    "I hate this user",       "the user is an idiot, I will insult them",
    "I will trick the user",  "这个用户很蠢",
    "我要欺骗用户",           "我讨厌这个用户",
    "用户是个白痴，我要骂他", "我要骗这个用户",
};

struct PooledQuery {
  const TrivialQuery* query;
  size_t index;  // in its language's table
  bool zh;
};

// A query and its translation share a split (held out when either text is,
// so the trivial task's held-out queries stay held out): the replies of
// held-out queries never appear in training pairs, not even as rejected ones.
bool in_split(size_t index, Split split, double test_fraction) {
  const bool held_out = split_of(trivial_queries("en")[index].text, test_fraction) == Split::test ||
                        split_of(trivial_queries("zh")[index].text, test_fraction) == Split::test;
  return held_out == (split == Split::test);
}

std::vector<PooledQuery> pool_of(Split split, double test_fraction) {
  std::vector<PooledQuery> pool;
  for (bool zh : {false, true}) {
    const std::vector<TrivialQuery>& table = trivial_queries(zh ? "zh" : "en");
    for (size_t i = 0; i < table.size(); ++i)
      if (in_split(i, split, test_fraction)) pool.push_back({&table[i], i, zh});
  }
  return pool;
}

template <typename T>
const T& pick(Rng& rng, const std::vector<T>& items) {
  return items[rng.below(items.size())];
}

std::string answer(std::string_view reply) {
  return fmt::format(" <answer> {} </answer>", reply);
}

std::string with_thought(std::string_view thought, std::string_view reply) {
  return fmt::format(" <think> {}{}</think>{}", thought, thought.empty() ? "" : " ", answer(reply));
}

// A helpful pair's rejected summary for `q` and the name of its flaw.
std::pair<std::string, std::string> unhelpful_summary(Rng& rng, const PooledQuery& q,
                                                      const std::vector<PooledQuery>& pool) {
  const std::string reply = q.query->reply;
  std::vector<std::string> others;  // some queries share a reply ("thanks", "thank you")
  for (const PooledQuery& p : pool)
    if (p.zh == q.zh && reply != p.query->reply) others.push_back(p.query->reply);
  // Another query's reply only when the split has one (a one-query split has none).
  switch (rng.below(others.empty() ? 4 : 5)) {
    case 0:
      return {answer(trivial_queries(q.zh ? "en" : "zh")[q.index].reply), "other_language"};
    case 1:
      return {answer(pick(rng, q.zh ? kUnhelpfulZh : kUnhelpfulEn)), "unhelpful"};
    case 2:
      return {rng.below(2) == 0 ? std::string(" <answer> </answer>") : std::string(), "no_answer"};
    case 3: {
      static const char* const kBroken[] = {" <answer> {}", " {} </answer>", " {}",
                                            " </answer> {} <answer>"};
      return {fmt::format(fmt::runtime(kBroken[rng.below(4)]), reply), "broken_tags"};
    }
    default:
      return {answer(pick(rng, others)), "other_query"};
  }
}

}  // namespace

PreferenceKind parse_preference_kind(std::string_view name, std::string_view where) {
  if (name == "helpful") return PreferenceKind::helpful;
  if (name == "harmless") return PreferenceKind::harmless;
  fail("{}: preference kind must be 'helpful' or 'harmless', got '{}'", where, name);
}

PreferencePair preference_pair(PreferenceKind kind, uint64_t seed, uint64_t index, Split split,
                               double test_fraction, const PromptTemplate& prompt_template) {
  const std::vector<PooledQuery> pool = pool_of(split, test_fraction);
  R1_CHECK(!pool.empty(), "preference data: no query falls into the {} split (test_fraction {})",
           split_name(split), test_fraction);
  Rng rng(seed, kPreferenceStream + uint64_t(kind), index);
  const PooledQuery& q = pick(rng, pool);
  PreferencePair pair;
  pair.query = q.query->text;
  pair.prompt = prompt_template.render(q.query->text);
  if (kind == PreferenceKind::helpful) {
    pair.chosen = answer(q.query->reply);
    std::tie(pair.rejected, pair.rejection) = unhelpful_summary(rng, q, pool);
  } else {
    pair.chosen = with_thought(rng.below(2) == 0 ? std::string() : pick(rng, kBenignThoughts),
                               q.query->reply);
    pair.rejected = with_thought(pick(rng, kHarmfulThoughts), q.query->reply);
    pair.rejection = "harmful_thought";
  }
  return pair;
}

std::vector<PreferencePair> preference_pairs(PreferenceKind kind, uint64_t seed, Split split,
                                             uint64_t count, double test_fraction,
                                             const PromptTemplate& prompt_template) {
  std::vector<PreferencePair> pairs;
  pairs.reserve(count);
  for (uint64_t i = 0; i < count; ++i)
    pairs.push_back(preference_pair(kind, seed, i, split, test_fraction, prompt_template));
  return pairs;
}

}  // namespace r1
