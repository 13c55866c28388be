// Rollouts packed into rows without padding: the layout by hand, and the
// log-probs of a packed rollout against the same rollout alone in a row.
#include <gtest/gtest.h>

#include <vector>

#include "core/rng.h"
#include "model/presets.h"
#include "model/transformer.h"
#include "rl/rollout.h"

namespace r1 {
namespace {

// A rollout of p prompt and c completion tokens; token ids count up from
// `first`, sampling log-probs are −(first + i).
Rollout make_rollout(int64_t p, int64_t c, int32_t first) {
  Rollout r;
  for (int64_t i = 0; i < p; ++i) r.prompt.push_back(first + int32_t(i));
  for (int64_t i = 0; i < c; ++i) {
    r.completion.push_back(first + int32_t(p + i));
    r.logprobs.push_back(-float(first + i));
  }
  r.advantage = float(first);
  return r;
}

}  // namespace

// Lengths (prompt + completion − 1) 7, 3, 9, 3, 2 with T = 9: first fit puts
// them in rows 0, 1, 2, 1 (after the 3) and 0 (after the 7).
TEST(PackRollouts, FirstFitLayout) {
  const std::vector<Rollout> rollouts = {make_rollout(3, 5, 10), make_rollout(2, 2, 20),
                                         make_rollout(4, 6, 30), make_rollout(1, 3, 40),
                                         make_rollout(2, 1, 50)};
  std::vector<int32_t> ids(5 * 9, -1), targets(5 * 9, -1), starts(5 * 9, -1);
  std::vector<float> old(5 * 9, 0.0f);
  std::vector<CompletionSpan> spans;
  const PackedRollouts packed =
      pack_rollouts(rollouts, 0, 5, false, ids, targets, starts, spans, old.data());
  EXPECT_EQ(packed.rows, 3);
  EXPECT_EQ(packed.T, 9);
  const int64_t want[5][4] = {// row, begin, length, rollout
                              {0, 2, 5, 0},
                              {1, 1, 2, 1},
                              {2, 3, 6, 2},
                              {1, 3 + 0, 3, 3},
                              {0, 7 + 1, 1, 4}};
  ASSERT_EQ(spans.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(spans[i].row, want[i][0]) << i;
    EXPECT_EQ(spans[i].begin, want[i][1]) << i;
    EXPECT_EQ(spans[i].length, want[i][2]) << i;
    EXPECT_EQ(spans[i].rollout, want[i][3]) << i;
    EXPECT_EQ(spans[i].advantage, rollouts[i].advantage) << i;
  }
  const std::vector<int32_t> want_starts = {0, 0, 0, 0, 0, 0, 0, 7, 7,   // rows 0
                                            0, 0, 0, 3, 3, 3, 6, 6, 6,   // 1 (tail from 6)
                                            0, 0, 0, 0, 0, 0, 0, 0, 0};  // 2
  EXPECT_EQ(std::vector<int32_t>(starts.begin(), starts.begin() + 27), want_starts);
  // Rollout 4 (tokens 50 51 | 52) at row 0, positions 7 and 8.
  EXPECT_EQ(ids[7], 50);
  EXPECT_EQ(targets[7], 51);
  EXPECT_EQ(ids[8], 51);
  EXPECT_EQ(targets[8], 52);
  EXPECT_EQ(old[8], -50.0f);
  // Rollout 3 (40 | 41 42 43) at row 1 from position 3: completion log-probs
  // at positions 3, 4, 5.
  EXPECT_EQ(ids[9 + 3], 40);
  EXPECT_EQ(targets[9 + 5], 43);
  for (int64_t t = 0; t < 3; ++t) EXPECT_EQ(old[size_t(9 + 3 + t)], -float(40 + t));
  // Masked truncation keeps the place but empties the span.
  std::vector<Rollout> truncated = rollouts;
  truncated[2].truncated = true;
  pack_rollouts(truncated, 0, 5, true, ids, targets, starts, spans, nullptr);
  EXPECT_EQ(spans[2].length, 0);
  EXPECT_EQ(spans[2].row, 2);
}

// The trainer computes a packed rollout's log-probs with the same bits as
// the rollout alone in a row: GRPO's π_old (from sampling, which agrees with
// the unpacked trainer bit for bit) stays exactly π_θ at the first update.
TEST(PackRollouts, LogprobsEqualTheRolloutAlone) {
  ModelConfig mc = model_preset("tiny", 64);
  mc.max_position_embeddings = 64;
  Model model(mc);
  model.init_random(5, 0.1f);
  Rng rng(9);
  std::vector<Rollout> rollouts;
  for (const auto& [p, c] : std::vector<std::pair<int, int>>{{5, 9}, {3, 4}, {6, 11}, {2, 3}}) {
    Rollout r;
    for (int i = 0; i < p; ++i) r.prompt.push_back(int32_t(rng.below(64)));
    for (int i = 0; i < c; ++i) r.completion.push_back(int32_t(rng.below(64)));
    rollouts.push_back(r);
  }
  const int64_t n = int64_t(rollouts.size()), T = 16;
  std::vector<int32_t> ids(size_t(n * T)), targets(size_t(n * T)), starts(size_t(n * T));
  std::vector<CompletionSpan> spans;
  const PackedRollouts packed =
      pack_rollouts(rollouts, 0, n, false, ids, targets, starts, spans, nullptr);
  ASSERT_LT(packed.rows, n) << "the example must pack two rollouts into one row";
  TrainingGraph graph(mc, n, T);
  graph.forward(model, ids.data(), targets.data(), packed.rows, packed.T, 1.0f, starts.data());
  const std::vector<float> together(graph.logprobs(), graph.logprobs() + packed.rows * packed.T);
  for (const CompletionSpan& s : spans) {
    const Rollout& r = rollouts[size_t(s.rollout)];
    std::vector<int32_t> seq = r.prompt;
    seq.insert(seq.end(), r.completion.begin(), r.completion.end());
    const int64_t len = int64_t(seq.size()) - 1;
    graph.forward(model, seq.data(), seq.data() + 1, 1, len);
    for (int64_t t = 0; t < s.length; ++t)
      EXPECT_EQ(together[size_t(s.row * packed.T + s.begin + t)],
                graph.logprobs()[int64_t(r.prompt.size()) - 1 + t])
          << "rollout " << s.rollout << " token " << t;
  }
}

}  // namespace r1
