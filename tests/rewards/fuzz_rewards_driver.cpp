// A stand-alone driver for libFuzzer-style targets (LLVMFuzzerTestOneInput), so
// the fuzz targets also build and run under g++: a fixed-seed loop of random
// inputs for a time budget, plus any files given as a regression corpus.
// Inputs mix random bytes with fragments of the syntax the targets parse
// (LaTeX commands, braces, tags, digits, UTF-8), which reaches far deeper than
// bytes alone; some inputs repeat a fragment many times to probe nesting.
//
//   fuzz_target [--seconds S] [--seed N] [FILE...]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/file_io.h"
#include "core/rng.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr std::string_view kFragments[] = {"\\boxed{",
                                           "\\fbox{",
                                           "\\frac",
                                           "\\dfrac",
                                           "\\sqrt",
                                           "\\sqrt[3]",
                                           "\\pi",
                                           "\\infty",
                                           "\\left(",
                                           "\\right)",
                                           "\\left[",
                                           "\\right]",
                                           "\\{",
                                           "\\}",
                                           "{",
                                           "}",
                                           "(",
                                           ")",
                                           "[",
                                           "]",
                                           ",",
                                           "=",
                                           "+",
                                           "-",
                                           "*",
                                           "/",
                                           "^",
                                           "_",
                                           "!",
                                           "|",
                                           "%",
                                           "\\%",
                                           "$",
                                           "^\\circ",
                                           "\\text{",
                                           "\\mbox{ cm}",
                                           "\\textbf{",
                                           "\\cup",
                                           "\\pm",
                                           "\\cdot",
                                           "\\times",
                                           "\\begin{pmatrix}",
                                           "\\end{pmatrix}",
                                           "&",
                                           "\\\\",
                                           "<think>",
                                           "</think>",
                                           "<answer>",
                                           "</answer>",
                                           "The answer is",
                                           "####",
                                           "答案是",
                                           "计算",
                                           "x",
                                           "i",
                                           "e",
                                           "pi",
                                           "sqrt(",
                                           "\\sin",
                                           "\\log_",
                                           "\\binom",
                                           ".",
                                           "0",
                                           "1",
                                           "9",
                                           "123456789",
                                           "1,000",
                                           "0.5",
                                           " ",
                                           "\n",
                                           "\xff",
                                           "\xe4\xbd",
                                           "é",
                                           "\\",
                                           "x \\in",
                                           "\\emptyset",
                                           "2^{2^{"};

std::string random_input(r1::Rng& rng) {
  std::string input;
  const uint64_t pieces = rng.below(64);
  for (uint64_t i = 0; i < pieces; ++i) {
    switch (rng.below(4)) {
      case 0:
        input += static_cast<char>(rng.below(256));
        break;
      case 1: {  // one fragment repeated: deep nesting, long runs
        const std::string_view f = kFragments[rng.below(std::size(kFragments))];
        const uint64_t repeats = rng.below(300);
        for (uint64_t r = 0; r < repeats; ++r) input += f;
        break;
      }
      default:
        input += kFragments[rng.below(std::size(kFragments))];
    }
  }
  return input;
}

void run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  uint64_t seed = 1;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      files.push_back(argv[i]);
    }
  }
  for (const std::string& file : files) run(r1::read_file(file));
  const auto start = std::chrono::steady_clock::now();
  uint64_t iterations = 0;
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() <
         seconds) {
    r1::Rng rng(seed, iterations);
    run(random_input(rng));
    ++iterations;
  }
  std::printf("%llu random inputs and %zu files, seed %llu: no failure\n",
              static_cast<unsigned long long>(iterations), files.size(),
              static_cast<unsigned long long>(seed));
  return 0;
}
