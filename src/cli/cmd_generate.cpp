#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/check.h"
#include "core/jsonl.h"
#include "core/progress.h"
#include "core/threads.h"
#include "generate/generator.h"
#include "generate/stop_strings.h"
#include "model/model.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/incremental_decoder.h"
#include "tokenizer/tokenizer_io.h"

namespace r1::cli {

namespace {

struct SamplingOptions {
  int n = 1;
  float temperature = 1.0f, top_p = 1.0f;
  int top_k = 0;
  int64_t max_new_tokens = 256;
  std::vector<std::string> stop;
  uint64_t seed = 0;
  int64_t batch_size = 64;
  int threads = 0;
  bool chat = false;
};

void add_sampling_options(CLI::App* cmd, SamplingOptions& o) {
  cmd->add_option("--temperature", o.temperature, "Sampling temperature (0: greedy)")
      ->capture_default_str();
  cmd->add_option("--top-p", o.top_p, "Nucleus sampling: keep the smallest set with this mass")
      ->capture_default_str();
  cmd->add_option("--top-k", o.top_k, "Keep the k most likely tokens (0: off)")
      ->capture_default_str();
  cmd->add_option("--max-new-tokens", o.max_new_tokens, "Tokens to generate at most")
      ->capture_default_str();
  cmd->add_option("--stop", o.stop, "Stop string (repeatable); kept in the output");
  cmd->add_option("--seed", o.seed, "Random seed")->capture_default_str();
  cmd->add_option("--threads", o.threads, "Threads (0: all cores)")->capture_default_str();
}

// Prompts from a JSONL file (field `field`) or a text file (one per line).
std::vector<std::string> read_prompts(const std::string& path, const std::string& field) {
  std::vector<std::string> prompts;
  const bool jsonl = path.size() > 6 && path.substr(path.size() - 6) == ".jsonl";
  if (jsonl) {
    for_each_jsonl(path, [&](const nlohmann::json& j, int64_t) {
      R1_CHECK(j.contains(field) && j[field].is_string(), "expected a string field \"{}\"", field);
      prompts.push_back(j[field].get<std::string>());
    });
  } else {
    std::ifstream in(path);
    R1_CHECK(in.is_open(), "{}: cannot open for reading", path);
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) prompts.push_back(line);
  }
  return prompts;
}

std::vector<int32_t> stop_ids_of(const Tokenizer& tokenizer) {
  std::vector<int32_t> ids;
  if (auto eos = tokenizer.eos_id()) ids.push_back(*eos);
  return ids;
}

std::string render_prompt(const Tokenizer& tokenizer, const std::string& prompt, bool chat) {
  if (!chat) return prompt;
  const ChatMessage message{"user", prompt};
  return render_chat(tokenizer, std::span<const ChatMessage>(&message, 1), true);
}

}  // namespace

