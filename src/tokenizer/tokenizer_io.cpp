#include "tokenizer/tokenizer_io.h"

#include <filesystem>

#include "core/check.h"
#include "core/file_io.h"

namespace r1 {
namespace {

using nlohmann::json;

json parse_json(std::string_view text, const std::string& source) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    fail("{}: not valid JSON: {}", source, e.what());
  }
}

bool bool_or(const json& j, const char* name, bool fallback, const std::string& field) {
  if (!j.contains(name) || j[name].is_null()) return fallback;
  R1_CHECK(j[name].is_boolean(), "{}.{}: expected true or false", field, name);
  return j[name].get<bool>();
}

std::vector<AddedToken> parse_added_tokens(const json& j, const std::string& field) {
  std::vector<AddedToken> tokens;
  if (j.is_null()) return tokens;
  R1_CHECK(j.is_array(), "{}: expected an array", field);
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string where = fmt::format("{}[{}]", field, i);
    const auto& t = j[i];
    R1_CHECK(t.is_object(), "{}: expected an object", where);
    R1_CHECK(t.contains("id") && t["id"].is_number_integer() && t["id"].get<int64_t>() >= 0 &&
                 t["id"].get<int64_t>() <= BpeModel::kMaxTokenId,
             "{}.id: expected an integer in 0..{}", where, BpeModel::kMaxTokenId);
    R1_CHECK(t.contains("content") && t["content"].is_string() &&
                 !t["content"].get<std::string>().empty(),
             "{}.content: expected a non-empty string", where);
    AddedToken token;
    token.id = t["id"].get<int32_t>();
    token.content = t["content"].get<std::string>();
    token.special = bool_or(t, "special", false, where);
    token.single_word = bool_or(t, "single_word", false, where);
    token.lstrip = bool_or(t, "lstrip", false, where);
    token.rstrip = bool_or(t, "rstrip", false, where);
    token.normalized = bool_or(t, "normalized", !token.special, where);
    tokens.push_back(std::move(token));
  }
  return tokens;
}

// TemplateProcessing's "single" template, as the ids placed before and after
// the sequence; other post-processors add nothing to a byte-level BPE.
void parse_post_processor(const json& j, const std::string& field, TokenizerParts& parts) {
  if (j.is_null()) return;
  R1_CHECK(j.is_object() && j.contains("type") && j["type"].is_string(),
           "{}: expected an object with a string \"type\"", field);
  const std::string type = j["type"];
  if (type == "ByteLevel") return;
  if (type == "Sequence") {
    R1_CHECK(j.contains("processors") && j["processors"].is_array(),
             "{}: Sequence needs an array \"processors\"", field);
    for (size_t i = 0; i < j["processors"].size(); ++i) {
      parse_post_processor(j["processors"][i], fmt::format("{}.processors[{}]", field, i), parts);
    }
    return;
  }
  R1_CHECK(type == "TemplateProcessing",
           "{}: unsupported post-processor type \"{}\" (supported: ByteLevel, TemplateProcessing, "
           "Sequence)",
           field, type);
  R1_CHECK(j.contains("single") && j["single"].is_array(), "{}.single: expected an array", field);
  R1_CHECK(j.contains("special_tokens") && j["special_tokens"].is_object(),
           "{}.special_tokens: expected an object", field);
  bool seen_sequence = false;
  for (size_t i = 0; i < j["single"].size(); ++i) {
    const std::string where = fmt::format("{}.single[{}]", field, i);
    const auto& item = j["single"][i];
    if (item.contains("Sequence")) {
      seen_sequence = true;
      continue;
    }
    R1_CHECK(item.contains("SpecialToken") && item["SpecialToken"].contains("id") &&
                 item["SpecialToken"]["id"].is_string(),
             "{}: expected {{\"SpecialToken\": {{\"id\": ...}}}} or {{\"Sequence\": ...}}", where);
    const std::string name = item["SpecialToken"]["id"];
    const auto& specials = j["special_tokens"];
    R1_CHECK(specials.contains(name) && specials[name].contains("ids") &&
                 specials[name]["ids"].is_array(),
             "{}.special_tokens[\"{}\"].ids: missing", field, name);
    for (const auto& id : specials[name]["ids"]) {
      R1_CHECK(id.is_number_integer() && id.get<int64_t>() >= 0 &&
                   id.get<int64_t>() <= BpeModel::kMaxTokenId,
               "{}.special_tokens[\"{}\"].ids: expected integers in 0..{}", field, name,
               BpeModel::kMaxTokenId);
      (seen_sequence ? parts.template_suffix : parts.template_prefix).push_back(id.get<int32_t>());
    }
  }
}

