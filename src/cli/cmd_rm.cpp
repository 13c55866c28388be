// `r1 rm`: reward models for R1's last RL stage. `rm data` prints built-in
// preference pairs, `rm train` trains a Bradley–Terry reward model on
// preference pairs, `rm score` prints what a reward model thinks of
// (prompt, response) lines.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "cli/model_source.h"
#include "core/check.h"
#include "core/file_io.h"
#include "core/jsonl.h"
#include "core/threads.h"
#include "model/scalar_head.h"
#include "rewards/reward_model.h"
#include "tasks/preference_data.h"
#include "tasks/template.h"
#include "tokenizer/tokenizer_io.h"
#include "train/rm.h"

namespace r1::cli {

namespace {

constexpr const char* kTokenizerFiles[] = {"tokenizer.json", "tokenizer_config.json",
                                           "special_tokens_map.json", "generation_config.json"};

void add_rm_train(CLI::App& rm) {
  auto* cmd = rm.add_subcommand(
      "train", "Train a Bradley–Terry reward model on {\"prompt\",\"chosen\",\"rejected\"} JSONL");
  struct Options {
    std::string model, data, eval_data, out;
    double eval_share = 0;
    int threads = 0;
    int64_t max_length = 0;
    RmConfig train;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("--model", opt->model,
                  "Base causal LM directory whose trunk the reward model starts from, or builtin "
                  "/ builtin-quick")
      ->required();
  cmd->add_option("--data", opt->data,
                  "Preference JSONL: {\"prompt\", \"chosen\", \"rejected\"} strings (prompt "
                  "optional) or lists of messages")
      ->required();
  cmd->add_option("--out", opt->out,
                  "Output directory: OUT/model (the reward model with its tokenizer) and "
                  "OUT/metrics.jsonl")
      ->required();
  cmd->add_option("--eval-data", opt->eval_data,
                  "Held-out preference JSONL: loss and pair accuracy before training and after "
                  "each epoch");
  cmd->add_option("--eval-share", opt->eval_share,
                  "Instead of --eval-data: hold out this share of the prompts of --data")
      ->check(CLI::Range(0.0, 1.0))
      ->excludes("--eval-data")
      ->capture_default_str();
  cmd->add_option("--epochs", opt->train.epochs, "Passes over the data")->capture_default_str();
  cmd->add_option("--batch-size", opt->train.batch_size, "Pairs per optimizer step")
      ->capture_default_str();
  cmd->add_option("--lr", opt->train.schedule.lr, "Peak learning rate")->capture_default_str();
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
                  "Tokens per scored sequence; longer ones keep their last max-length tokens "
                  "(default: 1024 or the model's context, if smaller)");
  cmd->add_option("--seed", opt->train.seed, "Random seed (data order)")->capture_default_str();
  cmd->add_option("--threads", opt->threads, "Threads (0: all cores)")->capture_default_str();
  cmd->callback([opt] {
    set_threads(opt->threads);
    const std::string model_dir = resolve_model(opt->model);
    namespace fs = std::filesystem;
    R1_CHECK(!fs::exists(opt->out) || !fs::equivalent(opt->out, model_dir),
             "--out {} is the model directory itself; write the reward model elsewhere", opt->out);
    const LoadedModel base = load_model_and_tokenizer(model_dir);
    R1_CHECK(base.model.config().num_labels == 0,
             "--model {}: expected a causal language model (it is a sequence classifier)",
             model_dir);
    const int64_t context = base.model.config().max_position_embeddings;
    opt->train.max_length =
        opt->max_length > 0 ? opt->max_length : std::min<int64_t>(1024, context);
    R1_CHECK(opt->train.max_length <= context,
             "--max-length {} exceeds the model's max_position_embeddings {}",
             opt->train.max_length, context);
    RmData train = load_rm_data(opt->data, base.tokenizer, opt->train.max_length);
    std::vector<RmPair> eval;
    int64_t truncated = train.truncated;
    if (!opt->eval_data.empty()) {
      RmData held_out = load_rm_data(opt->eval_data, base.tokenizer, opt->train.max_length);
      truncated += held_out.truncated;
      eval = std::move(held_out.pairs);
    } else if (opt->eval_share > 0) {
      split_rm_pairs(train.pairs, eval, opt->eval_share);
      R1_CHECK(!train.pairs.empty(), "--eval-share {} holds out every prompt of {}",
               opt->eval_share, opt->data);
    }
    if (truncated > 0)
      fmt::print(stderr, "warning: {} sequences are longer than {} tokens and kept their end\n",
                 truncated, opt->train.max_length);
    Model rm = scalar_model_from(base.model);
    fmt::print(stderr, "model: {} ({} parameters with the score head)\n", model_dir,
               rm.num_params());
    const auto t0 = std::chrono::steady_clock::now();
    const RmResult result = rm_train(rm, train.pairs, eval, opt->train, opt->out);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (const char* name : kTokenizerFiles) {
      const std::string from = model_dir + "/" + name;
      if (path_exists(from)) write_file_atomic(opt->out + "/model/" + name, read_file(from));
    }
    fmt::print(stderr, "wrote {}/model in {:.1f} s (loss {:.4f}{})\n", opt->out, seconds,
               result.final_loss,
               result.evaluated ? fmt::format(", held-out loss {:.4f}, accuracy {:.3f}",
                                              result.eval.loss, result.eval.accuracy)
                                : "");
  });
}

void add_rm_score(CLI::App& rm) {
  auto* cmd = rm.add_subcommand(
      "score", "Print a reward model's score of each {\"prompt\", \"response\"} JSONL line");
  struct Options {
    std::string rm_dir, input;
    int threads = 0;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("RM_DIR", opt->rm_dir,
                  "Reward model directory (or the --out directory of `r1 rm train`)")
      ->required();
  cmd->add_option("INPUT", opt->input,
                  "JSONL with \"prompt\" and \"response\" strings per line; - for stdin")
      ->required();
  cmd->add_option("--threads", opt->threads, "Threads (0: all cores)")->capture_default_str();
  cmd->callback([opt] {
    set_threads(opt->threads);
    const RewardModel model(opt->rm_dir);
    std::vector<std::pair<std::string, std::string>> inputs;
    for_each_jsonl(opt->input, [&](const nlohmann::json& j, int64_t) {
      R1_CHECK(j.is_object(), "expected a JSON object with \"prompt\" and \"response\"");
      for (const char* key : {"prompt", "response"}) {
        R1_CHECK(j.contains(key), "field \"{}\": missing", key);
        R1_CHECK(j[key].is_string(), "field \"{}\": expected a string", key);
      }
      inputs.emplace_back(j["prompt"].get<std::string>(), j["response"].get<std::string>());
    });
    for (float score : model.score(inputs))
      fmt::print("{}\n", nlohmann::json{{"score", score}}.dump());
  });
}

void add_rm_data(CLI::App& rm) {
  auto* cmd = rm.add_subcommand(
      "data",
      "Print built-in preference pairs for the embedded default's general queries as JSONL");
  struct Options {
    std::string kind, split = "train", template_name = "r1_zero_short";
    uint64_t n = 2000, seed = 1;
    double test_fraction = 0.25;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("--kind", opt->kind,
                  "helpful (responses are summaries) or harmless (whole responses)")
      ->required()
      ->check(CLI::IsMember({"helpful", "harmless"}));
  cmd->add_option("--n", opt->n, "Pairs to print")->capture_default_str();
  cmd->add_option("--seed", opt->seed, "Random seed")->capture_default_str();
  cmd->add_option("--split", opt->split, "train or test: the queries of that split")
      ->capture_default_str();
  cmd->add_option("--test-fraction", opt->test_fraction,
                  "Share of the queries held out (at least the trivial task's 0.1 keeps its "
                  "test queries out of training)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--template", opt->template_name,
                  "Prompt template the prompts are rendered with (as RL renders them)")
      ->capture_default_str();
  cmd->callback([opt] {
    const PreferenceKind kind = parse_preference_kind(opt->kind, "--kind");
    const Split split = parse_split(opt->split, "--split");
    const PromptTemplate& prompt_template = r1::prompt_template(opt->template_name);
    for (uint64_t i = 0; i < opt->n; ++i) {
      const PreferencePair p =
          preference_pair(kind, opt->seed, i, split, opt->test_fraction, prompt_template);
      fmt::print("{}\n", nlohmann::ordered_json{{"prompt", p.prompt},
                                                {"chosen", p.chosen},
                                                {"rejected", p.rejected},
                                                {"rejection", p.rejection}}
                             .dump());
    }
  });
}

}  // namespace

void add_rm(CLI::App& app) {
  auto* rm = app.add_subcommand("rm", "Reward models: built-in preference data, training, scoring");
  rm->require_subcommand(1);
  add_rm_data(*rm);
  add_rm_train(*rm);
  add_rm_score(*rm);
}

}  // namespace r1::cli
