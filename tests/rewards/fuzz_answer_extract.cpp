// Fuzz target: every answer extractor on arbitrary text. Besides not crashing,
// an extracted answer must be a view into the input.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rewards/answer_extract.h"

namespace {

void check_inside(std::string_view text, std::optional<std::string_view> found) {
  if (!found || found->empty()) return;
  if (found->data() < text.data() || found->data() + found->size() > text.data() + text.size())
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_inside(text, r1::extract_boxed(text));
  check_inside(text, r1::extract_tagged(text));
  check_inside(text, r1::extract_answer_is(text));
  check_inside(text, r1::extract_gsm8k(text));
  const r1::AnswerExtractor all({r1::AnswerFormat::AnswerTag, r1::AnswerFormat::Boxed,
                                 r1::AnswerFormat::AnswerIs, r1::AnswerFormat::Gsm8k});
  if (const auto found = all.extract(text)) check_inside(text, found->text);
  return 0;
}
