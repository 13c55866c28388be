// `r1 tokenizer train`: learns a byte-level BPE vocabulary from text files and
// writes tokenizer.json + tokenizer_config.json.
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/check.h"
#include "core/file_io.h"
#include "tokenizer/bpe_trainer.h"
#include "tokenizer/tokenizer_io.h"

namespace r1::cli {
namespace {

struct TrainOptions {
  int vocab_size = 1024;
  std::string out_dir;
  std::vector<std::string> files;
  std::string text_field = "text";
};

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A .jsonl file gives one text per line (its `field`); any other file is one
// text.
void read_texts(const std::string& path, const std::string& field,
                std::vector<std::string>& texts) {
  if (!ends_with(path, ".jsonl")) {
    texts.push_back(read_file(path));
    return;
  }
  std::ifstream in(path, std::ios::binary);
  R1_CHECK(in.good(), "{}: cannot open for reading", path);
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      fail("{}:{}: not valid JSON: {}", path, n, e.what());
    }
    R1_CHECK(j.is_object() && j.contains(field) && j[field].is_string(),
             "{}:{}: expected a string field \"{}\"", path, n, field);
    texts.push_back(j[field].get<std::string>());
  }
}

void run_train(const TrainOptions& o) {
  std::vector<std::string> texts;
  size_t bytes = 0;
  for (const auto& f : o.files) read_texts(f, o.text_field, texts);
  for (const auto& t : texts) bytes += t.size();
  const auto start = std::chrono::steady_clock::now();
  const Tokenizer tokenizer = train_bpe(texts, o.vocab_size, builtin_special_tokens());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  save_tokenizer(tokenizer, o.out_dir);
  fmt::print("trained {} tokens on {} texts ({:.2f} MB) in {:.2f} s -> {}/tokenizer.json\n",
             tokenizer.vocab_size(), texts.size(), bytes / 1e6, seconds, o.out_dir);
}

}  // namespace

void add_tokenizer(CLI::App& app) {
  auto* group = app.add_subcommand("tokenizer", "Tokenizer tools");
  group->require_subcommand(1);
  auto options = std::make_shared<TrainOptions>();
  auto* train = group->add_subcommand(
      "train", "Train a byte-level BPE tokenizer (with r1's special tokens) from text files");
  train->add_option("--vocab-size", options->vocab_size, "vocabulary size, special tokens included")
      ->capture_default_str();
  train
      ->add_option("--out", options->out_dir,
                   "directory for tokenizer.json and tokenizer_config.json")
      ->required();
  train->add_option("--text-field", options->text_field, "field holding the text in .jsonl files")
      ->capture_default_str();
  train->add_option("files", options->files, "text files, or .jsonl files")->required();
  train->callback([options] { run_train(*options); });
}

}  // namespace r1::cli
