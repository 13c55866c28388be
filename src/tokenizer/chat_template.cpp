#include "tokenizer/chat_template.h"

#include "core/check.h"

namespace r1 {
namespace {

constexpr const char* kR1ZeroPreamble =
    "A conversation between User and Assistant. The user asks a question, and the Assistant "
    "solves it. The assistant first thinks about the reasoning process in the mind and then "
    "provides the user with the answer. The reasoning process and answer are enclosed within "
    "<think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process "
    "here </think> <answer> answer here </answer>. User: ";

bool contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

std::string strip_chars(std::string_view s, std::string_view chars, bool left, bool right) {
  size_t b = 0;
  size_t e = s.size();
  while (left && b < e && chars.find(s[b]) != std::string_view::npos) ++b;
  while (right && e > b && chars.find(s[e - 1]) != std::string_view::npos) --e;
  return std::string(s.substr(b, e - b));
}

// The answer after the last </think>, and the reasoning before it (Qwen3's and
// DeepSeek-R1's templates drop the reasoning of earlier turns this way).
void split_reasoning(const std::string& content, std::string* answer, std::string* reasoning) {
  const size_t close = content.rfind("</think>");
  if (close == std::string::npos) {
    *answer = content;
    reasoning->clear();
    return;
  }
  *answer = strip_chars(std::string_view(content).substr(close + 8), "\n", true, false);
  std::string before = strip_chars(content.substr(0, content.find("</think>")), "\n", false, true);
  const size_t open = before.rfind("<think>");
  if (open != std::string::npos) before = before.substr(open + 7);
  *reasoning = strip_chars(before, "\n", true, false);
}

void check_role(const ChatMessage& m, size_t i) {
  R1_CHECK(m.role == "system" || m.role == "user" || m.role == "assistant",
           "chat message {}: unknown role \"{}\" (expected system, user or assistant)", i, m.role);
}

std::string render_chatml(std::span<const ChatMessage> messages, bool qwen3,
                          bool add_generation_prompt) {
  size_t last_query = messages.size();
  for (size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].role == "user") last_query = i;
  }
  std::string out;
  for (size_t i = 0; i < messages.size(); ++i) {
    const ChatMessage& m = messages[i];
    check_role(m, i);
    if (m.role != "assistant" || !qwen3) {
      out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
      continue;
    }
    std::string answer, reasoning;
    split_reasoning(m.content, &answer, &reasoning);
    const bool after_last_query = last_query == messages.size() || i > last_query;
    if (after_last_query && (i + 1 == messages.size() || !reasoning.empty())) {
      out += "<|im_start|>assistant\n<think>\n" + strip_chars(reasoning, "\n", true, true) +
             "\n</think>\n\n" + strip_chars(answer, "\n", true, false);
    } else {
      out += "<|im_start|>assistant\n" + answer;
    }
    out += "<|im_end|>\n";
  }
  if (add_generation_prompt) out += "<|im_start|>assistant\n";
  return out;
}

std::string render_deepseek(const Tokenizer& tokenizer, std::span<const ChatMessage> messages,
                            bool add_generation_prompt) {
  const std::string& tmpl = tokenizer.config().chat_template;
  const bool drops_reasoning = contains(tmpl, "split('</think>')");
  const bool opens_think = contains(tmpl, "<｜Assistant｜><think>\\n");
  std::string system;
  for (size_t i = 0; i < messages.size(); ++i) {
    check_role(messages[i], i);
    if (messages[i].role != "system") continue;
    if (!system.empty()) system += "\n\n";
    system += messages[i].content;
  }
  std::string out = tokenizer.config().bos_token.value_or("") + system;
  for (const ChatMessage& m : messages) {
    if (m.role == "user") {
      out += "<｜User｜>" + m.content;
    } else if (m.role == "assistant") {
      std::string answer = m.content;
      const size_t close = answer.rfind("</think>");
      if (drops_reasoning && close != std::string::npos) answer = answer.substr(close + 8);
      out += "<｜Assistant｜>" + answer + "<｜end▁of▁sentence｜>";
    }
  }
  if (add_generation_prompt) out += opens_think ? "<｜Assistant｜><think>\n" : "<｜Assistant｜>";
  return out;
}

std::string render_r1_zero(std::span<const ChatMessage> messages) {
  R1_CHECK(!messages.empty() && messages[0].role == "user" && messages.size() <= 2 &&
               (messages.size() == 1 || messages[1].role == "assistant"),
           "R1-Zero chat template: expected one user message, optionally followed by the "
           "assistant's reply ({} messages given)",
           messages.size());
  std::string out = r1_zero_prompt(messages[0].content);
  if (messages.size() == 2) out += " " + messages[1].content;
  return out;
}

}  // namespace

ChatFamily chat_family(const std::string& chat_template) {
  if (contains(chat_template, "A conversation between User and Assistant")) {
    return ChatFamily::kR1Zero;
  }
  if (contains(chat_template, "<｜User｜>")) return ChatFamily::kDeepSeek;
  if (contains(chat_template, "<|im_start|>")) {
    return contains(chat_template, "reasoning_content") ? ChatFamily::kQwen3 : ChatFamily::kChatMl;
  }
  R1_CHECK(!chat_template.empty(), "tokenizer_config.json has no chat_template");
  fail(
      "chat template not recognised (known families: Qwen ChatML with <|im_start|>, DeepSeek-R1 "
      "with <｜User｜>, the plain R1-Zero prompt); it starts with: {}",
      chat_template.substr(0, 160));
}

std::string render_chat(const Tokenizer& tokenizer, std::span<const ChatMessage> messages,
                        bool add_generation_prompt) {
  switch (chat_family(tokenizer.config().chat_template)) {
    case ChatFamily::kChatMl:
      return render_chatml(messages, false, add_generation_prompt);
    case ChatFamily::kQwen3:
      return render_chatml(messages, true, add_generation_prompt);
    case ChatFamily::kDeepSeek:
      return render_deepseek(tokenizer, messages, add_generation_prompt);
    case ChatFamily::kR1Zero:
      return render_r1_zero(messages);
  }
  return {};
}

std::string r1_zero_prompt(const std::string& prompt) {
  return kR1ZeroPreamble + prompt + ". Assistant:";
}

std::string r1_zero_chat_template() {
  return std::string("{{ '") + kR1ZeroPreamble +
         "' + messages[0]['content'] + '. Assistant:' }}"
         "{% if messages|length > 1 %}{{ ' ' + messages[1]['content'] }}{% endif %}";
}

}  // namespace r1
