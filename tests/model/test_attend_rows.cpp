// attend_rows computes a tile of query rows at once for the training forward
// and one row for the decoder: a row's probabilities and output must be the
// same bits in any tile, and equal the definition.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/rng.h"
#include "model/ops.h"

namespace r1 {
namespace {

struct Problem {
  int64_t positions, D;
  std::vector<float> q, keys, key_blocks, v;
};

Problem make_problem(int64_t positions, int64_t D, uint64_t seed) {
  Problem pr{positions, D, {}, {}, {}, {}};
  Rng rng(seed, 0);
  const auto fill = [&](std::vector<float>& x, size_t n) {
    x.resize(n);
    for (float& e : x) e = float(rng.uniform() * 4.0 - 2.0);
  };
  fill(pr.q, size_t(ops::kAttendRows * D));
  fill(pr.keys, size_t(positions * D));
  fill(pr.v, size_t(positions * D));
  pr.key_blocks.assign(size_t(ops::key_blocks_size(positions, D)), 0.0f);
  for (int64_t j = 0; j < positions; ++j)
    ops::store_key(pr.key_blocks.data(), j, pr.keys.data() + j * D, D);
  return pr;
}

// Rows of a tile with these key ranges; each row alone gives the reference bits.
void expect_tile_equals_rows(const Problem& pr, const std::vector<int64_t>& first,
                             const std::vector<int64_t>& last) {
  const int64_t rows = int64_t(first.size()), P = pr.positions, D = pr.D;
  std::vector<float> out(size_t(rows * D)), p(size_t(rows * P), -1.0f);
  ops::attend_rows(out.data(), D, p.data(), P, pr.q.data(), D, pr.key_blocks.data(), pr.v.data(), D,
                   first.data(), last.data(), rows, D);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<float> out1(static_cast<size_t>(D)), p1(static_cast<size_t>(P), -1.0f);
    ops::attend_rows(out1.data(), 0, p1.data(), 0, pr.q.data() + r * D, 0, pr.key_blocks.data(),
                     pr.v.data(), D, &first[size_t(r)], &last[size_t(r)], 1, D);
    EXPECT_EQ(0, std::memcmp(out1.data(), out.data() + r * D, size_t(D) * sizeof(float)))
        << "row " << r << " of " << rows;
    for (int64_t j = first[size_t(r)]; j < last[size_t(r)]; ++j)
      ASSERT_EQ(p1[size_t(j)], p[size_t(r * P + j)]) << "row " << r << " key " << j;
    // The definition, in double.
    const float* q = pr.q.data() + r * D;
    std::vector<double> s;
    double mx = -1e300;
    for (int64_t j = first[size_t(r)]; j < last[size_t(r)]; ++j) {
      double dot = 0;
      for (int64_t d = 0; d < D; ++d) dot += double(q[d]) * pr.keys[size_t(j * D + d)];
      s.push_back(dot / std::sqrt(double(D)));
      mx = std::max(mx, s.back());
    }
    double sum = 0;
    for (double& e : s) sum += (e = std::exp(e - mx));
    for (int64_t d = 0; d < D; ++d) {
      double o = 0;
      for (size_t i = 0; i < s.size(); ++i)
        o += s[i] / sum * pr.v[size_t((first[size_t(r)] + int64_t(i)) * D + d)];
      EXPECT_NEAR(o, out[size_t(r * D + d)], 1e-5) << "row " << r << " component " << d;
    }
  }
}

TEST(AttendRows, ARowIsTheSameBitsInAnyTile) {
  // D = 83: a 64-wide part, a 16-wide part and 3 single components.
  const Problem pr = make_problem(150, 83, 11);
  // Causal rows of one document.
  expect_tile_equals_rows(pr, {0, 0, 0, 0}, {97, 98, 99, 100});
  // Rows of packed documents: different first keys, a common range.
  expect_tile_equals_rows(pr, {0, 17, 17, 40}, {120, 121, 122, 123});
  // No common range at all.
  expect_tile_equals_rows(pr, {0, 60, 130}, {20, 90, 150});
  // Short ranges inside one key block, and two rows.
  expect_tile_equals_rows(pr, {3, 5}, {4, 9});
}

TEST(AttendRows, HeadSizesBelowAVector) {
  const Problem pr = make_problem(40, 5, 12);
  expect_tile_equals_rows(pr, {0, 0, 0, 0}, {37, 38, 39, 40});
  expect_tile_equals_rows(pr, {0, 1, 2}, {1, 2, 40});
}

}  // namespace
}  // namespace r1
