// Rollouts packed into rows without padding: the layout by hand, and the
// log-probs of a packed rollout against the same rollout alone in a row.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/check.h"
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

// The tiny preset with room for 64 positions, random weights.
Model tiny_model(uint64_t seed) {
  ModelConfig mc = model_preset("tiny", 64);
  mc.max_position_embeddings = 64;
  Model model(mc);
  model.init_random(seed, 0.1f);
  return model;
}

}  // namespace

// Lengths (prompt + completion − 1) 7, 3, 9, 3, 2 with T = 9: first fit puts
// them in rows 0, 1, 2, 1 (after the 3) and 0 (after the 7).
TEST(PackRollouts, FirstFitLayout) {
  const std::vector<Rollout> rollouts = {make_rollout(3, 5, 10), make_rollout(2, 2, 20),
                                         make_rollout(4, 6, 30), make_rollout(1, 3, 40),
                                         make_rollout(2, 1, 50)};
  std::vector<float> old(5 * 9, 0.0f);
  PackedRollouts packed;
  pack_rollouts(rollouts, 0, 5, false, 5 * 9, packed, old.data());
  const std::vector<CompletionSpan>& spans = packed.spans;
  const std::vector<int32_t>&ids = packed.ids, &targets = packed.targets;
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
                                            0, 0, 0, 3, 3, 3, 6, 7, 8,   // 1 (tail from 6)
                                            0, 0, 0, 0, 0, 0, 0, 0, 0};  // 2
  EXPECT_EQ(packed.doc_starts, want_starts);
  EXPECT_EQ(packed.prefix_starts, want_starts) << "no rollout continues another";
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
  pack_rollouts(truncated, 0, 5, true, 5 * 9, packed, nullptr);
  EXPECT_EQ(spans[2].length, 0);
  EXPECT_EQ(spans[2].row, 2);
}

// A group's prompt goes once into a row, its completions after it: rollouts
// 0–2 share the prompt 10 11 12 (completions of 2, 1 and 3 tokens), rollout
// 3 is alone. Hand layout of row 0 (T = the group: 2 + 2 + 1 + 3 = 8):
//   position   0  1 | 2  3 | 4 | 5  6  7
//   ids       10 11 | 12 13| 12| 12 13 14
//   targets   11 12 | 13 14| 13| 13 14 15
// doc_starts  0  0 | 2  2 | 4 | 5  5  5 ; prefix_starts 0 everywhere.
TEST(PackRollouts, AGroupSharesItsPrompt) {
  std::vector<Rollout> rollouts = {make_rollout(3, 2, 10), make_rollout(3, 1, 10),
                                   make_rollout(3, 3, 10), make_rollout(2, 4, 60)};
  const int64_t capacity = 4 * 6;
  std::vector<float> old(capacity, 0.0f);
  PackedRollouts packed;
  pack_rollouts(rollouts, 0, 4, false, capacity, packed, old.data());
  ASSERT_EQ(packed.T, 8);
  ASSERT_EQ(packed.rows, 2);
  EXPECT_EQ(std::vector<int32_t>(packed.ids.begin(), packed.ids.begin() + 8),
            (std::vector<int32_t>{10, 11, 12, 13, 12, 12, 13, 14}));
  EXPECT_EQ(std::vector<int32_t>(packed.targets.begin(), packed.targets.begin() + 8),
            (std::vector<int32_t>{11, 12, 13, 14, 13, 13, 14, 15}));
  EXPECT_EQ(std::vector<int32_t>(packed.doc_starts.begin(), packed.doc_starts.begin() + 8),
            (std::vector<int32_t>{0, 0, 2, 2, 4, 5, 5, 5}));
  EXPECT_EQ(std::vector<int32_t>(packed.prefix_starts.begin(), packed.prefix_starts.begin() + 8),
            std::vector<int32_t>(8, 0));
  // Rollout 3 (60 61 | 62 63 64 65) alone in row 1, its 5 positions, then
  // padding, each position a document.
  EXPECT_EQ(std::vector<int32_t>(packed.doc_starts.begin() + 8, packed.doc_starts.end()),
            (std::vector<int32_t>{0, 0, 0, 0, 0, 5, 6, 7}));
  EXPECT_EQ(packed.ids[8 + 1], 61);
  EXPECT_EQ(packed.targets[8 + 4], 65);
  const int64_t want[4][3] = {{0, 2, 2}, {0, 4, 1}, {0, 5, 3}, {1, 1, 4}};  // row, begin, length
  ASSERT_EQ(packed.spans.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(packed.spans[i].row, want[i][0]) << i;
    EXPECT_EQ(packed.spans[i].begin, want[i][1]) << i;
    EXPECT_EQ(packed.spans[i].length, want[i][2]) << i;
    EXPECT_EQ(packed.spans[i].rollout, int64_t(i));
  }
  // Sampling log-probs −(first + i) at the spans.
  EXPECT_EQ(old[5], -10.0f);
  EXPECT_EQ(old[7], -12.0f);
  EXPECT_EQ(old[8 + 1 + 3], -63.0f);
}

