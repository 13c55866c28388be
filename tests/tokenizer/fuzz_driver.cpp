// A stand-alone driver for libFuzzer-style targets, so that they build and run
// with any compiler (CI runs each briefly). It mutates the seed files given on
// the command line with byte flips, insertions of JSON/UTF-8-significant
// bytes, deletions, duplications and splices, deterministically.
// Usage: fuzz_<target> [--seconds S] [--runs N] SEED_FILE...
// With clang, -DR1_LIBFUZZER=ON links the same targets against libFuzzer.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/file_io.h"
#include "core/rng.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

const char kInteresting[] =
    "\"{}[],:\\ \n\t0123456789-.aeAE<>|/_'\xFF\xC3\xA9\xE4\xBD\xA0\xF0\x9F\x98";

std::string mutate(std::string s, const std::vector<std::string>& seeds, r1::Rng& rng) {
  const int edits = 1 + static_cast<int>(rng.below(8));
  for (int e = 0; e < edits; ++e) {
    const size_t pos = s.empty() ? 0 : rng.below(s.size() + 1);
    switch (rng.below(6)) {
      case 0:
        if (pos < s.size()) s[pos] = static_cast<char>(s[pos] ^ (1u << rng.below(8)));
        break;
      case 1:
        s.insert(pos, 1, kInteresting[rng.below(sizeof(kInteresting) - 1)]);
        break;
      case 2:
        s.insert(pos, 1, static_cast<char>(rng.below(256)));
        break;
      case 3:
        if (pos < s.size()) s.erase(pos, 1 + rng.below(std::min<size_t>(16, s.size() - pos)));
        break;
      case 4:
        if (pos < s.size()) s.insert(pos, s.substr(pos, 1 + rng.below(32)));
        break;
      default: {
        const std::string& other = seeds[rng.below(seeds.size())];
        if (!other.empty()) {
          const size_t from = rng.below(other.size());
          s.insert(pos, other.substr(from, 1 + rng.below(64)));
        }
      }
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2.0;
  uint64_t max_runs = UINT64_MAX;
  std::vector<std::string> seeds;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      max_runs = std::strtoull(argv[++i], nullptr, 10);
    } else {
      seeds.push_back(r1::read_file(argv[i]));
    }
  }
  if (seeds.empty()) seeds.emplace_back();
  const auto start = std::chrono::steady_clock::now();
  r1::Rng rng(20240601);
  uint64_t runs = 0;
  for (const auto& s : seeds) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    ++runs;
  }
  while (runs < max_runs &&
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() <
             seconds) {
    std::string input = seeds[rng.below(seeds.size())];
    // Chains of mutations reach further from the seeds.
    for (int depth = static_cast<int>(rng.below(4)); depth >= 0; --depth) {
      input = mutate(std::move(input), seeds, rng);
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
      ++runs;
    }
  }
  std::printf("%s: %llu inputs, no crash\n", argv[0], static_cast<unsigned long long>(runs));
  return 0;
}
