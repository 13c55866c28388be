// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011). A stream is
// a pure function of (seed, key...), so results never depend on scheduling,
// batch composition or thread count: derive one stream per (step, prompt,
// sample) instead of sharing a mutable generator.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

namespace r1 {

inline std::array<uint32_t, 4> philox4x32(std::array<uint32_t, 4> ctr,
                                          std::array<uint32_t, 2> key) {
  constexpr uint32_t kMul0 = 0xD2511F53, kMul1 = 0xCD9E8D57;
  constexpr uint32_t kWeyl0 = 0x9E3779B9, kWeyl1 = 0xBB67AE85;
  for (int round = 0; round < 10; ++round) {
    const uint64_t p0 = uint64_t{kMul0} * ctr[0];
    const uint64_t p1 = uint64_t{kMul1} * ctr[2];
    ctr = {uint32_t(p1 >> 32) ^ ctr[1] ^ key[0], uint32_t(p1), uint32_t(p0 >> 32) ^ ctr[3] ^ key[1],
           uint32_t(p0)};
    key[0] += kWeyl0;
    key[1] += kWeyl1;
  }
  return ctr;
}

// A stream of random numbers identified by (seed, a, b); draw n is a pure
// function of the identity and n.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t a = 0, uint64_t b = 0)
      : seed_(seed), stream_(splitmix64(a ^ splitmix64(b + 0x632BE59BD9B4E019ULL))) {}

  // The state is the count of draws so far; saving it makes a stream resumable.
  uint64_t counter() const { return counter_; }
  void set_counter(uint64_t c) { counter_ = c; }

  uint32_t next_u32() {
    if (buffered_block_ != (counter_ >> 2)) refill();
    return block_[counter_++ & 3];
  }
  uint64_t next_u64() { return (uint64_t{next_u32()} << 32) | next_u32(); }
  // Uniform in [0, 1) with 24 random bits: exactly representable as float.
  float uniform() { return float(next_u32() >> 8) * 0x1p-24f; }
  double uniform_double() { return double(next_u64() >> 11) * 0x1p-53; }
  // Uniform integer in [0, n) (n > 0), by rejection so it has no modulo bias.
  uint64_t below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = next_u64();
    while (x >= limit);
    return x % n;
  }
  // Standard normal by Box-Muller.
  float normal() {
    const double u1 = 1.0 - uniform_double(), u2 = uniform_double();
    return float(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
  }

 private:
  void refill() {
    const uint64_t block = counter_ >> 2;
    block_ = philox4x32(
        {uint32_t(block), uint32_t(block >> 32), uint32_t(stream_), uint32_t(stream_ >> 32)},
        {uint32_t(seed_), uint32_t(seed_ >> 32)});
    buffered_block_ = block;
  }
  static uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
  }

  uint64_t seed_, stream_;
  uint64_t counter_ = 0;
  uint64_t buffered_block_ = UINT64_MAX;
  std::array<uint32_t, 4> block_{};
};

}  // namespace r1
