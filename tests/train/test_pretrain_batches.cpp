#include <gtest/gtest.h>

#include "train/pretrain.h"

namespace r1 {
namespace {

constexpr int32_t kEnd = 99;

// Documents of lengths 3, 6, 1 and 4 (separator included), the third empty
// and the last without its separator: each row must be exactly one of the
// non-empty ones, from its first token.
const std::vector<std::vector<int32_t>> kDocs = {
    {1, 2, kEnd}, {3, 4, 5, 6, 7, kEnd}, {kEnd}, {8, 9, 10, 11}};

std::vector<int32_t> corpus() {
  std::vector<int32_t> tokens;
  for (const auto& d : kDocs) tokens.insert(tokens.end(), d.begin(), d.end());
  return tokens;
}

TEST(DocumentRows, StartsAreTheFirstTokensOfDocuments) {
  EXPECT_EQ(document_starts(corpus(), kEnd), (std::vector<size_t>{0, 3, 10}));
}

TEST(DocumentRows, EachRowIsOneWholeDocumentAndPaddingHasNoWeight) {
  const std::vector<int32_t> tokens = corpus();
  const std::vector<size_t> starts = document_starts(tokens, kEnd);
  for (int64_t max_T : {64, 3}) {
    for (int64_t step = 0; step < 20; ++step) {
      TokenBatch batch;
      batch.B = 4;
      fill_documents(batch, tokens, starts, kEnd, max_T, 5, step);
      int64_t longest = 0, real = 0;
      double weight = 0;
      for (int64_t b = 0; b < batch.B; ++b) {
        const int32_t* ids = batch.ids.data() + b * batch.T;
        const int32_t* targets = batch.targets.data() + b * batch.T;
        const float* w = batch.weights.data() + b * batch.T;
        // The document this row starts with; a document of n tokens gives
        // n - 1 (id, target) positions, at most max_T.
        const auto doc = std::find_if(kDocs.begin(), kDocs.end(), [&](const auto& d) {
          return d.size() >= 2 && d[0] == ids[0] && d[1] == targets[0];
        });
        ASSERT_NE(doc, kDocs.end()) << "row " << b << " does not start a document";
        const int64_t positions = std::min<int64_t>(max_T, int64_t(doc->size()) - 1);
        for (int64_t t = 0; t < batch.T; ++t) {
          if (t < positions) {
            EXPECT_EQ(ids[t], (*doc)[size_t(t)]);
            EXPECT_EQ(targets[t], (*doc)[size_t(t) + 1]);
            EXPECT_GT(w[t], 0.0f);
          } else {
            EXPECT_EQ(w[t], 0.0f) << "padding at row " << b << " position " << t;
          }
          weight += w[t];
        }
        longest = std::max(longest, positions);
        real += positions;
      }
      EXPECT_EQ(batch.T, longest);
      EXPECT_NEAR(weight, 1.0, 1e-6 * double(real));
    }
  }
}

}  // namespace
}  // namespace r1
