#include <fmt/format.h>

#include <optional>

#include "cli/commands.h"
#include "cli/corpus_input.h"
#include "cli/model_source.h"
#include "core/check.h"
#include "core/file_io.h"
#include "core/threads.h"
#include "model/presets.h"
#include "tokenizer/tokenizer_io.h"
#include "train/pretrain.h"

namespace r1::cli {

namespace {

// Prints the model directory on stdout, so scripts can use it.
void run_builtin(bool quick, const std::string& out) {
  fmt::print("{}\n", builtin_model_dir(quick, out));
}

}  // namespace

void add_pretrain(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "pretrain",
      "Next-token pretraining on a text or JSONL corpus, or of the built-in base model");
  struct Options {
    std::string data, out, preset = "small", model_config, tokenizer, packing = "window";
    bool resume = false, builtin = false, quick = false;
    int threads = 0;
    PretrainConfig train;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("--data", opt->data, "Corpus: a .jsonl file (field \"text\") or plain text");
  cmd->add_option("--out", opt->out,
                  "Run directory (checkpoints, metrics.jsonl, model/); with --builtin the model "
                  "directory (default: a cache directory keyed by the build's configuration)");
  cmd->add_option("--tokenizer", opt->tokenizer,
                  "Encode --data with this tokenizer.json or model directory (default: bytes)");
  cmd->add_flag("--builtin", opt->builtin,
                "Build the built-in base model from the synthetic corpus (cached)");
  cmd->add_flag("--quick", opt->quick, "With --builtin: a much smaller model, for tests");
  cmd->add_option("--preset", opt->preset, "Model shape: tiny, small or reference")
      ->capture_default_str();
  cmd->add_option("--model-config", opt->model_config,
                  "A Hugging Face config.json to use instead of a preset");
  cmd->add_option("--steps", opt->train.steps, "Optimizer steps")->capture_default_str();
  cmd->add_option("--batch-size", opt->train.batch_size, "Sequences per step")
      ->capture_default_str();
  cmd->add_option("--seq-len", opt->train.seq_len, "Tokens per sequence")->capture_default_str();
  cmd->add_option("--lr", opt->train.schedule.lr, "Peak learning rate")->capture_default_str();
  cmd->add_option("--warmup", opt->train.schedule.warmup_steps, "Linear warm-up steps")
      ->capture_default_str();
  cmd->add_option("--schedule", opt->train.schedule.kind, "constant, cosine or linear")
      ->capture_default_str();
  cmd->add_option("--weight-decay", opt->train.adamw.weight_decay, "AdamW weight decay")
      ->capture_default_str();
  cmd->add_option("--max-grad-norm", opt->train.max_grad_norm, "Gradient clipping (0: off)")
      ->capture_default_str();
  cmd->add_option("--seed", opt->train.seed, "Random seed")->capture_default_str();
  cmd->add_option("--checkpoint-every", opt->train.checkpoint_every,
                  "Steps between checkpoints (0: only at the end)")
      ->capture_default_str();
  cmd->add_option("--packing", opt->packing,
                  "window: rows are random seq_len windows of the token stream; document: one "
                  "whole document per row (padded, at most seq_len), as prompts are seen at "
                  "inference")
      ->check(CLI::IsMember({"window", "document"}))
      ->capture_default_str();
  cmd->add_option("--threads", opt->threads, "Threads (0: all cores)")->capture_default_str();
  cmd->add_flag("--resume", opt->resume, "Continue from the run directory's latest checkpoint");
  cmd->callback([opt] {
    set_threads(opt->threads);
    if (opt->builtin) {
      R1_CHECK(opt->data.empty() && opt->tokenizer.empty(),
               "--builtin builds its own corpus and tokenizer; drop --data/--tokenizer");
      run_builtin(opt->quick, opt->out);
      return;
    }
    R1_CHECK(!opt->quick, "--quick applies only to --builtin");
    R1_CHECK(!opt->data.empty() && !opt->out.empty(),
             "pretrain needs --data and --out (or --builtin)");
    std::optional<Tokenizer> tokenizer;
    if (!opt->tokenizer.empty()) tokenizer = load_tokenizer(opt->tokenizer);
    const CorpusTokens corpus = tokenize_corpus(opt->data, tokenizer ? &*tokenizer : nullptr);
    ModelConfig config =
        opt->model_config.empty()
            ? model_preset(opt->preset, corpus.vocab_size)
            : ModelConfig::from_json(nlohmann::json::parse(read_file(opt->model_config)),
                                     opt->model_config);
    R1_CHECK(config.vocab_size >= corpus.vocab_size,
             "{}: vocab_size {} is smaller than the tokenizer's {}", opt->model_config,
             config.vocab_size, corpus.vocab_size);
    opt->train.schedule.total_steps = opt->train.steps;
    if (opt->packing == "document") opt->train.document_separator = corpus.separator;
    Model model(config);
    model.init_random(opt->train.seed);
    fmt::print(stderr, "model: {} parameters ({} layers, hidden {}); corpus: {} tokens\n",
               model.num_params(), config.num_layers, config.hidden_size, corpus.tokens.size());
    pretrain(model, corpus.tokens, opt->train, opt->out, opt->resume);
    save_model(model, opt->out + "/model");
    if (tokenizer) save_tokenizer(*tokenizer, opt->out + "/model");
    fmt::print(stderr, "wrote {}/model\n", opt->out);
  });
}

}  // namespace r1::cli