// The batch must fit the graph's positions. A group of 4 (prompt 2,
// completions 4: 5 positions each alone, 1 + 16 = 17 shared) and 6 lone
// rollouts of 5: rows of 17 take 3 rows (the group; lone 3 + 3) = 51
// positions. With room for 51 that is the layout; with the unshared bound
// (10 · 5 = 50) the rows shrink until it fits: 10 rows of 5, each group
// completion behind its own copy of the prompt.
TEST(PackRollouts, RowsShrinkToFitTheCapacity) {
  std::vector<Rollout> rollouts;
  for (int i = 0; i < 4; ++i) rollouts.push_back(make_rollout(2, 4, 10));
  for (int i = 0; i < 6; ++i) rollouts.push_back(make_rollout(3, 3, 100 + 10 * i));
  PackedRollouts packed;
  pack_rollouts(rollouts, 0, 10, false, 51, packed, nullptr);
  EXPECT_EQ(packed.rows, 3);
  EXPECT_EQ(packed.T, 17);
  pack_rollouts(rollouts, 0, 10, false, 50, packed, nullptr);
  EXPECT_EQ(packed.rows, 10);
  EXPECT_EQ(packed.T, 5);
  for (int64_t row = 0; row < 4; ++row) {
    EXPECT_EQ(packed.doc_starts[size_t(row * 5 + 1)], 1) << "a completion after the prompt";
    EXPECT_EQ(packed.prefix_starts[size_t(row * 5 + 1)], 0) << "continuing the prompt";
  }
  EXPECT_THROW(pack_rollouts(rollouts, 0, 10, false, 49, packed, nullptr), std::exception);
}

