// Prompt templates for base models: the model simply continues the rendered
// text, and its completion starts with " <think>". Chat templates (special
// tokens, roles) belong to the tokenizer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace r1 {

struct PromptTemplate {
  std::string name;
  std::string text;  // holds "{prompt}" exactly once

  std::string render(std::string_view prompt) const;
};

// "r1_zero": the R1-Zero training template, verbatim from the paper.
// "r1_zero_short": "User: {prompt}\nAssistant:" for the built-in tiny models,
// whose 256-token context cannot afford the long preamble.
const PromptTemplate& prompt_template(std::string_view name);
std::vector<std::string> prompt_template_names();

}  // namespace r1