std::optional<std::string> token_setting(const json& j, const char* name,
                                         const std::string& source) {
  if (!j.contains(name) || j[name].is_null()) return std::nullopt;
  const auto& v = j[name];
  if (v.is_string()) return v.get<std::string>();
  R1_CHECK(v.is_object() && v.contains("content") && v["content"].is_string(),
           "{}: {}: expected a string or an object with \"content\"", source, name);
  return v["content"].get<std::string>();
}

}  // namespace

TokenizerParts parse_tokenizer_json(std::string_view json_text, const std::string& source) {
  const json j = parse_json(json_text, source);
  R1_CHECK(j.is_object(), "{}: expected a JSON object at the top level", source);
  R1_CHECK(j.contains("model"), "{}: field \"model\" is missing", source);
  TokenizerParts parts;
  const auto section = [&](const char* name) { return j.contains(name) ? j[name] : json(); };
  parts.normalizer_json = section("normalizer");
  parts.pre_tokenizer_json = section("pre_tokenizer");
  parts.post_processor_json = section("post_processor");
  parts.decoder_json = section("decoder");
  parts.normalizer = Normalizer::from_json(parts.normalizer_json, source + ": normalizer");
  parts.pre_tokenizer =
      PreTokenizer::from_json(parts.pre_tokenizer_json, source + ": pre_tokenizer");
  parts.model = BpeModel::from_json(j["model"], source + ": model");
  parts.added_tokens = parse_added_tokens(section("added_tokens"), source + ": added_tokens");
  parse_post_processor(parts.post_processor_json, source + ": post_processor", parts);
  const json& decoder = parts.decoder_json;
  if (!decoder.is_null()) {
    R1_CHECK(decoder.is_object() && decoder.value("type", "") == "ByteLevel",
             "{}: decoder: unsupported decoder {} (expected type \"ByteLevel\")", source,
             decoder.dump());
  }
  R1_CHECK(parts.pre_tokenizer.has_byte_level(),
           "{}: pre_tokenizer: byte-level BPE needs a ByteLevel pre-tokenizer", source);
  return parts;
}

TokenizerConfig parse_tokenizer_config(std::string_view json_text, const std::string& source) {
  const json j = parse_json(json_text, source);
  R1_CHECK(j.is_object(), "{}: expected a JSON object at the top level", source);
  TokenizerConfig config;
  config.eos_token = token_setting(j, "eos_token", source);
  config.bos_token = token_setting(j, "bos_token", source);
  config.pad_token = token_setting(j, "pad_token", source);
  if (j.contains("tokenizer_class") && j["tokenizer_class"].is_string()) {
    config.tokenizer_class = j["tokenizer_class"].get<std::string>();
  }
  config.add_bos_token = bool_or(j, "add_bos_token", false, source);
  config.add_eos_token = bool_or(j, "add_eos_token", false, source);
  if (j.contains("chat_template") && !j["chat_template"].is_null()) {
    const auto& t = j["chat_template"];
    if (t.is_string()) {
      config.chat_template = t.get<std::string>();
    } else {
      // The list form names several templates; the one named "default" is the
      // conversation template.
      R1_CHECK(t.is_array(), "{}: chat_template: expected a string or a list of {{name, template}}",
               source);
      for (const auto& entry : t) {
        if (entry.is_object() && entry.value("name", "") == "default" &&
            entry.contains("template") && entry["template"].is_string()) {
          config.chat_template = entry["template"].get<std::string>();
        }
      }
    }
  }
  return config;
}

