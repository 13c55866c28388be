// `r1 reward`: scores completions from a JSONL file with named rewards, so
// rewards can be checked on real outputs before a training run.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/check.h"
#include "core/file_io.h"
#include "rewards/registry.h"

namespace r1::cli {
namespace {

struct RewardLine {
  size_t line_number;
  nlohmann::json fields;
};

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    items.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

// Builds the composite spec from --reward a,b --weights 1,0.5 --options {...}.
nlohmann::json reward_spec(const std::string& names, const std::string& weights,
                           const std::string& options_text) {
  const std::vector<std::string> reward_names = split_list(names);
  std::vector<double> reward_weights(reward_names.size(), 1.0);
  if (!weights.empty()) {
    const std::vector<std::string> items = split_list(weights);
    R1_CHECK(items.size() == reward_names.size(),
             "--weights has {} values but --reward names {} rewards", items.size(),
             reward_names.size());
    for (size_t i = 0; i < items.size(); ++i) {
      size_t used = 0;
      try {
        reward_weights[i] = std::stod(items[i], &used);
      } catch (const std::exception&) {
        used = 0;
      }
      R1_CHECK(used == items[i].size() && used > 0, "--weights: '{}' is not a number", items[i]);
    }
  }
  nlohmann::json options = nlohmann::json::object();
  if (!options_text.empty()) {
    try {
      options = nlohmann::json::parse(options_text);
    } catch (const nlohmann::json::exception& e) {
      fail("--options: invalid JSON: {}", e.what());
    }
    R1_CHECK(options.is_object(), "--options must be a JSON object keyed by reward name");
    for (const auto& [name, value] : options.items())
      R1_CHECK(std::find(reward_names.begin(), reward_names.end(), name) != reward_names.end(),
               "--options has options for '{}', which is not in --reward", name);
  }
  nlohmann::json spec = nlohmann::json::array();
  for (size_t i = 0; i < reward_names.size(); ++i) {
    nlohmann::json entry = {{"name", reward_names[i]}, {"weight", reward_weights[i]}};
    if (options.contains(reward_names[i])) entry["options"] = options[reward_names[i]];
    spec.push_back(std::move(entry));
  }
  return spec;
}

std::vector<RewardLine> read_reward_lines(const std::string& path) {
  const std::string text = read_file(path);
  std::vector<RewardLine> lines;
  size_t start = 0, line_number = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line_number;
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    R1_CHECK(line.find_first_not_of(" \t\r") != std::string_view::npos,
             "{}:{}: empty line (expected a JSON object with 'completion')", path, line_number);
    nlohmann::json fields;
    try {
      fields = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      fail("{}:{}: invalid JSON: {}", path, line_number, e.what());
    }
    R1_CHECK(fields.is_object(), "{}:{}: expected a JSON object, got {}", path, line_number,
             fields.type_name());
    R1_CHECK(fields.contains("completion") && fields["completion"].is_string(),
             "{}:{}: field 'completion' must be a string", path, line_number);
    R1_CHECK(!fields.contains("prompt") || fields["prompt"].is_string(),
             "{}:{}: field 'prompt' must be a string", path, line_number);
    R1_CHECK(!fields.contains("truncated") || fields["truncated"].is_boolean(),
             "{}:{}: field 'truncated' must be true or false", path, line_number);
    lines.push_back({line_number, std::move(fields)});
  }
  return lines;
}

std::vector<RewardInput> reward_inputs(const std::vector<RewardLine>& lines) {
  std::vector<RewardInput> inputs;
  inputs.reserve(lines.size());
  for (const RewardLine& line : lines) {
    const nlohmann::json& f = line.fields;
    const auto string_field = [&](const char* key) -> std::string_view {
      return f.contains(key) ? std::string_view(f[key].get_ref<const std::string&>())
                             : std::string_view();
    };
    inputs.push_back(RewardInput{string_field("prompt"), string_field("completion"), f,
                                 f.value("truncated", false)});
  }
  return inputs;
}

void run_reward(const std::string& path, const std::string& names, const std::string& weights,
                const std::string& options) {
  const auto reward = make_composite_reward(reward_spec(names, weights, options));
  const std::vector<RewardLine> lines = read_reward_lines(path);
  const std::vector<RewardInput> inputs = reward_inputs(lines);
  std::vector<CompositeResult> results;
  try {
    results = reward->score_components_batch(inputs);
  } catch (const Error&) {
    // Find the line whose reference data is at fault, to name it.
    for (size_t i = 0; i < inputs.size(); ++i) {
      try {
        reward->score_components(inputs[i]);
      } catch (const Error& e) {
        fail("{}:{}: {}", path, lines[i].line_number, e.what());
      }
    }
    throw;
  }
  for (const CompositeResult& result : results) {
    nlohmann::ordered_json components = nlohmann::ordered_json::object();
    for (const ComponentResult& c : result.components)
      components[c.name] = {
          {"value", c.result.value}, {"weight", c.weight}, {"reason", c.result.reason}};
    const nlohmann::ordered_json out = {
        {"reward", result.value}, {"reason", result.reason}, {"components", components}};
    fmt::print("{}\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

}  // namespace

void add_reward(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "reward",
      "Score completions in a JSONL file (fields: completion, plus what the rewards read: "
      "answer, prompt, lang, completion_tokens, truncated, …); prints one JSON line each");
  struct Args {
    std::string input, names, weights, options;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("INPUT.jsonl", args->input, "Completions to score, one JSON object a line")
      ->required();
  std::string known;
  for (const RewardRegistration& r : reward_registry())
    known += fmt::format("\n  {:<10} {}", r.name, r.description);
  cmd->add_option("--reward", args->names, "Rewards to apply, comma-separated:" + known)
      ->required();
  cmd->add_option("--weights", args->weights, "Weights, comma-separated (default 1 each)");
  cmd->add_option(
      "--options", args->options,
      R"(Reward options as JSON keyed by reward, e.g. '{"math": {"extract": ["answer_tag"]}}')");
  cmd->callback([args] { run_reward(args->input, args->names, args->weights, args->options); });
}

}  // namespace r1::cli
