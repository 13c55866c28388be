// Central finite differences in double precision, for checking backward
// functions. With step h the truncation error is O(h²·f''') and the rounding
// error O(eps·|L|/h); h = 1e-5 puts both near 1e-10 for the O(1) losses used
// here, so a 1e-7 relative tolerance leaves a wide margin for a correct
// gradient while any real mistake (a missing term, a wrong sign) is O(1).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "core/rng.h"

namespace r1::testing {

inline std::vector<double> random_vector(size_t n, uint64_t seed, double scale = 1.0) {
  Rng rng(seed, 77);
  std::vector<double> v(n);
  for (double& x : v) x = scale * rng.normal();
  return v;
}

// Compares analytic[i] with the central difference of loss() in x[i], for
// every i (the shapes are small).
inline void expect_gradient(const std::string& what, std::vector<double>& x,
                            const std::vector<double>& analytic,
                            const std::function<double()>& loss, double h = 1e-5,
                            double tol = 1e-7) {
  ASSERT_EQ(x.size(), analytic.size()) << what;
  for (size_t i = 0; i < x.size(); ++i) {
    const double saved = x[i];
    x[i] = saved + h;
    const double up = loss();
    x[i] = saved - h;
    const double down = loss();
    x[i] = saved;
    const double numeric = (up - down) / (2 * h);
    EXPECT_NEAR(analytic[i], numeric, tol * (1 + std::abs(numeric))) << what << "[" << i << "]";
  }
}

inline double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

}  // namespace r1::testing
