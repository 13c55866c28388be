// Train/test membership of generated problems. A problem's split is a pure
// function of its canonical content (the math, not its wording or language),
// so the same problem can never appear in both splits, whatever the seed —
// held-out accuracy measures generalisation, not memorisation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace r1 {

enum class Split { train, test };

// "train" or "test"; anything else is an r1::Error naming `where`.
Split parse_split(std::string_view name, std::string_view where);
const char* split_name(Split split);

// 64-bit FNV-1a: stable across platforms and releases (std::hash is not).
uint64_t fnv1a64(std::string_view bytes);

// The split of a problem with this canonical content: test iff the hash,
// mapped to [0, 1), is below `test_fraction`.
Split split_of(std::string_view canonical, double test_fraction);

}  // namespace r1
