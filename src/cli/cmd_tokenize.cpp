// `r1 tokenize TOKENIZER INPUT.jsonl`: shows how a tokenizer cuts text, one
// JSON line out per line in; `--decode` goes from ids back to text.
#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/check.h"
#include "tokenizer/tokenizer_io.h"

namespace r1::cli {
namespace {

struct TokenizeOptions {
  std::string tokenizer_path;
  std::string input_path;
  bool pieces = false;
  bool decode = false;
  bool add_special_tokens = false;
  bool skip_special_tokens = false;
};

nlohmann::json tokenize_line(const Tokenizer& tokenizer, const nlohmann::json& line,
                             const TokenizeOptions& o, const std::string& where) {
  nlohmann::json out;
  if (o.decode) {
    R1_CHECK(line.contains("ids") && line["ids"].is_array(),
             "{}: expected a field \"ids\" holding an array of token ids", where);
    std::vector<int32_t> ids;
    for (const auto& id : line["ids"]) {
      R1_CHECK(id.is_number_integer() && tokenizer.is_valid_id(id.get<int64_t>()),
               "{}: ids: {} is not a token id of this tokenizer (0..{})", where, id.dump(),
               tokenizer.vocab_size() - 1);
      ids.push_back(id.get<int32_t>());
    }
    out["text"] = tokenizer.decode(ids, o.skip_special_tokens);
    return out;
  }
  R1_CHECK(line.contains("text") && line["text"].is_string(),
           "{}: expected a string field \"text\"", where);
  const auto ids = tokenizer.encode(line["text"].get<std::string>(), o.add_special_tokens);
  out["ids"] = ids;
  if (o.pieces) {
    nlohmann::json pieces = nlohmann::json::array();
    for (const int32_t id : ids) pieces.push_back(tokenizer.token_text(id));
    out["pieces"] = pieces;
  }
  return out;
}

void run_tokenize(const TokenizeOptions& o) {
  const Tokenizer tokenizer = load_tokenizer(o.tokenizer_path);
  std::ifstream in(o.input_path, std::ios::binary);
  R1_CHECK(in.good(), "{}: cannot open for reading", o.input_path);
  std::string text;
  for (size_t line_number = 1; std::getline(in, text); ++line_number) {
    if (text.empty()) continue;
    const std::string where = fmt::format("{}:{}", o.input_path, line_number);
    nlohmann::json line;
    try {
      line = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      fail("{}: not valid JSON: {}", where, e.what());
    }
    R1_CHECK(line.is_object(), "{}: expected a JSON object", where);
    fmt::print("{}\n", tokenize_line(tokenizer, line, o, where)
                           .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

}  // namespace

void add_tokenize(CLI::App& app) {
  auto options = std::make_shared<TokenizeOptions>();
  auto* cmd = app.add_subcommand(
      "tokenize",
      "Print the token ids of each JSONL line's \"text\" (or, with --decode, the text of its "
      "\"ids\")");
  cmd->add_option("tokenizer", options->tokenizer_path, "tokenizer.json or a model directory")
      ->required();
  cmd->add_option("input", options->input_path, "JSONL file")->required();
  cmd->add_flag("--pieces", options->pieces, "also print each token as the vocabulary spells it");
  cmd->add_flag("--decode", options->decode, "decode each line's \"ids\" into \"text\"");
  cmd->add_flag("--add-special-tokens", options->add_special_tokens,
                "add the post-processor's BOS/EOS tokens");
  cmd->add_flag("--skip-special-tokens", options->skip_special_tokens,
                "with --decode, leave special tokens out of the text");
  cmd->callback([options] { run_tokenize(*options); });
}

}  // namespace r1::cli
