#include <fmt/format.h>

#include <filesystem>

#include "cli/commands.h"
#include "cli/model_source.h"
#include "core/check.h"
#include "core/file_io.h"
#include "core/threads.h"
#include "tokenizer/tokenizer_io.h"
#include "train/sft.h"

namespace r1::cli {

namespace {

// The tokenizer files of a model directory, copied as they are so the output
// directory is a model directory too.
constexpr const char* kTokenizerFiles[] = {"tokenizer.json", "tokenizer_config.json",
                                           "special_tokens_map.json", "generation_config.json"};

}  // namespace

void add_sft(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "sft", "Supervised fine-tuning on prompt/completion or chat JSONL (loss on completions)");
  struct Options {
    std::string model, data, eval_data, out;
    bool resume = false;
    int threads = 0;
    int64_t max_length = 0;
    SftConfig train;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("--model", opt->model,
                  "Model directory (config.json, safetensors, tokenizer), or builtin / "
                  "builtin-quick for the built-in base model")
      ->required();
  cmd->add_option("--data", opt->data,
                  "Training JSONL: {\"prompt\",\"completion\"} strings, {\"messages\": [...]}, or "
                  "{\"prompt\": [...], \"completion\": [...]} messages")
      ->required();
  cmd->add_option("--out", opt->out,
                  "Output model directory (also holds checkpoints and metrics.jsonl)")
      ->required();
  cmd->add_option("--eval-data", opt->eval_data, "Held-out JSONL: loss reported after each epoch");
  cmd->add_option("--epochs", opt->train.epochs, "Passes over the data (num_train_epochs)")
      ->capture_default_str();
  cmd->add_option("--batch-size", opt->train.batch_size, "Rows per optimizer step")
      ->capture_default_str();
  cmd->add_option("--lr", opt->train.schedule.lr, "Peak learning rate (learning_rate)")
      ->capture_default_str();
  cmd->add_option("--warmup", opt->train.schedule.warmup_steps, "Linear warm-up steps")
      ->capture_default_str();
  cmd->add_option("--lr-scheduler", opt->train.schedule.kind,
                  "constant, linear or cosine (to 0 at the last step)")
      ->check(CLI::IsMember({"constant", "linear", "cosine"}))
      ->capture_default_str();
  cmd->add_option("--weight-decay", opt->train.adamw.weight_decay, "AdamW weight decay")
      ->capture_default_str();
  cmd->add_option("--max-grad-norm", opt->train.max_grad_norm, "Gradient clipping (0: off)")
      ->capture_default_str();
  cmd->add_option("--max-length", opt->max_length,
                  "Tokens per example; longer examples keep their first max-length tokens and "
                  "are counted (default: 1024 or the model's context, if smaller)");
  cmd->add_flag("--packing", opt->train.packing,
                "Pack whole examples into rows of max-length positions; each attends only to "
                "itself");
  cmd->add_option("--seed", opt->train.seed, "Random seed (data order)")->capture_default_str();
  cmd->add_option("--save-every", opt->train.save_every,
                  "Steps between checkpoints, besides one after every epoch (0: epochs only)")
      ->capture_default_str();
  cmd->add_option("--threads", opt->threads, "Threads (0: all cores)")->capture_default_str();
  cmd->add_flag("--resume", opt->resume, "Continue from the output directory's latest checkpoint");
  cmd->callback([opt] {
    set_threads(opt->threads);
    const std::string model_dir = resolve_model(opt->model);
    namespace fs = std::filesystem;
    R1_CHECK(!fs::exists(opt->out) || !fs::equivalent(opt->out, model_dir),
             "--out {} is the model directory itself; write the fine-tuned model elsewhere",
             opt->out);
    Model model = load_model(model_dir);
    const Tokenizer tokenizer = load_tokenizer(model_dir);
    opt->train.max_length = opt->max_length > 0
                                ? opt->max_length
                                : std::min<int64_t>(1024, model.config().max_position_embeddings);
    const SftData train = load_sft_data(opt->data, tokenizer, opt->train.max_length);
    if (train.truncated > 0)
      fmt::print(stderr, "warning: {}: {} of {} examples are longer than {} tokens and were cut\n",
                 opt->data, train.truncated, train.examples.size(), opt->train.max_length);
    std::vector<SftExample> eval;
    if (!opt->eval_data.empty()) {
      SftData held_out = load_sft_data(opt->eval_data, tokenizer, opt->train.max_length);
      if (held_out.truncated > 0)
        fmt::print(
            stderr, "warning: {}: {} of {} examples are longer than {} tokens and were cut\n",
            opt->eval_data, held_out.truncated, held_out.examples.size(), opt->train.max_length);
      eval = std::move(held_out.examples);
    }
    fmt::print(stderr, "model: {} ({} parameters)\n", model_dir, model.num_params());
    const SftResult result = sft(model, train, eval, opt->train, opt->out, opt->resume);
    for (const char* name : kTokenizerFiles) {
      const std::string from = model_dir + "/" + name;
      if (path_exists(from)) write_file_atomic(opt->out + "/" + name, read_file(from));
    }
    fmt::print(stderr, "wrote {} (loss {:.4f}{})\n", opt->out, result.final_loss,
               result.eval_loss >= 0 ? fmt::format(", eval loss {:.4f}", result.eval_loss) : "");
  });
}

}  // namespace r1::cli
