#include "tasks/dataset.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/file_io.h"
#include "core/rng.h"

namespace r1 {
namespace {

const std::vector<std::string> kPromptFields = {"question", "problem", "prompt"};
const std::vector<std::string> kAnswerFields = {"answer", "solution"};

// "…/gsm8k/test.jsonl" → "gsm8k/test".
std::string dataset_name(const std::string& path) {
  std::string name = path;
  if (const size_t slash = name.rfind('/'); slash != std::string::npos) {
    const size_t parent = slash == 0 ? std::string::npos : name.rfind('/', slash - 1);
    name = name.substr(parent == std::string::npos ? 0 : parent + 1);
  }
  if (const size_t dot = name.find('.', name.rfind('/') + 1); dot != std::string::npos) {
    name.resize(dot);
  }
  return name;
}

bool has_cjk(const std::string& text) {
  // Lead bytes 0xE3..0xE9 start U+3000..U+9FFF: CJK punctuation, kana, ideographs.
  for (unsigned char c : text) {
    if (c >= 0xE3 && c <= 0xE9) return true;
  }
  return false;
}

std::string detect_field(const nlohmann::json& line, const std::vector<std::string>& candidates,
                         const std::string& where, const char* what) {
  for (const std::string& field : candidates) {
    if (line.contains(field)) return field;
  }
  fail("{}: no {} field (looked for {}); name it explicitly", where, what,
       fmt::format("'{}'", fmt::join(candidates, "', '")));
}

// Thrown for one malformed line; caught to skip when the user asked for it.
struct MalformedLine : Error {
  using Error::Error;
};

std::string text_field(const nlohmann::json& line, const std::string& field,
                       const std::string& where, bool allow_number) {
  const auto it = line.find(field);
  if (it == line.end()) throw MalformedLine(fmt::format("{}: missing field '{}'", where, field));
  if (it->is_string()) return it->get<std::string>();
  if (allow_number && it->is_number()) return it->dump();
  throw MalformedLine(fmt::format("{}: field '{}' must be {}, got {}", where, field,
                                  allow_number ? "a string or a number" : "a string",
                                  it->dump().substr(0, 80)));
}

Problem parse_line(const std::string& text, const std::string& where, const Dataset& dataset,
                   const DatasetOptions& options, const std::string& id) {
  nlohmann::json line;
  try {
    line = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw MalformedLine(fmt::format("{}: invalid JSON: {}", where, e.what()));
  }
  if (!line.is_object()) {
    throw MalformedLine(fmt::format("{}: expected a JSON object, got {}", where, line.type_name()));
  }
  Problem problem;
  problem.id = id;
  problem.prompt = text_field(line, dataset.prompt_field, where, false);
  problem.reward = options.reward;
  problem.reference = line;
  problem.reference.erase(dataset.prompt_field);
  problem.reference["answer"] = text_field(line, dataset.answer_field, where, true);
  if (!options.lang.empty()) {
    problem.lang = options.lang;
  } else if (line.contains("lang") && (line["lang"] == "en" || line["lang"] == "zh")) {
    problem.lang = line["lang"];
  } else {
    problem.lang = has_cjk(problem.prompt) ? "zh" : "en";
  }
  return problem;
}

}  // namespace

Dataset load_jsonl_dataset(const std::string& path, const DatasetOptions& options) {
  R1_CHECK(options.lang.empty() || options.lang == "en" || options.lang == "zh",
           "dataset {}: lang must be 'en', 'zh' or empty (per line), got '{}'", path, options.lang);
  const std::string bytes = read_file(path);
  R1_CHECK(bytes.size() < 2 || !(uint8_t(bytes[0]) == 0x1f && uint8_t(bytes[1]) == 0x8b),
           "dataset {}: the file is gzip-compressed; decompress it first (gunzip -k)", path);
  const std::string name = dataset_name(path);
  Dataset dataset;
  dataset.prompt_field = options.prompt_field;
  dataset.answer_field = options.answer_field;
  size_t line_number = 0;
  for (size_t start = 0; start < bytes.size();) {
    size_t end = bytes.find('\n', start);
    if (end == std::string::npos) end = bytes.size();
    std::string text = bytes.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    const std::string where = fmt::format("{}:{}", path, line_number);
    try {
      if (dataset.prompt_field.empty() || dataset.answer_field.empty()) {
        // Detection reads the first line that is valid JSON; a malformed first
        // line is reported (or skipped) like any other.
        nlohmann::json first;
        try {
          first = nlohmann::json::parse(text);
        } catch (const nlohmann::json::parse_error& e) {
          throw MalformedLine(fmt::format("{}: invalid JSON: {}", where, e.what()));
        }
        if (!first.is_object()) {
          throw MalformedLine(
              fmt::format("{}: expected a JSON object, got {}", where, first.type_name()));
        }
        if (dataset.prompt_field.empty()) {
          dataset.prompt_field = detect_field(first, kPromptFields, where, "prompt");
        }
        if (dataset.answer_field.empty()) {
          dataset.answer_field = detect_field(first, kAnswerFields, where, "answer");
        }
      }
      dataset.problems.push_back(
          parse_line(text, where, dataset, options, fmt::format("{}:{}", name, line_number)));
    } catch (const MalformedLine& e) {
      if (!options.skip_malformed) throw Error(e.what());
      ++dataset.skipped;
      dataset.skip_reasons.push_back(e.what());
    }
  }
  return dataset;
}

void shuffle_problems(std::vector<Problem>& problems, uint64_t seed) {
  Rng rng(seed, 0x5F1E);
  for (size_t i = problems.size(); i > 1; --i) {
    std::swap(problems[i - 1], problems[rng.below(i)]);
  }
}

TrainTestSplit split_train_test(std::vector<Problem> problems, double test_fraction,
                                uint64_t seed) {
  R1_CHECK(test_fraction >= 0 && test_fraction <= 1,
           "train/test split: test_fraction must be in [0, 1], got {}", test_fraction);
  shuffle_problems(problems, seed);
  const size_t test_count = size_t(std::llround(test_fraction * double(problems.size())));
  TrainTestSplit split;
  split.test.assign(std::make_move_iterator(problems.begin()),
                    std::make_move_iterator(problems.begin() + test_count));
  split.train.assign(std::make_move_iterator(problems.begin() + test_count),
                     std::make_move_iterator(problems.end()));
  return split;
}

}  // namespace r1
