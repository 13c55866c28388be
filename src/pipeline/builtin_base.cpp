#include "pipeline/builtin_base.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "core/check.h"
#include "core/file_io.h"
#include "model/model.h"
#include "model/presets.h"
#include "tasks/split.h"
#include "tokenizer/bpe_trainer.h"
#include "tokenizer/tokenizer_io.h"

namespace r1 {

namespace {

constexpr const char* kIdentityFile = "builtin.json";

nlohmann::json train_json(const PretrainConfig& t) {
  return {{"batch_size", t.batch_size},
          {"seq_len", t.seq_len},
          {"steps", t.steps},
          {"lr", t.schedule.lr},
          {"warmup_steps", t.schedule.warmup_steps},
          {"schedule", t.schedule.kind},
          {"min_lr_ratio", t.schedule.min_lr_ratio},
          {"adamw",
           {{"beta1", t.adamw.beta1},
            {"beta2", t.adamw.beta2},
            {"eps", t.adamw.eps},
            {"weight_decay", t.adamw.weight_decay}}},
          {"max_grad_norm", t.max_grad_norm},
          {"seed", t.seed}};
}

// Documents 0..n-1 of the corpus, each as its full text.
std::vector<std::string> corpus_texts(const BuiltinBaseConfig& config) {
  const Corpus corpus(config.mix);
  std::vector<std::string> texts;
  texts.reserve(size_t(config.documents));
  for (int64_t i = 0; i < config.documents; ++i)
    texts.push_back(corpus.document(config.corpus_seed, uint64_t(i)).text());
  return texts;
}

// Each document followed by end-of-text, so the model learns to stop.
std::vector<int32_t> encode_documents(const Tokenizer& tokenizer,
                                      const std::vector<std::string>& texts) {
  const std::optional<int32_t> eos = tokenizer.eos_id();
  R1_CHECK(eos.has_value(), "the built-in tokenizer has no end-of-text token");
  std::vector<int32_t> tokens;
  for (const std::string& text : texts) {
    const std::vector<int32_t> ids = tokenizer.encode(text);
    tokens.insert(tokens.end(), ids.begin(), ids.end());
    tokens.push_back(*eos);
  }
  return tokens;
}

void build_into(const BuiltinBaseConfig& config, const nlohmann::json& identity,
                const std::string& dir) {
  const std::vector<std::string> texts = corpus_texts(config);
  const size_t bpe_count = size_t(std::min(config.bpe_documents, config.documents));
  const std::vector<std::string> bpe_texts(texts.begin(), texts.begin() + long(bpe_count));
  const Tokenizer tokenizer = train_bpe(bpe_texts, config.vocab_size, builtin_special_tokens());
  const std::vector<int32_t> tokens = encode_documents(tokenizer, texts);

  const ModelConfig model_config = model_preset(config.preset, tokenizer.vocab_size());
  Model model(model_config);
  model.init_random(config.train.seed);
  PretrainConfig train = config.train;
  train.schedule.total_steps = train.steps;
  if (config.document_rows) train.document_separator = *tokenizer.eos_id();
  fmt::print(stderr,
             "builtin: {} documents, vocabulary {}, {} tokens ({:.1f} per document); model {} "
             "parameters ({} layers, hidden {})\n",
             texts.size(), tokenizer.vocab_size(), tokens.size(),
             double(tokens.size()) / double(texts.size()), model.num_params(),
             model_config.num_layers, model_config.hidden_size);
  pretrain(model, tokens, train, dir + "/train", /*resume=*/false);
  save_model(model, dir);
  save_tokenizer(tokenizer, dir);
  write_file_atomic(dir + "/" + kIdentityFile, identity.dump(2) + "\n");
}

}  // namespace

BuiltinBaseConfig builtin_base_config(bool quick) {
  BuiltinBaseConfig c;
  c.train.schedule.kind = "cosine";
  c.train.checkpoint_every = 0;
  c.train.seed = 1;
  if (quick) {
    c.documents = 600;
    c.bpe_documents = 300;
    c.vocab_size = 400;
    c.preset = "tiny";
    c.train.steps = 30;
    c.train.batch_size = 4;
    c.train.seq_len = 128;
    c.train.schedule.lr = 3e-3;
    c.train.schedule.warmup_steps = 5;
  } else {
    // Chained sums of four distinct digits (docs/corpus.md, "The built-in base
    // model"): a task this model learns in the 5-minute budget both ways — a
    // one-line guess (often wrong) and a running sum in words ("7 plus 4 is
    // 11." / "7 加 4 得 11。", right about 4 times in 5): the gap R1-Zero
    // closes. Prompts in English and Chinese, some chains of thought
    // mixing the two, and a few general queries, for the four-stage recipe.
    // Whole documents per row, so lookups by position in the prompt are
    // learned as they are used at inference.
    c.mix.short_share = 0.55;
    c.mix.long_share = 0.28;
    c.mix.self_check_share = 0.12;
    c.mix.trivial_share = 0.05;
    c.mix.zh_prompt_share = 0.3;
    c.mix.mixed_cot_share = 0.2;
    c.mix.arithmetic_share = 0.0;
    c.mix.sum_share = 1.0;
    c.mix.countdown_share = 0.0;
    c.mix.linear_share = 0.0;
    c.mix.word_share = 0.0;
    c.mix.task_options["sum"] = {{"min_terms", 4}, {"max_terms", 4}, {"worded", 1}};
    c.documents = 24000;
    c.bpe_documents = 4000;
    c.vocab_size = 300;
    c.preset = "small";
    c.document_rows = true;
    c.train.steps = 700;
    c.train.batch_size = 32;
    c.train.seq_len = 256;
    c.train.schedule.lr = 2e-3;
    c.train.schedule.warmup_steps = 30;
  }
  return c;
}

BuiltinBaseConfig builtin_student_config(bool quick) {
  BuiltinBaseConfig c = builtin_base_config(quick);
  c.preset = quick ? "micro" : "tiny";
  return c;
}

nlohmann::json builtin_base_identity(const BuiltinBaseConfig& config, const std::string& version) {
  return {{"r1_version", version},
          {"corpus_mix", to_json(config.mix)},
          {"corpus_seed", config.corpus_seed},
          {"documents", config.documents},
          {"bpe_documents", config.bpe_documents},
          {"vocab_size", config.vocab_size},
          {"document_rows", config.document_rows},
          {"special_tokens", builtin_special_tokens()},
          {"model", model_preset(config.preset, config.vocab_size).to_json()},
          {"train", train_json(config.train)}};
}

std::string builtin_base_key(const BuiltinBaseConfig& config, const std::string& version) {
  return fmt::format("{:016x}", fnv1a64(builtin_base_identity(config, version).dump()));
}

std::string default_cache_root() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0')
    return std::string(xdg) + "/r1";
  const char* home = std::getenv("HOME");
  R1_CHECK(home != nullptr && *home != '\0',
           "cannot place the model cache: neither XDG_CACHE_HOME nor HOME is set (use --out)");
  return std::string(home) + "/.cache/r1";
}

