#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "model/ops.h"

namespace r1 {
namespace {

// Distance in units in the last place between a float and the exact value.
double ulps(float got, double exact) {
  const float near = float(exact);
  const double ulp = double(std::nextafter(near, std::numeric_limits<float>::infinity())) - near;
  return std::fabs(double(got) - exact) / ulp;
}

// Four million points spread over the normal output range, against double
// precision.
TEST(FastExp, WithinTwoUlpWhereTheResultIsNormal) {
  double worst = 0, worst_x = 0;
  const int kPoints = 1 << 22;
  for (int i = 0; i <= kPoints; ++i) {
    const float x = float(-87.0 + (88.3 + 87.0) * i / kPoints);
    const double u = ulps(ops::fast_exp(x), std::exp(double(x)));
    if (u > worst) worst = u, worst_x = x;
  }
  EXPECT_LE(worst, 2.0) << "at x = " << worst_x;
}

TEST(FastExp, EdgesOfTheRange) {
  EXPECT_EQ(ops::fast_exp(0.0f), 1.0f);
  EXPECT_EQ(ops::fast_exp(-100.0f), 0.0f);
  EXPECT_EQ(ops::fast_exp(-std::numeric_limits<float>::infinity()), 0.0f);
  EXPECT_EQ(ops::fast_exp(89.0f), std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isinf(ops::fast_exp(std::numeric_limits<float>::infinity())));
  EXPECT_TRUE(std::isnan(ops::fast_exp(std::numeric_limits<float>::quiet_NaN())));
  // Just below the overflow threshold the result is finite and near FLT_MAX.
  EXPECT_LE(ulps(ops::fast_exp(88.37f), std::exp(double(88.37f))), 2.0);
}

}  // namespace
}  // namespace r1
