// Unicode normalization of tokenizer.json's "normalizer" (NFC, NFD, NFKC, NFKD
// and sequences of them), done with utf8proc.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace r1 {

enum class NormalForm { kNfc, kNfd, kNfkc, kNfkd };

class Normalizer {
 public:
  // Parses tokenizer.json's "normalizer" (null means none); `field` names it
  // in errors.
  static Normalizer from_json(const nlohmann::json& j, const std::string& field);

  bool empty() const { return forms_.empty(); }
  const std::vector<NormalForm>& forms() const { return forms_; }

  // Normalizes valid UTF-8 `text`. Returns `text` itself when nothing changes
  // (the common case, found without calling utf8proc); otherwise the result
  // is stored in `storage` and a view of it returned.
  std::string_view apply(std::string_view text, std::string& storage) const;

 private:
  std::vector<NormalForm> forms_;
};

}  // namespace r1
