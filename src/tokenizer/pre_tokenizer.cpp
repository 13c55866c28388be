#include "tokenizer/pre_tokenizer.h"

#include <nlohmann/json.hpp>

#include "core/check.h"

namespace r1 {
namespace {

// The GPT-2 pattern that ByteLevel applies when its `use_regex` is true.
constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

SplitBehavior parse_behavior(const nlohmann::json& j, const std::string& field) {
  R1_CHECK(j.is_string(), "{}: expected a string", field);
  const std::string b = j;
  if (b == "Removed") return SplitBehavior::kRemoved;
  if (b == "Isolated") return SplitBehavior::kIsolated;
  if (b == "MergedWithPrevious") return SplitBehavior::kMergedWithPrevious;
  if (b == "MergedWithNext") return SplitBehavior::kMergedWithNext;
  if (b == "Contiguous") return SplitBehavior::kContiguous;
  fail(
      "{}: unknown split behavior \"{}\" (expected Removed, Isolated, MergedWithPrevious, "
      "MergedWithNext or Contiguous)",
      field, b);
}

bool bool_field(const nlohmann::json& j, const char* name, bool fallback,
                const std::string& field) {
  if (!j.contains(name) || j[name].is_null()) return fallback;
  R1_CHECK(j[name].is_boolean(), "{}.{}: expected true or false", field, name);
  return j[name].get<bool>();
}

struct Segment {
  size_t begin;
  size_t end;
  bool is_delimiter;
};

// Applies HF's SplitDelimiterBehavior to segments that tile the text
// (tokenizers/src/tokenizer/normalizer.rs, NormalizedString::split).
std::vector<Segment> apply_behavior(const std::vector<Segment>& segments, SplitBehavior behavior) {
  std::vector<Segment> out;
  bool previous_delimiter = false;
  switch (behavior) {
    case SplitBehavior::kIsolated:
      return segments;
    case SplitBehavior::kRemoved:
      for (const auto& s : segments) {
        if (!s.is_delimiter) out.push_back(s);
      }
      return out;
    case SplitBehavior::kMergedWithPrevious:
      for (const auto& s : segments) {
        if (s.is_delimiter && !previous_delimiter && !out.empty()) {
          out.back().end = s.end;
        } else {
          out.push_back(s);
        }
        previous_delimiter = s.is_delimiter;
      }
      return out;
    case SplitBehavior::kMergedWithNext:
      for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
        if (it->is_delimiter && !previous_delimiter && !out.empty()) {
          out.back().begin = it->begin;
        } else {
          out.push_back(*it);
        }
        previous_delimiter = it->is_delimiter;
      }
      return {out.rbegin(), out.rend()};
    case SplitBehavior::kContiguous:
      for (size_t i = 0; i < segments.size(); ++i) {
        if (i > 0 && segments[i].is_delimiter == previous_delimiter) {
          out.back().end = segments[i].end;
        } else {
          out.push_back(segments[i]);
        }
        previous_delimiter = segments[i].is_delimiter;
      }
      return out;
  }
  return out;
}

}  // namespace

PreTokenizer PreTokenizer::from_json(const nlohmann::json& j, const std::string& field) {
  PreTokenizer p;
  p.parse_into(j, field);
  return p;
}

PreTokenizer PreTokenizer::split_then_byte_level(const std::string& pattern) {
  PreTokenizer p;
  Step split;
  split.regex = std::make_shared<Regex>(pattern, "pre_tokenizer.pretokenizers[0].pattern.Regex");
  p.steps_.push_back(std::move(split));
  p.has_byte_level_ = true;
  return p;
}

