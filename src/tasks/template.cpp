#include "tasks/template.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>

#include "core/check.h"

namespace r1 {
namespace {

constexpr std::string_view kPlaceholder = "{prompt}";

const std::array<PromptTemplate, 2>& templates() {
  static const std::array<PromptTemplate, 2> kTemplates = {{
      {"r1_zero",
       "A conversation between User and Assistant. The user asks a question, and the Assistant "
       "solves it. The assistant first thinks about the reasoning process in the mind and then "
       "provides the user with the answer. The reasoning process and answer are enclosed within "
       "<think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning "
       "process here </think> <answer> answer here </answer>. User: {prompt}. Assistant:"},
      {"r1_zero_short", "User: {prompt}\nAssistant:"},
  }};
  return kTemplates;
}

}  // namespace

std::string PromptTemplate::render(std::string_view prompt) const {
  const size_t at = text.find(kPlaceholder);
  R1_CHECK(at != std::string::npos, "prompt template '{}' has no {{prompt}} placeholder", name);
  // One substitution into the template: braces inside the prompt stay as they are.
  std::string out = text.substr(0, at);
  out += prompt;
  out += text.substr(at + kPlaceholder.size());
  return out;
}

const PromptTemplate& prompt_template(std::string_view name) {
  for (const PromptTemplate& t : templates()) {
    if (t.name == name) return t;
  }
  fail("unknown prompt template '{}' (known: {})", name, fmt::join(prompt_template_names(), ", "));
}

std::vector<std::string> prompt_template_names() {
  std::vector<std::string> names;
  for (const PromptTemplate& t : templates()) names.push_back(t.name);
  return names;
}

}  // namespace r1
