// attend_rows computes a tile of query rows at once for the training forward
// and one row for the decoder: a row's probabilities and output must be the
// same bits in any tile, and equal the definition.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <utility>
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

// The decoder's samples of one prompt read the prompt's keys and values from
// the slot that prefilled it: a row reading positions below the split from
// one store and the rest from another gets the bits of one store. Each store
// holds NaN where the other is to be read, so a read from the wrong one shows.
TEST(AttendRows, ASharedPrefixIsReadInPlaceWithTheSameBits) {
  const Problem pr = make_problem(150, 83, 13);
  const int64_t P = pr.positions, D = pr.D;
  for (const int64_t split : {16, 48, 144}) {
    std::vector<float> prefix_blocks = pr.key_blocks, own_blocks = pr.key_blocks;
    std::vector<float> prefix_v = pr.v, own_v = pr.v;
    const float nan = std::nanf("");
    std::fill(prefix_blocks.begin() + split * D, prefix_blocks.end(), nan);
    std::fill(own_blocks.begin(), own_blocks.begin() + split * D, nan);
    std::fill(prefix_v.begin() + split * D, prefix_v.end(), nan);
    std::fill(own_v.begin(), own_v.begin() + split * D, nan);
    const ops::SharedPrefix<float> prefix{prefix_blocks.data(), prefix_v.data(), split};
    for (const auto& [first, last] :
         std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>>{
             {{0}, {150}},
             {{0, 0, 0, 0}, {97, 98, 99, 100}},
             {{0, 17, 17, 40}, {120, 121, 122, 123}},
             {{0, 60, 130}, {20, 90, 150}},
             {{3, 5}, {4, 9}}}) {
      const int64_t rows = int64_t(first.size());
      std::vector<float> want(size_t(rows * D)), got(size_t(rows * D));
      std::vector<float> p_want(size_t(rows * P)), p_got(size_t(rows * P));
      ops::attend_rows(want.data(), D, p_want.data(), P, pr.q.data(), D, pr.key_blocks.data(),
                       pr.v.data(), D, first.data(), last.data(), rows, D);
      ops::attend_rows(got.data(), D, p_got.data(), P, pr.q.data(), D, own_blocks.data(),
                       own_v.data(), D, first.data(), last.data(), rows, D, prefix);
      EXPECT_EQ(0, std::memcmp(want.data(), got.data(), want.size() * sizeof(float)))
          << "split " << split << ", " << rows << " rows from " << first[0];
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = first[size_t(r)]; j < last[size_t(r)]; ++j)
          ASSERT_EQ(p_want[size_t(r * P + j)], p_got[size_t(r * P + j)])
              << "split " << split << " row " << r << " key " << j;
    }
  }
}

TEST(AttendRows, ASharedPrefixEndsAtAKeyBlock) {
  const Problem pr = make_problem(40, 8, 14);
  std::vector<float> out(8), p(40);
  const int64_t first = 0, last = 40;
  const ops::SharedPrefix<float> prefix{pr.key_blocks.data(), pr.v.data(), 20};
  EXPECT_THROW(ops::attend_rows(out.data(), 0, p.data(), 0, pr.q.data(), 0, pr.key_blocks.data(),
                                pr.v.data(), 8, &first, &last, 1, 8, prefix),
               std::exception);
}

}  // namespace
}  // namespace r1
