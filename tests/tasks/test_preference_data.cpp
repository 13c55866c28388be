// Built-in preference pairs: a pure function of (kind, seed, index, split);
// helpful pairs differ in the summary only, harmless pairs in the reasoning
// only; every kind of flaw occurs; and the held-out split shares no query —
// nor any reply a held-out query owns — with training pairs.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/check.h"
#include "tasks/generator.h"
#include "tasks/preference_data.h"
#include "tasks/trivial_query.h"

namespace r1 {
namespace {

const PromptTemplate& short_template() {
  return prompt_template("r1_zero_short");
}

// The reference reply of a query, and whether it is Chinese.
std::pair<std::string, bool> reply_of(const std::string& query) {
  for (bool zh : {false, true})
    for (const TrivialQuery& q : trivial_queries(zh ? "zh" : "en"))
      if (query == q.text) return {q.reply, zh};
  ADD_FAILURE() << "unknown query " << query;
  return {};
}

std::string after_think(const std::string& response) {
  const size_t at = response.rfind("</think>");
  return at == std::string::npos ? response : response.substr(at + 8);
}

}  // namespace

TEST(PreferenceData, PureFunctionOfSeedAndIndex) {
  for (PreferenceKind kind : {PreferenceKind::helpful, PreferenceKind::harmless}) {
    const auto a = preference_pairs(kind, 3, Split::train, 50, 0.25, short_template());
    const auto b = preference_pairs(kind, 3, Split::train, 50, 0.25, short_template());
    const auto c = preference_pairs(kind, 4, Split::train, 50, 0.25, short_template());
    int differ = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].prompt, b[i].prompt);
      EXPECT_EQ(a[i].chosen, b[i].chosen);
      EXPECT_EQ(a[i].rejected, b[i].rejected);
      differ += a[i].chosen != c[i].chosen || a[i].rejected != c[i].rejected;
    }
    EXPECT_GT(differ, 25);
  }
}

TEST(PreferenceData, HelpfulPairsJudgeTheSummary) {
  std::map<std::string, int> flaws;
  for (const PreferencePair& p :
       preference_pairs(PreferenceKind::helpful, 1, Split::train, 400, 0.25, short_template())) {
    EXPECT_EQ(p.prompt, "User: " + p.query + "\nAssistant:");
    const auto [reply, zh] = reply_of(p.query);
    EXPECT_EQ(p.chosen, " <answer> " + reply + " </answer>");
    EXPECT_NE(p.rejected, p.chosen);
    EXPECT_EQ(p.rejected.find("<think>"), std::string::npos) << "summaries only";
    ++flaws[p.rejection];
    if (p.rejection == "other_language") {
      // The other language's reply: ASCII for a Chinese query and vice versa.
      const std::string inner = p.rejected.substr(10, p.rejected.size() - 20);
      const bool ascii =
          std::all_of(inner.begin(), inner.end(), [](char ch) { return (unsigned char)ch < 0x80; });
      EXPECT_EQ(ascii, zh) << p.rejected;
    }
    if (p.rejection == "broken_tags") {
      EXPECT_NE(p.rejected.find(reply), std::string::npos);
      EXPECT_FALSE(p.rejected.find("<answer>") < p.rejected.find("</answer>") &&
                   p.rejected.find("</answer>") != std::string::npos)
          << p.rejected;
    }
  }
  for (const char* flaw :
       {"other_query", "other_language", "unhelpful", "no_answer", "broken_tags"})
    EXPECT_GT(flaws[flaw], 40) << flaw;
  EXPECT_EQ(flaws.size(), 5u);
}

TEST(PreferenceData, HarmlessPairsJudgeTheReasoning) {
  for (const PreferencePair& p :
       preference_pairs(PreferenceKind::harmless, 1, Split::train, 200, 0.25, short_template())) {
    const std::string summary = " <answer> " + reply_of(p.query).first + " </answer>";
    EXPECT_EQ(after_think(p.chosen), summary);
    EXPECT_EQ(after_think(p.rejected), summary);
    EXPECT_EQ(p.chosen.rfind(" <think> ", 0), 0u) << p.chosen;
    EXPECT_EQ(p.rejected.rfind(" <think> ", 0), 0u) << p.rejected;
    EXPECT_NE(p.chosen, p.rejected);
    EXPECT_EQ(p.rejection, "harmful_thought");
  }
}

TEST(PreferenceData, HeldOutQueriesAndRepliesNeverReachTraining) {
  std::set<std::string> train_queries, test_queries, train_texts;
  for (PreferenceKind kind : {PreferenceKind::helpful, PreferenceKind::harmless}) {
    for (const PreferencePair& p :
         preference_pairs(kind, 2, Split::train, 2000, 0.25, short_template())) {
      train_queries.insert(p.query);
      train_texts.insert(p.chosen);
      train_texts.insert(p.rejected);
    }
    for (const PreferencePair& p :
         preference_pairs(kind, 2, Split::test, 500, 0.25, short_template()))
      test_queries.insert(p.query);
  }
  ASSERT_GE(test_queries.size(), 4u);
  ASSERT_GE(train_queries.size(), 16u);
  std::set<std::string> train_replies;
  for (const std::string& q : train_queries) {
    EXPECT_EQ(test_queries.count(q), 0u) << q;
    train_replies.insert(reply_of(q).first);
  }
  for (const std::string& q : test_queries) {
    const std::string reply = reply_of(q).first;
    if (train_replies.count(reply)) continue;  // shared by a training query
    for (const std::string& text : train_texts)
      EXPECT_EQ(text.find(reply), std::string::npos) << reply << " in " << text;
  }
  // The trivial task's held-out queries are held out here too.
  const auto trivial = make_task_generator("trivial", nullptr);
  for (const Problem& p : trivial->problems(1, Split::test, 50))
    EXPECT_EQ(train_queries.count(p.prompt), 0u) << p.prompt;
}

TEST(PreferenceData, EmptySplitAndBadKindAreErrors) {
  EXPECT_THROW(preference_pair(PreferenceKind::helpful, 1, 0, Split::test, 0.0, short_template()),
               Error);
  EXPECT_THROW(parse_preference_kind("honest", "--kind"), Error);
}

}  // namespace r1
