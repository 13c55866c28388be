// Trivial non-reasoning queries ("hello", "你好", "thanks") with reference
// replies, judged by the "general" reward. R1 answers them without a chain of
// thought (R1_NOTES.md, stage 3). The split is decided by the query text, so a
// held-out greeting is one the model never saw in training.
#include "tasks/trivial_query.h"

#include "tasks/generator.h"
#include "tasks/task_options.h"

namespace r1 {
namespace {

const std::vector<TrivialQuery> kEnglish = {
    {"hello", "Hello! How can I help you?"},
    {"hi", "Hi! How can I help you?"},
    {"hey", "Hey! What can I do for you?"},
    {"good morning", "Good morning! How can I help you?"},
    {"good night", "Good night! Sleep well."},
    {"thanks", "You're welcome!"},
    {"thank you", "You're welcome!"},
    {"thank you very much", "You're very welcome!"},
    {"bye", "Goodbye! Have a nice day."},
    {"goodbye", "Goodbye! See you soon."},
    {"how are you?", "I'm fine, thank you. How can I help you?"},
    {"who are you?", "I am an AI assistant. I can help you solve problems."},
    {"what is your name?", "I am an AI assistant."},
    {"nice to meet you", "Nice to meet you too!"},
    {"ok", "Great! Let me know if you need anything else."},
    {"sorry", "No problem at all."},
};

const std::vector<TrivialQuery> kChinese = {
    {"你好", "你好！有什么可以帮你的吗？"},
    {"您好", "您好！请问有什么可以帮您？"},
    {"嗨", "嗨！需要我帮什么忙？"},
    {"早上好", "早上好！有什么可以帮你的吗？"},
    {"晚安", "晚安，祝你好梦。"},
    {"谢谢", "不客气！"},
    {"谢谢你", "不用谢！"},
    {"非常感谢", "不客气，很高兴能帮到你。"},
    {"再见", "再见！祝你愉快。"},
    {"拜拜", "拜拜！下次见。"},
    {"你好吗？", "我很好，谢谢。有什么可以帮你的吗？"},
    {"你是谁？", "我是一个人工智能助手，可以帮你解决问题。"},
    {"你叫什么名字？", "我是一个人工智能助手。"},
    {"很高兴认识你", "我也很高兴认识你！"},
    {"好的", "好的！还有什么需要帮忙的吗？"},
    {"对不起", "没关系。"},
};

}  // namespace

const std::vector<TrivialQuery>& trivial_queries(std::string_view lang) {
  return lang == "zh" ? kChinese : kEnglish;
}

namespace {

class TrivialQueryGenerator : public TaskGenerator {
 public:
  explicit TrivialQueryGenerator(TaskOptions& options) : TaskGenerator(options) {}

  std::string name() const override { return "trivial"; }

 protected:
  DrawnProblem draw(Rng& rng, const std::string& lang) const override {
    const std::vector<TrivialQuery>& queries = trivial_queries(lang);
    const TrivialQuery& query = queries[rng.below(queries.size())];
    DrawnProblem drawn;
    drawn.canonical = query.text;
    drawn.problem.prompt = query.text;
    drawn.problem.reference = {{"answer", query.reply}};
    drawn.problem.reward = "general";
    return drawn;
  }
};

}  // namespace

std::unique_ptr<TaskGenerator> make_trivial_query_generator(TaskOptions& options) {
  return std::make_unique<TrivialQueryGenerator>(options);
}

}  // namespace r1
