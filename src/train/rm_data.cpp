#include "train/rm_data.h"

#include <fmt/format.h>

#include "core/check.h"
#include "core/jsonl.h"
#include "rewards/reward_model.h"
#include "tokenizer/chat_template.h"

namespace r1 {

namespace {

std::vector<ChatMessage> parse_messages(const nlohmann::json& j, const std::string& field) {
  std::vector<ChatMessage> messages;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string name = fmt::format("{}[{}]", field, i);
    const nlohmann::json& m = j[i];
    R1_CHECK(m.is_object(), "field \"{}\": expected an object with \"role\" and \"content\"", name);
    for (const char* key : {"role", "content"}) {
      R1_CHECK(m.contains(key), "field \"{}.{}\": missing", name, key);
      R1_CHECK(m[key].is_string(), "field \"{}.{}\": expected a string", name, key);
    }
    messages.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
  }
  return messages;
}

}  // namespace

RmPair rm_pair(const nlohmann::json& line, const Tokenizer& tokenizer, int64_t max_length,
               int64_t& truncated) {
  R1_CHECK(line.is_object(), "expected a JSON object with \"chosen\" and \"rejected\"");
  for (const char* key : {"chosen", "rejected"})
    R1_CHECK(line.contains(key), "field \"{}\": missing", key);
  const bool conversational = line["chosen"].is_array();
  for (const char* key : {"prompt", "chosen", "rejected"}) {
    if (!line.contains(key)) continue;
    if (conversational) {
      R1_CHECK(line[key].is_array(),
               "field \"{}\": expected a list of messages, as \"chosen\" is (conversational "
               "data)",
               key);
    } else {
      R1_CHECK(line[key].is_string(), "field \"{}\": expected a string or a list of messages", key);
    }
  }
  RmPair pair;
  std::string chosen, rejected;
  if (conversational) {
    const std::vector<ChatMessage> prompt = line.contains("prompt")
                                                ? parse_messages(line["prompt"], "prompt")
                                                : std::vector<ChatMessage>();
    pair.prompt = prompt.empty() ? std::string() : render_chat(tokenizer, prompt, true);
    auto response = [&](const char* key) {
      std::vector<ChatMessage> messages = prompt;
      for (ChatMessage& m : parse_messages(line[key], key)) messages.push_back(std::move(m));
      R1_CHECK(messages.size() > prompt.size(), "field \"{}\": no messages", key);
      std::string text = render_chat(tokenizer, messages, false);
      R1_CHECK(text.compare(0, pair.prompt.size(), pair.prompt) == 0,
               "field \"{}\": the chat template renders the prompt differently once the reply "
               "follows; give plain-text prompt/chosen/rejected instead",
               key);
      return text.substr(pair.prompt.size());
    };
    chosen = response("chosen");
    rejected = response("rejected");
  } else {
    pair.prompt = line.value("prompt", "");
    chosen = line["chosen"].get<std::string>();
    rejected = line["rejected"].get<std::string>();
  }
  bool cut = false;
  pair.chosen = reward_model_ids(tokenizer, pair.prompt, chosen, max_length, &cut);
  truncated += cut;
  pair.rejected = reward_model_ids(tokenizer, pair.prompt, rejected, max_length, &cut);
  truncated += cut;
  R1_CHECK(!pair.chosen.empty() && !pair.rejected.empty(),
           "fields \"prompt\", \"chosen\" and \"rejected\" leave nothing to score (empty text "
           "and a tokenizer without an end-of-text token)");
  return pair;
}

RmData load_rm_data(const std::string& path, const Tokenizer& tokenizer, int64_t max_length) {
  R1_CHECK(max_length >= 1, "max_length must be positive (got {})", max_length);
  RmData data;
  for_each_jsonl(path, [&](const nlohmann::json& line, int64_t line_no) {
    RmPair pair = rm_pair(line, tokenizer, max_length, data.truncated);
    pair.line = line_no;
    data.pairs.push_back(std::move(pair));
  });
  R1_CHECK(!data.pairs.empty(), "{}: no preference pairs", path);
  return data;
}

}  // namespace r1
