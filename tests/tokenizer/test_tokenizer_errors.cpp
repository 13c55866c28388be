#include <gtest/gtest.h>

#include "core/check.h"
#include "tiny_tokenizer.h"
#include "tokenizer/tokenizer_io.h"

namespace r1 {
namespace {

// Loading `j` must fail with a message containing each of `expected`.
void expect_error(const std::string& text, std::initializer_list<std::string> expected) {
  try {
    Tokenizer t(parse_tokenizer_json(text, "tok.json"));
    FAIL() << "expected an error mentioning " << *expected.begin();
  } catch (const Error& e) {
    for (const auto& part : expected) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "message \"" << e.what() << "\" lacks \"" << part << "\"";
    }
  }
}

nlohmann::json valid() {
  return test::tiny_tokenizer_json({{"a", "b"}});
}

TEST(TokenizerErrors, BadJson) {
  expect_error("{\"model\": ", {"tok.json", "not valid JSON"});
}

TEST(TokenizerErrors, MissingModelOrMerges) {
  auto j = valid();
  j.erase("model");
  expect_error(j.dump(), {"tok.json", "\"model\" is missing"});
  j = valid();
  j["model"].erase("merges");
  expect_error(j.dump(), {"model.merges", "missing"});
}

TEST(TokenizerErrors, UnsupportedModelTypes) {
  for (const char* type : {"Unigram", "WordPiece", "WordLevel"}) {
    auto j = valid();
    j["model"]["type"] = type;
    expect_error(j.dump(), {"model.type", type});
  }
}

TEST(TokenizerErrors, RegexThatDoesNotCompile) {
  auto j = valid();
  j["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "(\\p{L}+";
  expect_error(j.dump(), {"pre_tokenizer.pretokenizers[0].pattern.Regex", "does not compile"});
}

TEST(TokenizerErrors, MergeOfUnknownToken) {
  auto j = valid();
  j["model"]["merges"].push_back("zz q");
  expect_error(j.dump(), {"model.merges[1]", "\"zz\""});
  j = valid();
  j["model"]["merges"].push_back("abc");
  expect_error(j.dump(), {"model.merges[1]", "one space"});
}

TEST(TokenizerErrors, MissingByteToken) {
  auto j = valid();
  j["model"]["vocab"].erase("Ġ");
  j["model"]["merges"] = nlohmann::json::array();
  expect_error(j.dump(), {"model.vocab", "0x20"});
}

TEST(TokenizerErrors, OtherBadFields) {
  auto j = valid();
  j["added_tokens"][0]["content"] = 5;
  expect_error(j.dump(), {"added_tokens[0].content"});
  j = valid();
  j["normalizer"] = {{"type", "Lowercase"}};
  expect_error(j.dump(), {"normalizer", "Lowercase"});
  j = valid();
  j["pre_tokenizer"] = {{"type", "Metaspace"}};
  expect_error(j.dump(), {"pre_tokenizer", "Metaspace"});
  j = valid();
  j["pre_tokenizer"] = j["pre_tokenizer"]["pretokenizers"][0];
  expect_error(j.dump(), {"ByteLevel"});
  j = valid();
  j["pre_tokenizer"]["pretokenizers"][0]["behavior"] = "Sideways";
  expect_error(j.dump(), {"pretokenizers[0].behavior", "Sideways"});
  j = valid();
  j["model"]["vocab"]["a"] = "one";
  expect_error(j.dump(), {"model.vocab[\"a\"]", "integer"});
}

TEST(TokenizerErrors, MissingFileAndBadConfig) {
  EXPECT_THROW(load_tokenizer("/nonexistent/tokenizer.json"), Error);
  try {
    parse_tokenizer_config("{\"eos_token\": 3}", "cfg.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cfg.json: eos_token"), std::string::npos) << e.what();
  }
  TokenizerParts parts = parse_tokenizer_json(valid().dump(), "tok.json");
  parts.config.eos_token = "<nope>";
  EXPECT_THROW(Tokenizer(std::move(parts)), Error);
}

}  // namespace
}  // namespace r1
