#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "core/check.h"
#include "core/jsonl.h"
#include "core/threads.h"
#include "model/model.h"
#include "model/transformer.h"
#include "tokenizer/tokenizer_io.h"

namespace r1::cli {

void add_score(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "score", "Print the log-probability of every token given the ones before it (fp32)");
  struct Options {
    std::string model_dir, input;
    int threads = 0;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("MODEL_DIR", opt->model_dir, "Model directory (config.json, model.safetensors)")
      ->required();
  cmd->add_option("INPUT", opt->input,
                  "JSONL with \"ids\" (token ids) or \"text\" (encoded with the model's "
                  "tokenizer) per line; - for stdin")
      ->required();
  cmd->add_option("--threads", opt->threads, "Threads (0: all cores)")->capture_default_str();
  cmd->callback([opt] {
    set_threads(opt->threads);
    const Model model = load_model(opt->model_dir);
    const int64_t V = model.config().vocab_size;
    std::unique_ptr<TrainingGraph> graph;
    std::unique_ptr<Tokenizer> tokenizer;
    for_each_jsonl(opt->input, [&](const nlohmann::json& j, int64_t) {
      R1_CHECK(j.contains("ids") || (j.contains("text") && j["text"].is_string()),
               "expected a field \"ids\" (a list of token ids) or \"text\" (a string)");
      std::vector<int32_t> ids;
      if (!j.contains("ids")) {
        if (!tokenizer) tokenizer = std::make_unique<Tokenizer>(load_tokenizer(opt->model_dir));
        ids = tokenizer->encode(j["text"].get<std::string>());
      }
      R1_CHECK(!j.contains("ids") || j["ids"].is_array(),
               "field \"ids\" must be a list of token ids");
      for (const auto& v : j.value("ids", nlohmann::json::array())) {
        R1_CHECK(v.is_number_integer() && v.get<int64_t>() >= 0 && v.get<int64_t>() < V,
                 "field \"ids\": {} is not a token id in [0, {})", v.dump(), V);
        ids.push_back(v.get<int32_t>());
      }
      R1_CHECK(!ids.empty(), "field \"ids\" is empty");
      R1_CHECK(int64_t(ids.size()) <= model.config().max_position_embeddings,
               "field \"ids\": {} tokens exceed max_position_embeddings {}", ids.size(),
               model.config().max_position_embeddings);
      nlohmann::json out = {{"logprobs", nlohmann::json::array()}};
      const int64_t T = int64_t(ids.size()) - 1;
      if (T > 0) {
        if (!graph || graph->max_seq() < T)
          graph = std::make_unique<TrainingGraph>(model.config(), 1, T, GraphUse::kInference);
        graph->forward(model, ids.data(), ids.data() + 1, 1, T);
        for (int64_t t = 0; t < T; ++t) out["logprobs"].push_back(graph->logprobs()[t]);
      }
      fmt::print("{}\n", out.dump());
    });
  });
}

}  // namespace r1::cli