// The trainer computes a packed rollout's log-probs with the same bits as
// the rollout alone in a row — also behind a shared prompt, whose positions
// the completions continue: GRPO's π_old (from sampling, which agrees with
// the unpacked trainer bit for bit) stays exactly π_θ at the first update.
TEST(PackRollouts, LogprobsEqualTheRolloutAlone) {
  const Model model = tiny_model(5);
  const ModelConfig& mc = model.config();
  Rng rng(9);
  std::vector<Rollout> rollouts;
  std::vector<int32_t> shared;
  for (int i = 0; i < 7; ++i) shared.push_back(int32_t(rng.below(64)));
  for (const auto& [p, c] : std::vector<std::pair<int, int>>{
           {5, 9}, {3, 4}, {6, 11}, {2, 3}, {-7, 5}, {-7, 1}, {-7, 8}, {4, 2}}) {
    Rollout r;
    if (p < 0) r.prompt = shared;
    for (int i = 0; i < p; ++i) r.prompt.push_back(int32_t(rng.below(64)));
    for (int i = 0; i < c; ++i) r.completion.push_back(int32_t(rng.below(64)));
    rollouts.push_back(r);
  }
  const int64_t n = int64_t(rollouts.size()), T = 16;
  PackedRollouts packed;
  pack_rollouts(rollouts, 0, n, false, n * T, packed, nullptr);
  ASSERT_LT(packed.rows, n) << "the example must pack two rollouts into one row";
  ASSERT_NE(packed.prefix_starts, packed.doc_starts) << "the example must share a prompt";
  TrainingGraph graph(mc, n, T);
  graph.forward(model, packed.ids.data(), packed.targets.data(), packed.rows, packed.T, 1.0f,
                packed.packing());
  const std::vector<float> together(graph.logprobs(), graph.logprobs() + packed.rows * packed.T);
  for (const CompletionSpan& s : packed.spans) {
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

// The gradient through shared prompts is the gradient of the rollouts each
// alone in a row: the prompt's keys and values collect every completion's
// attention. A loss on every completion token, both ways; the sums run in
// other orders, so they agree to float rounding (1e-4 of the largest
// gradient; a prompt missing one completion's share is off by O(1/G) of it).
TEST(PackRollouts, SharedPromptGradientsEqualTheUnsharedOnes) {
  const Model model = tiny_model(6);
  const ModelConfig& mc = model.config();
  Rng rng(10);
  std::vector<Rollout> rollouts;
  for (int g = 0; g < 2; ++g) {
    std::vector<int32_t> prompt;
    for (int i = 0; i < 9; ++i) prompt.push_back(int32_t(rng.below(64)));
    for (const int c : {6, 3, 8}) {
      Rollout r;
      r.prompt = prompt;
      for (int i = 0; i < c; ++i) r.completion.push_back(int32_t(rng.below(64)));
      rollouts.push_back(r);
    }
  }
  const int64_t n = int64_t(rollouts.size()), T = 17;
  TrainingGraph graph(mc, n, T);
  const auto gradient = [&](const int32_t* ids, const int32_t* targets, int64_t rows, int64_t cols,
                            const Packing& packing, const std::vector<CompletionSpan>& spans) {
    graph.forward(model, ids, targets, rows, cols, 1.0f, packing);
    std::vector<float> dlogprobs(size_t(rows * cols), 0.0f);
    for (const CompletionSpan& s : spans)
      for (int64_t t = 0; t < s.length; ++t)
        dlogprobs[size_t(s.row * cols + s.begin + t)] = -1.0f - 0.1f * float(t);
    std::vector<float> grads(model.layout().total, 0.0f);
    graph.backward(model, dlogprobs.data(), nullptr, grads.data());
    return grads;
  };
  PackedRollouts packed;
  pack_rollouts(rollouts, 0, n, false, n * T, packed, nullptr);
  ASSERT_EQ(packed.rows, 2) << "each group in a row of its own";
  const std::vector<float> shared = gradient(packed.ids.data(), packed.targets.data(), packed.rows,
                                             packed.T, packed.packing(), packed.spans);
  // Each rollout alone in a row, right-padded.
  std::vector<int32_t> ids(size_t(n * T), 0), targets(size_t(n * T), 0);
  std::vector<CompletionSpan> spans;
  for (int64_t r = 0; r < n; ++r) {
    std::vector<int32_t> seq = rollouts[size_t(r)].prompt;
    seq.insert(seq.end(), rollouts[size_t(r)].completion.begin(),
               rollouts[size_t(r)].completion.end());
    std::copy(seq.begin(), seq.end() - 1, ids.begin() + r * T);
    std::copy(seq.begin() + 1, seq.end(), targets.begin() + r * T);
    spans.push_back({r, 8, int64_t(rollouts[size_t(r)].completion.size())});
  }
  const std::vector<float> alone = gradient(ids.data(), targets.data(), n, T, {}, spans);
  float size = 0;
  for (const float g : alone) size = std::max(size, std::abs(g));
  ASSERT_GT(size, 0.0f);
  for (size_t i = 0; i < alone.size(); ++i)
    ASSERT_NEAR(shared[i], alone[i], 1e-4f * size) << "parameter " << i;
}

// A packing the graph cannot honour is refused with the position named:
// row of 6 = documents [0,2) [2,4) [4,6).
TEST(PackRollouts, TheGraphRefusesABadPrefix) {
  const Model model = tiny_model(5);
  const ModelConfig& mc = model.config();
  TrainingGraph graph(mc, 1, 8);
  const std::vector<int32_t> ids(6, 1), starts = {0, 0, 2, 2, 4, 4};
  const auto message = [&](const std::vector<int32_t>& prefix) -> std::string {
    try {
      graph.forward(model, ids.data(), ids.data(), 1, 6, 1.0f, {starts.data(), prefix.data()});
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(message({0, 0, 0, 0, 0, 0}), "") << "[2,4) and [4,6) both continue [0,2)";
  EXPECT_EQ(message({0, 0, 2, 2, 2, 2}), "") << "[4,6) continues [2,4)";
  for (const auto& [prefix, position] : std::vector<std::pair<std::vector<int32_t>, int>>{
           {{0, 0, 1, 1, 4, 4}, 2},     // not a document's start
           {{0, 0, 4, 4, 4, 4}, 2},     // a later document
           {{0, 0, 0, 0, 2, 2}, 4},     // [2,4) continues [0,2) itself
           {{0, 0, 0, 2, 4, 4}, 3}}) {  // two prefixes in one document
    const std::string what = message(prefix);
    EXPECT_NE(what.find("prefix start"), std::string::npos) << what;
    EXPECT_NE(what.find(fmt::format("position {}", position)), std::string::npos) << what;
  }
}

// RL's first update takes its forward from generation: rollouts generated with
// their activations recorded, packed (shared prompts, a lone rollout, padded
// rows), give through forward_rollouts the log-probs, entropy and gradients of
// the computed forward, bit for bit; a batch with an unrecorded rollout is
// computed.
TEST(PackRollouts, RecordedActivationsGiveTheComputedForward) {
  const Model model = tiny_model(8);
  const ModelConfig& mc = model.config();
  std::vector<GenerationRequest> requests;
  Rng rng(12);
  for (const int group : {3, 1, 4}) {
    std::vector<int32_t> prompt(size_t(5 + rng.below(9)));
    for (int32_t& t : prompt) t = int32_t(rng.below(64));
    for (int g = 0; g < group; ++g) {
      GenerationRequest q;
      q.id = requests.size();
      q.prompt = prompt;
      q.max_new_tokens = 4 + int64_t(rng.below(12));
      q.stop_ids = {3};
      q.record = true;
      requests.push_back(q);
    }
  }
  const float temperature = 0.9f;
  for (GenerationRequest& q : requests) q.sampling.temperature = temperature;
  Generator generator(model, {5, 0, true, true, 77, int64_t(1) << 26});
  const std::vector<GenerationResult> results = generator.generate(requests);
  std::vector<Rollout> rollouts(results.size());
  for (size_t i = 0; i < results.size(); ++i) {
    rollouts[i].prompt = requests[i].prompt;
    rollouts[i].completion = results[i].tokens;
    rollouts[i].records = results[i].records;
  }
  const int64_t n = int64_t(rollouts.size()), T = 30;
  PackedRollouts packed;
  pack_rollouts(rollouts, 0, n, false, n * T, packed, nullptr);
  ASSERT_EQ(packed.records.size(), packed.ids.size());
  ASSERT_TRUE(std::count(packed.records.begin(), packed.records.end(), -1) > 0)
      << "the batch should have padding";
  const int64_t N = packed.rows * packed.T;
  std::vector<float> dlogprobs(size_t(N), 0.0f), dentropy(size_t(N), 0.0f);
  for (const CompletionSpan& s : packed.spans)
    for (int64_t t = 0; t < s.length; ++t) {
      dlogprobs[size_t(s.row * packed.T + s.begin + t)] = -1.0f - 0.1f * float(t);
      dentropy[size_t(s.row * packed.T + s.begin + t)] = 0.05f * float(s.rollout + 1);
    }
  struct Pass {
    std::vector<float> logprobs, entropy, grads;
  };
  // Each pass in a graph of its own: nothing left from the other.
  const auto pass = [&](const ActivationStore* recorded) {
    TrainingGraph graph(mc, n, T);
    const bool reused = forward_rollouts(graph, model, packed, temperature, recorded);
    EXPECT_EQ(reused, recorded != nullptr);
    Pass p{{graph.logprobs(), graph.logprobs() + N}, {graph.entropy(), graph.entropy() + N}, {}};
    p.grads.assign(model.layout().total, 0.0f);
    graph.backward(model, dlogprobs.data(), dentropy.data(), p.grads.data());
    return p;
  };
  const Pass computed = pass(nullptr), recorded = pass(generator.activations());
  const auto equal = [](const std::vector<float>& a, const std::vector<float>& b) {
    int64_t same = 0;
    for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
    return same;
  };
  for (const CompletionSpan& s : packed.spans)
    for (int64_t t = 0; t < s.length; ++t) {
      const size_t i = size_t(s.row * packed.T + s.begin + t);
      EXPECT_EQ(recorded.logprobs[i], computed.logprobs[i]) << "position " << i;
      EXPECT_EQ(recorded.entropy[i], computed.entropy[i]) << "position " << i;
    }
  EXPECT_EQ(equal(recorded.grads, computed.grads), int64_t(computed.grads.size()));
  float size = 0;
  for (const float g : computed.grads) size = std::max(size, std::abs(g));
  EXPECT_GT(size, 0.0f);

  rollouts[4].records.clear();  // one rollout without its records: computed
  pack_rollouts(rollouts, 0, n, false, n * T, packed, nullptr);
  EXPECT_TRUE(packed.records.empty());
  TrainingGraph graph(mc, n, T);
  EXPECT_FALSE(forward_rollouts(graph, model, packed, temperature, generator.activations()));
}

}  // namespace r1