BuiltinBaseResult build_builtin_base(const BuiltinBaseConfig& config, const std::string& version,
                                     const std::string& dir) {
  namespace fs = std::filesystem;
  const nlohmann::json identity = builtin_base_identity(config, version);
  const std::string identity_path = dir + "/" + kIdentityFile;
  if (path_exists(identity_path)) {
    const nlohmann::json found = nlohmann::json::parse(read_file(identity_path), nullptr, false);
    R1_CHECK(found == identity,
             "{} holds a built-in model of another configuration; remove it or choose another "
             "--out",
             dir);
    return {dir, true};
  }
  R1_CHECK(!path_exists(dir), "{} exists but is not a complete built-in model; remove it", dir);
  const fs::path final_path(dir);
  if (final_path.has_parent_path()) make_dirs(final_path.parent_path().string());
  const std::string temp = fmt::format("{}.tmp-{}", dir, ::getpid());
  std::error_code ignored;
  fs::remove_all(temp, ignored);
  make_dirs(temp);
  build_into(config, identity, temp);
  std::error_code renamed;
  fs::rename(temp, final_path, renamed);
  if (renamed) {
    // Another process finished the same build first: keep its copy.
    fs::remove_all(temp, ignored);
    R1_CHECK(path_exists(identity_path), "cannot rename {} to {}: {}", temp, dir,
             renamed.message());
    return {dir, true};
  }
  return {dir, false};
}

}  // namespace r1
