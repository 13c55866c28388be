// Bilingual (English/Chinese) word problems with one or two arithmetic steps.
// The split is decided by the story kind and its numbers only, so a problem
// and its translation, or the same numbers told about other people and
// things, always share a split.
//
// Options: "max_value" (50) — amounts in addition/subtraction stories;
// "max_factor" (9) — factors in multiplication/division stories.
#include <fmt/format.h>

#include <array>

#include "tasks/generator.h"
#include "tasks/task_options.h"

namespace r1 {
namespace {

struct Item {
  const char* en_plural;
  const char* zh_name;
  const char* zh_measure;  // the classifier used when counting it
};

constexpr std::array<Item, 5> kItems = {{{"apples", "苹果", "个"},
                                         {"pencils", "铅笔", "支"},
                                         {"books", "书", "本"},
                                         {"candies", "糖", "颗"},
                                         {"stamps", "邮票", "张"}}};
constexpr std::array<const char*, 4> kNamesEn = {"Tom", "Anna", "Ben", "Lily"};
constexpr std::array<const char*, 4> kNamesZh = {"小明", "小红", "小刚", "小丽"};

enum Story { kBuy, kGiveAway, kBags, kShare, kBuyThenGive, kStoryCount };

int64_t uniform_in(Rng& rng, int64_t low, int64_t high) {
  return low + int64_t(rng.below(uint64_t(high - low + 1)));
}

class WordProblemGenerator : public TaskGenerator {
 public:
  explicit WordProblemGenerator(TaskOptions& options)
      : TaskGenerator(options),
        max_value_(options.integer("max_value", 50, 2, 1000000)),
        max_factor_(options.integer("max_factor", 9, 2, 1000)) {}

  std::string name() const override { return "word"; }

 protected:
  DrawnProblem draw(Rng& rng, const std::string& lang) const override {
    const Story story = Story(rng.below(kStoryCount));
    const Item& item = kItems[rng.below(kItems.size())];
    const bool zh = lang == "zh";
    const std::string who =
        zh ? kNamesZh[rng.below(kNamesZh.size())] : kNamesEn[rng.below(kNamesEn.size())];
    const char* things = zh ? item.zh_name : item.en_plural;
    const char* m = item.zh_measure;
    int64_t a = 0, b = 0, c = 0, answer = 0;
    std::vector<std::string> steps;
    std::string expression, prompt;
    switch (story) {
      case kBuy:
        a = uniform_in(rng, 1, max_value_);
        b = uniform_in(rng, 1, max_value_);
        answer = a + b;
        expression = fmt::format("{} + {}", a, b);
        steps = {fmt::format("{} + {} = {}", a, b, answer)};
        prompt = zh ? fmt::format("{}有{}{}{}，又买了{}{}。{}现在有多少{}{}？", who, a, m, things,
                                  b, m, who, m, things)
                    : fmt::format("{} has {} {} and buys {} more. How many {} does {} have now?",
                                  who, a, things, b, things, who);
        break;
      case kGiveAway:
        a = uniform_in(rng, 2, max_value_);
        b = uniform_in(rng, 1, a - 1);
        answer = a - b;
        expression = fmt::format("{} - {}", a, b);
        steps = {fmt::format("{} - {} = {}", a, b, answer)};
        prompt =
            zh ? fmt::format("{}有{}{}{}，送给朋友{}{}。还剩多少{}？", who, a, m, things, b, m, m)
               : fmt::format("{} has {} {} and gives {} to a friend. How many {} are left?", who, a,
                             things, b, things);
        break;
      case kBags:
        a = uniform_in(rng, 2, max_factor_);
        b = uniform_in(rng, 2, max_factor_);
        answer = a * b;
        expression = fmt::format("{} * {}", a, b);
        steps = {fmt::format("{} * {} = {}", a, b, answer)};
        prompt = zh ? fmt::format("有{}个袋子，每个袋子里有{}{}{}。一共有多少{}{}？", a, b, m,
                                  things, m, things)
                    : fmt::format("There are {} bags with {} {} in each. How many {} in total?", a,
                                  b, things, things);
        break;
      case kShare:
        a = uniform_in(rng, 2, max_factor_);
        b = uniform_in(rng, 2, max_factor_);
        answer = b;
        expression = fmt::format("{} / {}", a * b, a);
        steps = {fmt::format("{} / {} = {}", a * b, a, b)};
        prompt = zh ? fmt::format("{}把{}{}{}平均分给{}个朋友，每人分到多少{}？", who, a * b, m,
                                  things, a, m)
                    : fmt::format(
                          "{} shares {} {} equally among {} friends. How many does each "
                          "friend get?",
                          who, a * b, things, a);
        break;
      default:
        a = uniform_in(rng, 1, max_value_);
        b = uniform_in(rng, 1, max_value_);
        c = uniform_in(rng, 1, a + b);
        answer = a + b - c;
        expression = fmt::format("{} + {} - {}", a, b, c);
        steps = {fmt::format("{} + {} = {}", a, b, a + b),
                 fmt::format("{} - {} = {}", a + b, c, answer)};
        prompt = zh ? fmt::format("{}有{}{}{}，又买了{}{}，然后送出{}{}。还剩多少{}？", who, a, m,
                                  things, b, m, c, m, m)
                    : fmt::format(
                          "{} has {} {}, buys {} more and gives away {}. How many {} are "
                          "left?",
                          who, a, things, b, c, things);
        break;
    }
    DrawnProblem drawn;
    drawn.canonical = fmt::format("{}:{},{},{}", int(story), a, b, c);
    drawn.problem.prompt = std::move(prompt);
    drawn.problem.reference = {
        {"answer", std::to_string(answer)}, {"expression", expression}, {"steps", steps}};
    drawn.problem.reward = "math";
    return drawn;
  }

 private:
  int64_t max_value_, max_factor_;
};

}  // namespace

std::unique_ptr<TaskGenerator> make_word_problem_generator(TaskOptions& options) {
  return std::make_unique<WordProblemGenerator>(options);
}

}  // namespace r1
