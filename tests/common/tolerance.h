// Comparing fp32 results with a float64 oracle.
#pragma once

#include <cmath>
#include <vector>

namespace r1::testing {

// fp32 unit roundoff.
constexpr double kUnitRoundoff = 0x1p-24;

// ‖ours − ref‖₂ / ‖ref‖₂ (absolute when ref is zero).
inline double rel_l2(const float* ours, const std::vector<float>& ref) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    diff += (double(ours[i]) - ref[i]) * (double(ours[i]) - ref[i]);
    norm += double(ref[i]) * ref[i];
  }
  return norm == 0 ? std::sqrt(diff) : std::sqrt(diff / norm);
}

}  // namespace r1::testing