void add_generate(CLI::App& app) {
  auto* cmd = app.add_subcommand("generate", "Sample completions for prompts (JSONL output)");
  struct Options : SamplingOptions {
    std::string model_dir, input, field = "prompt";
    bool no_continuous = false;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("MODEL_DIR", opt->model_dir, "Model directory (config, weights, tokenizer)")
      ->required();
  cmd->add_option("INPUT", opt->input,
                  "Prompts: JSONL with a \"prompt\" field, or text with one prompt per line")
      ->required();
  cmd->add_option("--field", opt->field, "JSONL field holding the prompt")->capture_default_str();
  cmd->add_option("--n", opt->n, "Samples per prompt")->capture_default_str();
  cmd->add_option("--batch-size", opt->batch_size, "Sequences decoded together")
      ->capture_default_str();
  cmd->add_flag("--chat", opt->chat, "Wrap each prompt in the model's chat template");
  cmd->add_flag("--no-continuous-batching", opt->no_continuous,
                "Refill the batch only when all its sequences have finished");
  add_sampling_options(cmd, *opt);
  cmd->callback([opt] {
    set_threads(opt->threads);
    R1_CHECK(opt->n >= 1, "--n must be at least 1 (got {})", opt->n);
    const Model model = load_model(opt->model_dir);
    const Tokenizer tokenizer = load_tokenizer(opt->model_dir);
    const auto prompts = read_prompts(opt->input, opt->field);
    std::vector<GenerationRequest> requests;
    const auto stop_when = stop_on_strings(tokenizer, opt->stop);
    for (size_t p = 0; p < prompts.size(); ++p) {
      const std::vector<int32_t> ids =
          tokenizer.encode(render_prompt(tokenizer, prompts[p], opt->chat));
      R1_CHECK(!ids.empty(), "{}: prompt {} is empty", opt->input, p + 1);
      for (int s = 0; s < opt->n; ++s) {
        GenerationRequest q;
        q.id = uint64_t(p) * uint64_t(opt->n) + uint64_t(s);
        q.prompt = ids;
        q.sampling = {opt->temperature, opt->top_k, opt->top_p};
        q.max_new_tokens = opt->max_new_tokens;
        q.stop_ids = stop_ids_of(tokenizer);
        q.stop_when = stop_when;
        requests.push_back(std::move(q));
      }
    }
    Generator generator(
        model, {opt->batch_size, context_needed(requests), !opt->no_continuous, true, opt->seed});
    int64_t finished = 0, generated = 0;
    const auto t0 = std::chrono::steady_clock::now();
    Progress progress("generate", int64_t(requests.size()));
    const auto results = generator.generate(requests, [&](const GenerationResult& r, int32_t) {
      ++generated;
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!r.stop_reason.empty()) ++finished;
      progress.update(finished, fmt::format("{:.0f} tokens/s", double(generated) / s));
    });
    for (size_t r = 0; r < results.size(); ++r) {
      const nlohmann::json line = {{"prompt", prompts[r / size_t(opt->n)]},
                                   {"completion", tokenizer.decode(results[r].tokens)},
                                   {"ids", results[r].tokens},
                                   {"logprobs", results[r].logprobs},
                                   {"stop_reason", results[r].stop_reason}};
      fmt::print("{}\n", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress.finish(fmt::format("{} completions, {} tokens, {:.0f} tokens/s", results.size(),
                                generated, double(generated) / s));
  });
}

void add_chat(CLI::App& app) {
  auto* cmd = app.add_subcommand("chat", "Talk to a model interactively (streaming)");
  struct Options : SamplingOptions {
    std::string model_dir;
    int64_t context = 4096;
  };
  auto opt = std::make_shared<Options>();
  opt->temperature = 0.6f;
  opt->top_p = 0.95f;
  cmd->add_option("MODEL_DIR", opt->model_dir, "Model directory (config, weights, tokenizer)")
      ->required();
  cmd->add_option("--context", opt->context,
                  "Tokens the conversation may fill (at most the model's max_position_embeddings)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  add_sampling_options(cmd, *opt);
  cmd->callback([opt] {
    set_threads(opt->threads);
    const Model model = load_model(opt->model_dir);
    const Tokenizer tokenizer = load_tokenizer(opt->model_dir);
    Generator generator(model, {1, opt->context, true, false, opt->seed});
    std::vector<ChatMessage> history;
    std::string line;
    uint64_t turn = 0;
    fmt::print(stderr, "r1 chat: {} (empty line or Ctrl-D to quit)\n", opt->model_dir);
    while (true) {
      fmt::print(stderr, "> ");
      if (!std::getline(std::cin, line) || line.empty()) break;
      history.push_back({"user", line});
      GenerationRequest q;
      q.id = turn++;
      q.prompt = tokenizer.encode(render_chat(tokenizer, history, true));
      q.sampling = {opt->temperature, opt->top_k, opt->top_p};
      q.max_new_tokens = opt->max_new_tokens;
      q.stop_ids = stop_ids_of(tokenizer);
      q.stop_when = stop_on_strings(tokenizer, opt->stop);
      IncrementalDecoder stream(tokenizer, true);
      const auto result = generator.generate({q}, [&](const GenerationResult&, int32_t id) {
        fmt::print("{}", stream.feed(id));
        std::fflush(stdout);
      });
      fmt::print("{}\n", stream.finish());
      history.push_back({"assistant", tokenizer.decode(result[0].tokens, true)});
    }
  });
}

}  // namespace r1::cli