Tokenizer load_tokenizer(const std::string& path) {
  namespace fs = std::filesystem;
  R1_CHECK(path_exists(path),
           "tokenizer: {} does not exist (expected a tokenizer.json or a model "
           "directory holding one)",
           path);
  const fs::path json_path =
      fs::is_directory(path) ? fs::path(path) / "tokenizer.json" : fs::path(path);
  R1_CHECK(path_exists(json_path.string()), "tokenizer: {} has no tokenizer.json", path);
  TokenizerParts parts = parse_tokenizer_json(read_file(json_path.string()), json_path.string());
  const fs::path config_path = json_path.parent_path() / "tokenizer_config.json";
  if (path_exists(config_path.string())) {
    parts.config = parse_tokenizer_config(read_file(config_path.string()), config_path.string());
  }
  return Tokenizer(std::move(parts));
}

std::string tokenizer_json(const Tokenizer& tokenizer) {
  const TokenizerParts& parts = tokenizer.parts();
  const BpeModel& model = *parts.model;
  std::vector<std::pair<int32_t, std::string>> by_id;
  for (int32_t id = 0; id < model.id_limit(); ++id) {
    if (!model.token_text(id).empty()) by_id.emplace_back(id, model.token_text(id));
  }
  json added = json::array();
  for (const auto& t : parts.added_tokens) {
    added.push_back({{"id", t.id},
                     {"content", t.content},
                     {"single_word", t.single_word},
                     {"lstrip", t.lstrip},
                     {"rstrip", t.rstrip},
                     {"normalized", t.normalized},
                     {"special", t.special}});
  }
  json merges = json::array();
  for (const auto& [left, right] : model.merges()) merges.push_back(json::array({left, right}));
  // nlohmann::json sorts object keys, so the vocabulary is written by hand to
  // keep it in id order.
  std::string vocab_text = "{";
  for (size_t i = 0; i < by_id.size(); ++i) {
    if (i > 0) vocab_text += ",";
    vocab_text += json(by_id[i].second).dump() + ":" + std::to_string(by_id[i].first);
  }
  vocab_text += "}";
  json model_json = {{"type", "BPE"},
                     {"dropout", nullptr},
                     {"unk_token", nullptr},
                     {"continuing_subword_prefix", nullptr},
                     {"end_of_word_suffix", nullptr},
                     {"fuse_unk", false},
                     {"byte_fallback", false},
                     {"ignore_merges", model.ignore_merges()},
                     {"vocab", "@VOCAB@"},
                     {"merges", merges}};
  json top = {{"version", "1.0"},
              {"truncation", nullptr},
              {"padding", nullptr},
              {"added_tokens", added},
              {"normalizer", parts.normalizer_json},
              {"pre_tokenizer", parts.pre_tokenizer_json},
              {"post_processor", parts.post_processor_json},
              {"decoder", parts.decoder_json},
              {"model", model_json}};
  std::string text = top.dump(1);
  const std::string placeholder = "\"@VOCAB@\"";
  text.replace(text.find(placeholder), placeholder.size(), vocab_text);
  return text + "\n";
}

std::string tokenizer_config_json(const Tokenizer& tokenizer) {
  const TokenizerConfig& c = tokenizer.config();
  const auto token_or_null = [](const std::optional<std::string>& t) {
    return t ? json(*t) : json(nullptr);
  };
  json added_decoder = json::object();
  for (const auto& t : tokenizer.parts().added_tokens) {
    added_decoder[std::to_string(t.id)] = {
        {"content", t.content}, {"single_word", t.single_word}, {"lstrip", t.lstrip},
        {"rstrip", t.rstrip},   {"normalized", t.normalized},   {"special", t.special}};
  }
  json j = {{"added_tokens_decoder", added_decoder},
            {"bos_token", token_or_null(c.bos_token)},
            {"eos_token", token_or_null(c.eos_token)},
            {"pad_token", token_or_null(c.pad_token)},
            {"unk_token", nullptr},
            {"clean_up_tokenization_spaces", false},
            {"model_max_length", 1 << 20},
            {"tokenizer_class", "PreTrainedTokenizerFast"}};
  if (!c.chat_template.empty()) j["chat_template"] = c.chat_template;
  return j.dump(2) + "\n";
}

void save_tokenizer(const Tokenizer& tokenizer, const std::string& directory) {
  make_dirs(directory);
  write_file_atomic(directory + "/tokenizer.json", tokenizer_json(tokenizer));
  write_file_atomic(directory + "/tokenizer_config.json", tokenizer_config_json(tokenizer));
}

}  // namespace r1