void PreTokenizer::parse_into(const nlohmann::json& j, const std::string& field) {
  if (j.is_null()) return;
  R1_CHECK(j.is_object() && j.contains("type") && j["type"].is_string(),
           "{}: expected an object with a string \"type\"", field);
  const std::string type = j["type"];
  if (type == "Sequence") {
    R1_CHECK(j.contains("pretokenizers") && j["pretokenizers"].is_array(),
             "{}: Sequence needs an array \"pretokenizers\"", field);
    for (size_t i = 0; i < j["pretokenizers"].size(); ++i) {
      parse_into(j["pretokenizers"][i], fmt::format("{}.pretokenizers[{}]", field, i));
    }
  } else if (type == "Split") {
    Step step;
    R1_CHECK(j.contains("pattern") && j["pattern"].is_object(),
             "{}.pattern: expected {{\"Regex\": ...}} or {{\"String\": ...}}", field);
    const auto& pattern = j["pattern"];
    if (pattern.contains("Regex") && pattern["Regex"].is_string()) {
      step.regex =
          std::make_shared<Regex>(pattern["Regex"].get<std::string>(), field + ".pattern.Regex");
    } else if (pattern.contains("String") && pattern["String"].is_string()) {
      step.literal = pattern["String"].get<std::string>();
      R1_CHECK(!step.literal.empty(), "{}.pattern.String: must not be empty", field);
    } else {
      fail("{}.pattern: expected {{\"Regex\": \"...\"}} or {{\"String\": \"...\"}}", field);
    }
    R1_CHECK(j.contains("behavior"), "{}.behavior: missing", field);
    step.behavior = parse_behavior(j["behavior"], field + ".behavior");
    step.invert = bool_field(j, "invert", false, field);
    steps_.push_back(std::move(step));
  } else if (type == "ByteLevel") {
    R1_CHECK(!has_byte_level_, "{}: a second ByteLevel pre-tokenizer is not supported", field);
    has_byte_level_ = true;
    if (bool_field(j, "add_prefix_space", true, field)) {
      Step step;
      step.kind = Step::Kind::kPrefixSpace;
      steps_.push_back(std::move(step));
    }
    if (bool_field(j, "use_regex", true, field)) {
      Step step;
      step.regex = std::make_shared<Regex>(kGpt2Pattern, field + " (GPT-2 pattern)");
      steps_.push_back(std::move(step));
    }
  } else {
    fail("{}: unsupported pre-tokenizer type \"{}\" (supported: Sequence, Split, ByteLevel)", field,
         type);
  }
}

void PreTokenizer::split(std::string_view text,
                         const std::function<void(std::string_view)>& on_piece) const {
  if (text.empty()) return;
  run(0, text, on_piece);
}

void PreTokenizer::run(size_t step_index, std::string_view text,
                       const std::function<void(std::string_view)>& on_piece) const {
  if (step_index == steps_.size()) {
    on_piece(text);
    return;
  }
  const Step& step = steps_[step_index];
  if (step.kind == Step::Kind::kPrefixSpace) {
    if (text.front() == ' ') {
      run(step_index + 1, text, on_piece);
    } else {
      std::string prefixed = " ";
      prefixed.append(text);
      run(step_index + 1, prefixed, on_piece);
    }
    return;
  }
  // Isolated (the usual behaviour) keeps every segment as it is, so they go on
  // to the next step at once without being collected.
  const bool isolated = step.behavior == SplitBehavior::kIsolated;
  std::vector<Segment> segments;
  const auto emit = [&](size_t begin, size_t end, bool is_delimiter) {
    if (isolated) {
      run(step_index + 1, text.substr(begin, end - begin), on_piece);
    } else {
      segments.push_back({begin, end, is_delimiter});
    }
  };
  size_t covered = 0;
  const auto add_match = [&](size_t begin, size_t end) {
    if (begin > covered) emit(covered, begin, step.invert);
    emit(begin, end, !step.invert);
    covered = end;
  };
  if (step.regex) {
    step.regex->for_each_match(text, add_match);
  } else {
    for (size_t pos = text.find(step.literal); pos != std::string_view::npos;
         pos = text.find(step.literal, pos + step.literal.size())) {
      add_match(pos, pos + step.literal.size());
    }
  }
  if (covered < text.size()) emit(covered, text.size(), step.invert);
  if (isolated) return;
  for (const Segment& s : apply_behavior(segments, step.behavior)) {
    if (s.end > s.begin) run(step_index + 1, text.substr(s.begin, s.end - s.begin), on_piece);
  }
}

}  // namespace r1
