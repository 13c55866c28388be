#include "tasks/split.h"

#include "core/check.h"

namespace r1 {

Split parse_split(std::string_view name, std::string_view where) {
  if (name == "train") return Split::train;
  if (name == "test") return Split::test;
  fail("{}: split must be 'train' or 'test', got '{}'", where, name);
}

const char* split_name(Split split) {
  return split == Split::train ? "train" : "test";
}

uint64_t fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

Split split_of(std::string_view canonical, double test_fraction) {
  // FNV's low bits mix poorly for short keys; a final avalanche (splitmix64's
  // finaliser) makes the top 53 bits uniform enough to compare with a fraction.
  uint64_t x = fnv1a64(canonical);
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  x ^= x >> 31;
  const double unit = double(x >> 11) * 0x1p-53;
  return unit < test_fraction ? Split::test : Split::train;
}

}  // namespace r1
