#include "train/sft_data.h"

#include <fmt/format.h>

#include "core/check.h"
#include "core/jsonl.h"
#include "tokenizer/chat_template.h"

namespace r1 {

namespace {

struct Segment {
  std::string text;
  bool trained = false;
};

const char* family_name(ChatFamily family) {
  switch (family) {
    case ChatFamily::kChatMl:
      return "ChatML";
    case ChatFamily::kQwen3:
      return "Qwen3 ChatML";
    case ChatFamily::kDeepSeek:
      return "DeepSeek";
    case ChatFamily::kR1Zero:
      return "R1-Zero";
  }
  return "";
}

bool known_role(ChatFamily family, const std::string& role) {
  if (family == ChatFamily::kR1Zero) return role == "user" || role == "assistant";
  return role == "system" || role == "user" || role == "assistant";
}

std::string roles_of(ChatFamily family) {
  return family == ChatFamily::kR1Zero ? "user and assistant" : "system, user and assistant";
}

// The messages of `j` (field name `field`), checked field by field.
std::vector<ChatMessage> parse_messages(const nlohmann::json& j, const std::string& field,
                                        ChatFamily family) {
  R1_CHECK(j.is_array(), "field \"{}\": expected a list of messages", field);
  std::vector<ChatMessage> messages;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string name = fmt::format("{}[{}]", field, i);
    const nlohmann::json& m = j[i];
    R1_CHECK(m.is_object(), "field \"{}\": expected an object with \"role\" and \"content\"", name);
    R1_CHECK(m.contains("role"), "field \"{}.role\": missing", name);
    R1_CHECK(m["role"].is_string(), "field \"{}.role\": expected a string", name);
    R1_CHECK(m.contains("content"), "field \"{}.content\": missing", name);
    R1_CHECK(m["content"].is_string(), "field \"{}.content\": expected a string", name);
    ChatMessage message{m["role"].get<std::string>(), m["content"].get<std::string>()};
    R1_CHECK(known_role(family, message.role),
             "field \"{}.role\": the model's chat template ({}) knows no role \"{}\" (it knows {})",
             name, family_name(family), message.role, roles_of(family));
    messages.push_back(std::move(message));
  }
  return messages;
}

std::string render(const Tokenizer& tokenizer, const std::vector<ChatMessage>& messages,
                   size_t count, bool add_generation_prompt, const std::string& field) {
  try {
    return render_chat(tokenizer, std::span<const ChatMessage>(messages.data(), count),
                       add_generation_prompt);
  } catch (const Error& e) {
    fail("field \"{}\": {}", field, e.what());
  }
}

// Conversational examples: the text before each trained assistant turn is
// context, the turn itself is trained. `first_trained` is the index of the
// first message whose assistant turns are trained; `fields` names each
// message in errors.
std::vector<Segment> conversation_segments(const Tokenizer& tokenizer,
                                           const std::vector<ChatMessage>& messages,
                                           size_t first_trained,
                                           const std::vector<std::string>& fields,
                                           const std::string& field) {
  const std::string full = render(tokenizer, messages, messages.size(), false, field);
  std::vector<Segment> segments;
  size_t pos = 0;
  for (size_t i = first_trained; i < messages.size(); ++i) {
    if (messages[i].role != "assistant") continue;
    R1_CHECK(!messages[i].content.empty(), "field \"{}.content\": empty assistant turn", fields[i]);
    const std::string prefix = render(tokenizer, messages, i, true, field);
    const std::string through = render(tokenizer, messages, i + 1, false, field);
    R1_CHECK(through.starts_with(prefix) && full.starts_with(through) && prefix.size() >= pos,
             "field \"{}\": the chat template renders assistant turn {} differently once more "
             "messages follow (it rewrites earlier turns, as Qwen3's template drops their "
             "reasoning), so the trained tokens cannot be located; give each assistant turn its "
             "own example",
             field, fields[i]);
    segments.push_back({full.substr(pos, prefix.size() - pos), false});
    segments.push_back({through.substr(prefix.size()), true});
    pos = through.size();
  }
  R1_CHECK(!segments.empty(), "field \"{}\": no assistant turn to train on", field);
  return segments;
}

int32_t eos_of(const Tokenizer& tokenizer) {
  const std::optional<int32_t> eos = tokenizer.eos_id();
  R1_CHECK(eos.has_value(),
           "the tokenizer names no EOS token (tokenizer_config.json \"eos_token\"), which SFT "
           "appends to every completion");
  return *eos;
}

ChatFamily family_of(const Tokenizer& tokenizer) {
  try {
    return chat_family(tokenizer.config().chat_template);
  } catch (const Error& e) {
    fail("conversational examples need the model's chat template: {}", e.what());
  }
}

}  // namespace

