#include "tokenizer/normalizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "tokenizer/utf8.h"

namespace r1 {
namespace {

void parse_into(const nlohmann::json& j, const std::string& field, std::vector<NormalForm>& out) {
  if (j.is_null()) return;
  R1_CHECK(j.is_object() && j.contains("type") && j["type"].is_string(),
           "{}: expected an object with a string \"type\"", field);
  const std::string type = j["type"];
  if (type == "NFC") {
    out.push_back(NormalForm::kNfc);
  } else if (type == "NFD") {
    out.push_back(NormalForm::kNfd);
  } else if (type == "NFKC") {
    out.push_back(NormalForm::kNfkc);
  } else if (type == "NFKD") {
    out.push_back(NormalForm::kNfkd);
  } else if (type == "Sequence") {
    R1_CHECK(j.contains("normalizers") && j["normalizers"].is_array(),
             "{}: Sequence needs an array \"normalizers\"", field);
    for (size_t i = 0; i < j["normalizers"].size(); ++i) {
      parse_into(j["normalizers"][i], fmt::format("{}.normalizers[{}]", field, i), out);
    }
  } else {
    fail("{}: unsupported normalizer type \"{}\" (supported: NFC, NFD, NFKC, NFKD, Sequence)",
         field, type);
  }
}

// Highest code point below which every character is unchanged by `form` and
// cannot combine with a neighbour; CJK ideographs are also inert under NFC.
bool is_inert(NormalForm form, uint32_t cp) {
  switch (form) {
    case NormalForm::kNfc:
      return cp < 0x300 || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF);
    case NormalForm::kNfkc:
      return cp < 0xA0 || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF);
    case NormalForm::kNfd:
    case NormalForm::kNfkd:
      return cp < 0xA0 || (cp >= 0x4E00 && cp <= 0x9FFF);
  }
  return false;
}

std::string normalize(NormalForm form, std::string_view text) {
  int options = UTF8PROC_STABLE;
  switch (form) {
    case NormalForm::kNfc:
      options |= UTF8PROC_COMPOSE;
      break;
    case NormalForm::kNfd:
      options |= UTF8PROC_DECOMPOSE;
      break;
    case NormalForm::kNfkc:
      options |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
      break;
    case NormalForm::kNfkd:
      options |= UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT;
      break;
  }
  utf8proc_uint8_t* result = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                              static_cast<utf8proc_ssize_t>(text.size()), &result,
                              static_cast<utf8proc_option_t>(options));
  R1_CHECK(n >= 0, "Unicode normalization failed: {}", utf8proc_errmsg(n));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(result, &std::free);
  return std::string(reinterpret_cast<const char*>(result), static_cast<size_t>(n));
}

}  // namespace

Normalizer Normalizer::from_json(const nlohmann::json& j, const std::string& field) {
  Normalizer n;
  parse_into(j, field, n.forms_);
  return n;
}

// Inert characters have combining class 0 and never combine with the
// character before them, so text can be normalized piecewise between them:
// only each run of other characters, together with the inert character just
// before it (which may be the start of a composition), goes to utf8proc.
// Text that is mostly ASCII or CJK is thus copied, not normalized.
std::string_view Normalizer::apply(std::string_view text, std::string& storage) const {
  std::string_view current = text;
  std::string result;
  for (const NormalForm form : forms_) {
    result.clear();
    size_t copied = 0;
    size_t last_inert = 0;
    size_t pos = 0;
    while (pos < current.size()) {
      const size_t start = pos;
      if (static_cast<uint8_t>(current[pos]) < 0x80) {
        last_inert = pos++;
        continue;
      }
      if (is_inert(form, next_code_point(current, pos))) {
        last_inert = start;
        continue;
      }
      while (pos < current.size()) {
        size_t next = pos;
        if (is_inert(form, next_code_point(current, next))) break;
        pos = next;
      }
      const size_t region = std::max(std::min(last_inert, start), copied);
      result.append(current.substr(copied, region - copied));
      result.append(normalize(form, current.substr(region, pos - region)));
      copied = pos;
    }
    if (copied == 0) continue;  // nothing needed normalizing
    result.append(current.substr(copied));
    storage.swap(result);
    current = storage;
  }
  return current;
}

}  // namespace r1
