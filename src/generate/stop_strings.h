// Stop strings (e.g. "</answer>") as a stop condition for GenerationRequest:
// true once the decoded completion contains any of them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace r1 {

std::function<bool(const std::vector<int32_t>&)> stop_on_strings(
    const Tokenizer& tokenizer, std::vector<std::string> stop_strings);

}  // namespace r1
