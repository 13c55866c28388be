#include <gtest/gtest.h>

#include "core/check.h"
#include "core/rng.h"
#include "tiny_tokenizer.h"
#include "tokenizer/incremental_decoder.h"
#include "tokenizer/tokenizer_io.h"

namespace r1 {
namespace {

Tokenizer tiny() {
  return Tokenizer(parse_tokenizer_json(test::tiny_tokenizer_json({{"a", "b"}}).dump(), "test"));
}

TEST(IncrementalDecoder, WaitsForWholeCharacters) {
  IncrementalDecoder d(tiny());
  EXPECT_EQ(d.feed('h'), "h");
  EXPECT_EQ(d.feed(0xE4), "");
  EXPECT_EQ(d.feed(0xBD), "");
  EXPECT_EQ(d.feed(0xA0), "你");
  EXPECT_EQ(d.feed(256), "ab");
  EXPECT_EQ(d.feed(0xFF), "\xEF\xBF\xBD");  // can never become valid: shown at once
  EXPECT_EQ(d.feed(0xF0), "");
  EXPECT_EQ(d.finish(), "\xEF\xBF\xBD");
}

TEST(IncrementalDecoder, SkipsSpecialTokensOnRequest) {
  IncrementalDecoder d(tiny(), true);
  EXPECT_EQ(d.feed(257), "");  // <think>
  EXPECT_EQ(d.feed('x'), "x");
  EXPECT_THROW(d.feed(9999), Error);
}

// Piecewise decoding must equal decoding the whole sequence, for arbitrary
// byte tokens (many sequences are not UTF-8).
TEST(IncrementalDecoder, PiecewiseEqualsWhole) {
  const Tokenizer t = tiny();
  // Byte values biased toward UTF-8 lead and continuation bytes.
  const int32_t interesting[] = {'a',  ' ',  0x80, 0xA0, 0xBF, 0xC2, 0xC3, 0xE0, 0xE4,
                                 0xED, 0xF0, 0xF4, 0xFF, 0x9F, 0x98, 256,  257,  258};
  for (uint64_t trial = 0; trial < 2000; ++trial) {
    Rng rng(7, trial, 0);
    std::vector<int32_t> ids(rng.next_u32() % 12);
    for (auto& id : ids) id = interesting[rng.next_u32() % std::size(interesting)];
    IncrementalDecoder d(t);
    std::string piecewise;
    for (const int32_t id : ids) piecewise += d.feed(id);
    piecewise += d.finish();
    ASSERT_EQ(piecewise, t.decode(ids)) << "trial " << trial;
  }
}

}  // namespace
}  // namespace r1
