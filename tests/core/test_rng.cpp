#include <gtest/gtest.h>

#include <cmath>

#include "core/rng.h"

namespace r1 {

// Philox4x32-10 known-answer test from the Random123 distribution (kat_vectors):
// counter = key = 0 → 6627e8d5 e169c58d bc57ac4c 9b00dbd8.
TEST(Rng, PhiloxKnownAnswer) {
  auto out = philox4x32({0, 0, 0, 0}, {0, 0});
  EXPECT_EQ(out[0], 0x6627e8d5u);
  EXPECT_EQ(out[1], 0xe169c58du);
  EXPECT_EQ(out[2], 0xbc57ac4cu);
  EXPECT_EQ(out[3], 0x9b00dbd8u);
}

TEST(Rng, StreamIsAFunctionOfIdentityAndCounter) {
  Rng a(7, 3, 5), b(7, 3, 5), c(7, 3, 6);
  for (int i = 0; i < 10; ++i) a.next_u32();
  b.set_counter(10);
  EXPECT_EQ(a.next_u32(), b.next_u32());
  Rng a2(7, 3, 5), c2(7, 3, 6);
  int same = 0;
  for (int i = 0; i < 64; ++i) same += a2.next_u32() == c2.next_u32();
  EXPECT_LT(same, 2);
}

TEST(Rng, UniformMoments) {
  Rng r(1);
  double sum = 0, sum2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  // Mean 1/2 and variance 1/12; 5 standard errors.
  EXPECT_NEAR(sum / n, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(sum2 / n - (sum / n) * (sum / n), 1.0 / 12, 5 * 0.089 / std::sqrt(n));
}

}  // namespace r1