SftExample sft_example(const nlohmann::json& line, const Tokenizer& tokenizer) {
  std::vector<Segment> segments;
  bool append_eos = false;
  const bool has_messages = line.contains("messages");
  const bool has_prompt = line.contains("prompt"), has_completion = line.contains("completion");
  if (has_messages) {
    R1_CHECK(!has_prompt && !has_completion,
             "give either \"messages\" or \"prompt\" and \"completion\", not both");
    const ChatFamily family = family_of(tokenizer);
    const std::vector<ChatMessage> messages = parse_messages(line["messages"], "messages", family);
    std::vector<std::string> fields;
    for (size_t i = 0; i < messages.size(); ++i) fields.push_back(fmt::format("messages[{}]", i));
    segments = conversation_segments(tokenizer, messages, 0, fields, "messages");
    append_eos = family == ChatFamily::kR1Zero;
  } else {
    R1_CHECK(has_prompt || has_completion,
             "expected the fields \"prompt\" and \"completion\", or \"messages\"");
    R1_CHECK(has_prompt, "field \"prompt\": missing");
    R1_CHECK(has_completion, "field \"completion\": missing");
    const nlohmann::json& prompt = line["prompt"];
    const nlohmann::json& completion = line["completion"];
    if (prompt.is_string() && completion.is_string()) {
      R1_CHECK(!completion.get<std::string>().empty(), "field \"completion\": empty");
      segments = {{prompt.get<std::string>(), false}, {completion.get<std::string>(), true}};
      append_eos = true;
    } else {
      R1_CHECK(prompt.is_array() && completion.is_array(),
               "fields \"prompt\" and \"completion\": expected both strings or both lists of "
               "messages");
      const ChatFamily family = family_of(tokenizer);
      std::vector<ChatMessage> messages = parse_messages(prompt, "prompt", family);
      const size_t first_completion = messages.size();
      std::vector<std::string> fields;
      for (size_t i = 0; i < messages.size(); ++i) fields.push_back(fmt::format("prompt[{}]", i));
      for (ChatMessage& m : parse_messages(completion, "completion", family)) {
        fields.push_back(fmt::format("completion[{}]", messages.size() - first_completion));
        messages.push_back(std::move(m));
      }
      segments = conversation_segments(tokenizer, messages, first_completion, fields, "completion");
      append_eos = family == ChatFamily::kR1Zero;
    }
  }
  SftExample example;
  for (const Segment& s : segments) {
    const std::vector<int32_t> ids = tokenizer.encode(s.text);
    example.ids.insert(example.ids.end(), ids.begin(), ids.end());
    example.trained.insert(example.trained.end(), ids.size(), s.trained ? 1 : 0);
  }
  if (append_eos) {
    example.ids.push_back(eos_of(tokenizer));
    example.trained.push_back(1);
  }
  return example;
}

SftData load_sft_data(const std::string& path, const Tokenizer& tokenizer, int64_t max_length) {
  R1_CHECK(max_length >= 2, "max_length must be at least 2 (got {})", max_length);
  SftData data;
  for_each_jsonl(path, [&](const nlohmann::json& line, int64_t line_no) {
    SftExample example = sft_example(line, tokenizer);
    example.line = line_no;
    if (int64_t(example.ids.size()) > max_length) {
      example.ids.resize(size_t(max_length));
      example.trained.resize(size_t(max_length));
      ++data.truncated;
    }
    // The first token is never predicted, so it does not count.
    bool any_trained = false;
    for (size_t i = 1; i < example.trained.size(); ++i) any_trained |= example.trained[i] != 0;
    R1_CHECK(any_trained,
             "the prompt fills all {} tokens of max_length, leaving no completion token to train "
             "on",
             max_length);
    data.examples.push_back(std::move(example));
  });
  R1_CHECK(!data.examples.empty(), "{}: no examples", path);
  return data;
}

}  // namespace r1
