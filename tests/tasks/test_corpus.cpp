#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <set>

#include "core/check.h"
#include "rewards/countdown.h"
#include "tasks/corpus.h"

namespace r1 {
namespace {

constexpr uint64_t kDocs = 6000;

std::string between(const std::string& text, const std::string& open, const std::string& close) {
  const size_t a = text.find(open), b = text.find(close);
  if (a == std::string::npos || b == std::string::npos || b < a) return "<missing>";
  return text.substr(a + open.size(), b - a - open.size());
}

// Every "lhs = n" in a chain of thought where lhs has an operator, checked by
// an independent evaluator (the Countdown verifier, fed the literals of lhs).
std::vector<std::pair<std::string, bool>> equations(const std::string& thought) {
  static const std::regex kEquation(R"(([0-9 ()+\-*/]+)=\s*(-?[0-9]+))");
  static const std::regex kLiteral(R"([0-9]+)");
  static const std::regex kOperator(R"([0-9)]\s*[-+*/]\s*[-(0-9])");
  std::vector<std::pair<std::string, bool>> out;
  for (auto it = std::sregex_iterator(thought.begin(), thought.end(), kEquation);
       it != std::sregex_iterator(); ++it) {
    const std::string lhs = (*it)[1];
    if (!std::regex_search(lhs, kOperator)) continue;
    std::vector<int64_t> literals;
    for (auto n = std::sregex_iterator(lhs.begin(), lhs.end(), kLiteral);
         n != std::sregex_iterator(); ++n) {
      literals.push_back(std::stoll(n->str()));
    }
    const bool holds = check_countdown_expression(lhs, literals, std::stoll((*it)[2])).verdict ==
                       CountdownVerdict::correct;
    out.emplace_back(it->str(), holds);
  }
  return out;
}

bool has_cjk(const std::string& s) {
  // UTF-8 lead bytes 0xE4..0xE9 start the CJK Unified Ideographs block.
  for (unsigned char c : s) {
    if (c >= 0xE4 && c <= 0xE9) return true;
  }
  return false;
}

bool has_latin_word(const std::string& s) {
  static const std::regex kWord("[A-Za-z]{2,}");
  return std::regex_search(s, kWord);
}

TEST(Corpus, DocumentsAreWellFormedAndWorkedSolutionsAreRight) {
  const Corpus corpus(CorpusMix{});
  std::map<std::string, int> styles;
  int short_wrong = 0, equations_checked = 0;
  for (uint64_t i = 0; i < kDocs; ++i) {
    const CorpusDocument doc = corpus.document(7, i);
    ++styles[doc.style];
    ASSERT_EQ(doc.prompt.rfind("User: ", 0), 0u) << doc.prompt;
    ASSERT_EQ(doc.prompt.substr(doc.prompt.size() - 11), "\nAssistant:");
    ASSERT_EQ(doc.completion.rfind(" <think> ", 0), 0u) << doc.completion;
    const std::string answer = between(doc.completion, "<answer> ", " </answer>");
    const std::string thought = between(doc.completion, "<think> ", "</think>");
    ASSERT_EQ(doc.completion.size(),
              doc.completion.find(" </answer>") + std::string(" </answer>").size());
    const std::string reference = doc.reference["answer"];
    if (doc.task == "countdown") {
      const CountdownCheck check = check_countdown_expression(
          answer, doc.reference["numbers"].get<std::vector<int64_t>>(), doc.reference["target"]);
      EXPECT_EQ(check.verdict == CountdownVerdict::correct, doc.correct) << doc.text();
    } else {
      EXPECT_EQ(answer == reference, doc.correct) << doc.text();
    }
    if (doc.style == "trivial") {
      EXPECT_EQ(thought, "") << doc.text();  // no chain of thought
      continue;
    }
    if (doc.style == "short") {
      short_wrong += !doc.correct;
      continue;
    }
    EXPECT_TRUE(doc.correct) << doc.text();
    // Every equation a worked solution writes holds, except the guess that a
    // self-check opens with (and then refutes).
    const auto found = equations(thought);
    for (size_t k = doc.style == "self_check" ? 1 : 0; k < found.size(); ++k) {
      EXPECT_TRUE(found[k].second) << found[k].first << " in " << doc.text();
      ++equations_checked;
    }
    if (doc.style == "self_check") {
      EXPECT_TRUE(thought.find("Wait, let me verify.") != std::string::npos ||
                  thought.find("等等，让我验证一下。") != std::string::npos)
          << doc.text();
      ASSERT_FALSE(found.empty()) << doc.text();
      if (doc.task != "linear") {
        EXPECT_FALSE(found[0].second) << doc.text();
      }
    }
  }
  EXPECT_GT(equations_checked, 5000);
  // Shares: binomial standard deviation for 6000 draws is at most 0.0065, so
  // ±0.03 is more than 4.5 sigma.
  const CorpusMix mix;
  EXPECT_NEAR(styles["short"] / double(kDocs), mix.short_share, 0.03);
  EXPECT_NEAR(styles["long"] / double(kDocs), mix.long_share, 0.03);
  EXPECT_NEAR(styles["self_check"] / double(kDocs), mix.self_check_share, 0.03);
  EXPECT_NEAR(styles["trivial"] / double(kDocs), mix.trivial_share, 0.03);
  EXPECT_NEAR(short_wrong / double(styles["short"]), mix.short_wrong_rate, 0.04);
}

TEST(Corpus, ChainsOfThoughtAreInTheirDeclaredLanguage) {
  const Corpus corpus(CorpusMix{});
  std::map<std::string, std::set<std::string>> mixed_prompt_langs;
  for (uint64_t i = 0; i < kDocs; ++i) {
    const CorpusDocument doc = corpus.document(8, i);
    const std::string thought = between(doc.completion, "<think> ", "</think>");
    if (doc.cot_lang == "en") {
      EXPECT_FALSE(has_cjk(thought)) << doc.text();
    } else if (doc.cot_lang == "zh") {
      EXPECT_FALSE(has_latin_word(thought)) << doc.text();
    } else if (doc.cot_lang == "mixed") {
      EXPECT_TRUE(has_cjk(thought) && has_latin_word(thought)) << doc.text();
      mixed_prompt_langs["mixed"].insert(doc.prompt_lang);
    }
    // The reply to a trivial query is in the query's language.
    if (doc.style == "trivial") {
      EXPECT_EQ(has_cjk(doc.completion), doc.prompt_lang == "zh");
    }
  }
  // Mixing happens on English and on Chinese prompts.
  EXPECT_EQ(mixed_prompt_langs["mixed"], (std::set<std::string>{"en", "zh"}));
}

// The tiny built-in models have a 256-token context: a worked solution must
// stay under about 600 characters.
TEST(Corpus, CompletionsFitTheTinyModelContext) {
  const Corpus corpus(CorpusMix{});
  for (uint64_t i = 0; i < kDocs; ++i) {
    const CorpusDocument doc = corpus.document(9, i);
    EXPECT_LE(count_code_points(doc.completion), 600u) << doc.text();
  }
  EXPECT_EQ(count_code_points("写 4 进 1"), 7u);
}

// Column addition and subtraction write the result digits so far after each
// column ("…, write 5: 51, carry 1."): each partial result is the answer's
// last digits (zero-padded for a subtraction whose top digits cancel), one
// column longer than the one before, and the last one is the answer.
TEST(Corpus, ColumnWorkCarriesTheRightPartialResult) {
  const Corpus corpus(parse_corpus_mix({{"short_share", 0.0},
                                        {"long_share", 1.0},
                                        {"self_check_share", 0.0},
                                        {"trivial_share", 0.0},
                                        {"arithmetic_share", 1.0},
                                        {"countdown_share", 0.0},
                                        {"linear_share", 0.0},
                                        {"word_share", 0.0},
                                        {"task_options", {{"arithmetic", {{"ops", "+-"}}}}}}));
  static const std::regex kPartial(R"((?:: |：)(\d+)(?:\.|,|，|。))");
  int checked = 0;
  for (uint64_t i = 0; i < 1000; ++i) {
    const CorpusDocument doc = corpus.document(4, i);
    const int64_t a = doc.reference["a"], b = doc.reference["b"];
    const std::string op = doc.reference["op"];
    const std::string answer = std::to_string(op == "+" ? a + b : a - b);
    std::vector<std::string> partials;
    for (auto it = std::sregex_iterator(doc.completion.begin(), doc.completion.end(), kPartial);
         it != std::sregex_iterator(); ++it)
      partials.push_back((*it)[1]);
    ASSERT_FALSE(partials.empty()) << doc.completion;
    for (size_t k = 0; k < partials.size(); ++k) {
      const std::string& p = partials[k];
      const std::string padded =
          std::string(std::max<size_t>(answer.size(), p.size()) - answer.size(), '0') + answer;
      EXPECT_EQ(padded.substr(padded.size() - p.size()), p) << doc.completion;
      if (k > 0 && k + 1 < partials.size()) EXPECT_EQ(p.size(), partials[k - 1].size() + 1);
      ++checked;
    }
    const std::string last = partials.back();
    EXPECT_EQ(last.substr(std::min(last.find_first_not_of('0'), last.size() - 1)), answer)
        << doc.completion;
  }
  EXPECT_GT(checked, 2000);
}

// Worded running sums: each step names the running total, the next term in
// the prompt's order, and their sum, in the words of its sentence's language.
TEST(Corpus, WordedSumStepsAddTheNextTermInEitherLanguage) {
  const Corpus corpus(parse_corpus_mix(
      {{"short_share", 0.0},
       {"long_share", 1.0},
       {"self_check_share", 0.0},
       {"trivial_share", 0.0},
       {"zh_prompt_share", 0.5},
       {"mixed_cot_share", 0.5},
       {"arithmetic_share", 0.0},
       {"sum_share", 1.0},
       {"countdown_share", 0.0},
       {"linear_share", 0.0},
       {"word_share", 0.0},
       {"task_options", {{"sum", {{"min_terms", 3}, {"max_terms", 5}, {"worded", 1}}}}}}));
  static const std::regex kStep(R"((\d+) (?:plus|加) (\d+) (?:is|得) (\d+)(\.|。))");
  int english = 0, chinese = 0;
  for (uint64_t i = 0; i < 300; ++i) {
    const CorpusDocument doc = corpus.document(6, i);
    const std::vector<int64_t> terms = doc.reference["terms"];
    int64_t total = terms[0];
    size_t next = 1;
    for (auto it = std::sregex_iterator(doc.completion.begin(), doc.completion.end(), kStep);
         it != std::sregex_iterator(); ++it, ++next) {
      const std::smatch& m = *it;
      ASSERT_LT(next, terms.size()) << doc.completion;
      EXPECT_EQ(std::stoll(m[1]), total) << doc.completion;
      EXPECT_EQ(std::stoll(m[2]), terms[next]) << doc.completion;
      total += terms[next];
      EXPECT_EQ(std::stoll(m[3]), total) << doc.completion;
      // English words end with '.', Chinese ones with '。'.
      const bool zh = m.str(0).find("加") != std::string::npos;
      EXPECT_EQ(m.str(4), zh ? "。" : ".") << doc.completion;
      (zh ? chinese : english)++;
    }
    EXPECT_EQ(next, terms.size()) << doc.completion;
  }
  EXPECT_GT(english, 200);
  EXPECT_GT(chinese, 200);
}

TEST(Corpus, ProblemsComeOnlyFromTheTrainSplit) {
  const Corpus corpus(CorpusMix{});
  std::set<std::string> test_prompts;
  for (const std::string& task : task_names()) {
    nlohmann::json options = CorpusMix{}.task_options[task];
    options["zh_share"] = CorpusMix{}.zh_prompt_share;
    for (const Problem& p : make_task_generator(task, options)->problems(9, Split::test, 2000)) {
      test_prompts.insert("User: " + p.prompt + "\nAssistant:");
    }
  }
  for (uint64_t i = 0; i < kDocs; ++i) {
    const CorpusDocument doc = corpus.document(10, i);
    EXPECT_EQ(test_prompts.count(doc.prompt), 0u) << doc.prompt;
    if (doc.task == "arithmetic") {
      const std::string canonical =
          fmt::format("{}{}{}", doc.reference["a"].get<int64_t>(),
                      doc.reference["op"].get<std::string>(), doc.reference["b"].get<int64_t>());
      EXPECT_EQ(split_of(canonical, 0.1), Split::train) << doc.prompt;
    }
  }
}

TEST(Corpus, MixIsConfigurableAndDeterministic) {
  const CorpusMix mix = parse_corpus_mix({{"short_share", 0.0},
                                          {"long_share", 1.0},
                                          {"self_check_share", 0.0},
                                          {"trivial_share", 0.0},
                                          {"arithmetic_share", 1.0},
                                          {"countdown_share", 0.0},
                                          {"linear_share", 0.0},
                                          {"word_share", 0.0},
                                          {"zh_prompt_share", 1.0},
                                          {"mixed_cot_share", 0.0},
                                          {"task_options", {{"arithmetic", {{"ops", "+"}}}}}});
  const Corpus corpus(mix);
  for (uint64_t i = 0; i < 200; ++i) {
    const CorpusDocument doc = corpus.document(1, i);
    EXPECT_EQ(doc.style, "long");
    EXPECT_EQ(doc.task, "arithmetic");
    EXPECT_EQ(doc.prompt_lang, "zh");
    EXPECT_EQ(doc.cot_lang, "zh");
    EXPECT_NE(doc.prompt.find(" + "), std::string::npos) << doc.prompt;
  }
  const Corpus defaults(CorpusMix{});
  EXPECT_EQ(defaults.document(3, 44).text(), defaults.document(3, 44).text());
  EXPECT_EQ(to_json(parse_corpus_mix(to_json(mix))), to_json(mix));

  const Corpus always_right(parse_corpus_mix({{"short_wrong_rate", 0.0}}));
  for (uint64_t i = 0; i < 300; ++i) EXPECT_TRUE(always_right.document(2, i).correct);
}

TEST(Corpus, BadMixesAreClearErrors) {
  EXPECT_THROW(parse_corpus_mix({{"long_shar", 0.2}}), Error);
  EXPECT_THROW(parse_corpus_mix({{"long_share", 1.5}}), Error);
  EXPECT_THROW(parse_corpus_mix({{"task_options", {{"chess", nlohmann::json::object()}}}}), Error);
  EXPECT_THROW(Corpus(parse_corpus_mix({{"long_share", 0.5}})), Error);  // styles sum to 1.36
  EXPECT_THROW(Corpus(parse_corpus_mix({{"task_options", {{"word", {{"zh_share", 1}}}}}})), Error);
  EXPECT_THROW(Corpus(parse_corpus_mix({{"template_name", "chatml"}})), Error);
}

}  // namespace
}  // namespace r1
