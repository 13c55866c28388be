#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "core/check.h"
#include "core/rng.h"
#include "core/threads.h"
#include "generate/generator.h"
#include "model/presets.h"
#include "model/transformer.h"

namespace r1 {

namespace {

// A small random model whose distributions are far from uniform (std 0.3),
// with GQA and per-head q/k norms so every decode path is exercised.
Model test_model(const std::string& type = "qwen3") {
  ModelConfig c = model_preset("tiny", 53);
  c.model_type = type;
  c.qk_norm = type == "qwen3";
  c.qkv_bias = type == "qwen2";
  c.max_position_embeddings = 64;
  Model m(c);
  m.init_random(11, 0.3f);
  if (c.qkv_bias) {  // non-zero biases so they matter
    Rng rng(3);
    for (const ParamTensor& t : m.layout().tensors)
      if (t.name.find("bias") != std::string::npos)
        for (int64_t i = 0; i < t.numel(); ++i)
          m.data()[t.offset + size_t(i)] = 0.1f * rng.normal();
  }
  return m;
}

std::vector<GenerationRequest> test_requests(int n_prompts, int group, float temperature) {
  std::vector<GenerationRequest> out;
  for (int p = 0; p < n_prompts; ++p) {
    Rng rng(99, uint64_t(p));
    // 3 to 30 tokens: prompts shorter than a key block, exactly one, and
    // whole blocks plus a part (the decoder shares whole blocks in place).
    std::vector<int32_t> prompt(size_t(3 + p * 13 % 38));
    for (int32_t& t : prompt) t = int32_t(rng.below(53));
    for (int g = 0; g < group; ++g) {
      GenerationRequest q;
      q.id = uint64_t(p * group + g);
      q.prompt = prompt;
      q.sampling.temperature = temperature;
      q.max_new_tokens = 5 + (p * 7 + g) % 17;
      q.stop_ids = {7};
      out.push_back(q);
    }
  }
  return out;
}

std::vector<GenerationResult> run(const Model& m, const std::vector<GenerationRequest>& reqs,
                                  int64_t batch, int threads, bool continuous = true,
                                  bool share = true) {
  set_threads(threads);
  Generator gen(m, {batch, 0, continuous, share, 1234});
  auto out = gen.generate(reqs);
  set_threads(0);
  return out;
}

}  // namespace

// The invariant GRPO's ratio depends on: the log-prob generation reports for a
// sampled token equals the training forward's on the same sequence.
TEST(Generate, LogprobsAgreeWithTheTrainer) {
  for (const std::string type : {"qwen3", "qwen2", "llama"}) {
    const Model m = test_model(type);
    const auto reqs = test_requests(9, 4, 0.8f);
    for (int64_t batch : {1, 7, 64})
      for (int threads : {1, 2}) {
        const auto results = run(m, reqs, batch, threads);
        TrainingGraph graph(m.config(), 1, 64);
        double max_diff = 0;
        int64_t equal = 0, total = 0;
        for (size_t r = 0; r < reqs.size(); ++r) {
          std::vector<int32_t> seq = reqs[r].prompt;
          seq.insert(seq.end(), results[r].tokens.begin(), results[r].tokens.end());
          const int64_t T = int64_t(seq.size()) - 1, P = int64_t(reqs[r].prompt.size());
          graph.forward(m, seq.data(), seq.data() + 1, 1, T, 0.8f);
          for (size_t i = 0; i < results[r].tokens.size(); ++i) {
            const float trainer = graph.logprobs()[P - 1 + int64_t(i)];
            max_diff = std::max(max_diff, double(std::abs(trainer - results[r].logprobs[i])));
            equal += trainer == results[r].logprobs[i];
            ++total;
          }
        }
        EXPECT_EQ(equal, total) << type << " batch " << batch << " threads " << threads
                                << ": largest difference " << max_diff;
        RecordProperty(
            type + "_b" + std::to_string(batch) + "_t" + std::to_string(threads) + "_bit_equal",
            std::to_string(equal) + "/" + std::to_string(total));
      }
  }
}

// What RL's first update reuses instead of its forward: each position's
// record, written while generating, is what the training graph keeps of the
// position in a forward over prompt + completion, bit for bit — with shared
// prompts, continuous batching over fewer slots than requests (slots reused),
// one slot, and either thread count.
TEST(Generate, RecordsAreTheTrainingForwardsActivations) {
  for (const std::string type : {"qwen3", "qwen2", "llama"}) {
    const Model m = test_model(type);
    std::vector<GenerationRequest> reqs = test_requests(9, 4, 0.8f);
    for (GenerationRequest& q : reqs) q.record = true;
    const int64_t size = RecordLayout(m.config()).size;
    for (int64_t batch : {1, 7, 64})
      for (int threads : {1, 2}) {
        set_threads(threads);
        Generator gen(m, {batch, 0, true, true, 1234, int64_t(1) << 28});
        const auto results = gen.generate(reqs);
        set_threads(0);
        TrainingGraph graph(m.config(), 1, 64);
        std::vector<float> want(static_cast<size_t>(size));
        int64_t equal = 0, total = 0;
        for (size_t r = 0; r < reqs.size(); ++r) {
          std::vector<int32_t> seq = reqs[r].prompt;
          seq.insert(seq.end(), results[r].tokens.begin(), results[r].tokens.end());
          const int64_t T = int64_t(seq.size()) - 1;
          ASSERT_EQ(int64_t(results[r].records.size()), T) << "request " << r;
          graph.forward(m, seq.data(), seq.data() + 1, 1, T, 0.8f);
          for (int64_t t = 0; t < T; ++t) {
            graph.record(t, want.data());
            const float* got = gen.activations()->at(results[r].records[size_t(t)]);
            for (int64_t i = 0; i < size; ++i) equal += got[i] == want[size_t(i)];
            total += size;
          }
        }
        EXPECT_EQ(equal, total) << type << " batch " << batch << " threads " << threads;
      }
  }
}

// Recording changes no token or log-prob. Past its budget a sequence goes
// without records — all of them or none — and clear() makes room again.
TEST(Generate, RecordingChangesNothingAndStopsAtItsBudget) {
  const Model m = test_model();
  std::vector<GenerationRequest> reqs = test_requests(6, 3, 1.0f);
  const auto plain = run(m, reqs, 7, 2);
  for (GenerationRequest& q : reqs) q.record = true;
  const int64_t record_bytes = RecordLayout(m.config()).size * int64_t(sizeof(float));
  Generator gen(m, {7, 0, true, true, 1234, 150 * record_bytes});
  for (int call = 0; call < 2; ++call) {
    gen.activations()->clear();
    const auto out = gen.generate(reqs);
    size_t kept = 0;
    for (size_t r = 0; r < reqs.size(); ++r) {
      EXPECT_EQ(out[r].tokens, plain[r].tokens) << "request " << r;
      EXPECT_EQ(out[r].logprobs, plain[r].logprobs) << "request " << r;
      const size_t positions = reqs[r].prompt.size() + out[r].tokens.size() - 1;
      EXPECT_TRUE(out[r].records.empty() || out[r].records.size() == positions) << "request " << r;
      kept += !out[r].records.empty();
    }
    EXPECT_GT(kept, 0u) << "call " << call;
    EXPECT_LT(kept, reqs.size()) << "call " << call << ": the budget should run out";
  }
  Generator without(m, {7, 0, true, true, 1234});
  EXPECT_EQ(without.activations(), nullptr);
  EXPECT_THROW(without.generate(reqs), Error);
}

// Records live in 64 MiB chunks; a run of consecutive indices may continue in
// the next chunk, the budget counts records, and clear() starts over.
TEST(ActivationStore, RunsCrossChunksWithinTheBudget) {
  const int64_t record = int64_t(1) << 16;  // floats: 256 KiB, 256 records a chunk
  ActivationStore store(record, 300 * record * int64_t(sizeof(float)));
  const int64_t a = store.allocate(200), b = store.allocate(90);
  EXPECT_EQ(a, 0);
  EXPECT_EQ(b, 200);
  EXPECT_EQ(store.allocate(11), -1) << "301 records pass the budget of 300";
  EXPECT_EQ(store.allocate(10), 290);
  for (int64_t i = 0; i < 300; ++i) store.at(i)[record - 1] = float(i);
  for (int64_t i = 0; i < 300; ++i) ASSERT_EQ(store.at(i)[record - 1], float(i)) << i;
  store.clear();
  EXPECT_EQ(store.allocate(1), 0);
}

// RL keeps one generator and trains the model between calls: each call
// samples from the weights as they are then, not from those the generator
// was built with (or a previous call saw).
TEST(Generate, SamplesFromTheWeightsAsTheyAreAtEachCall) {
  Model m = test_model();
  const auto reqs = test_requests(3, 2, 1.0f);
  Generator gen(m, {8, 0, true, true, 1234});
  const auto before = gen.generate(reqs);
  for (size_t i = 0; i < m.num_params(); ++i) m.data()[i] *= 1.5f;
  const auto after = gen.generate(reqs);
  TrainingGraph graph(m.config(), 1, 64);
  int64_t changed = 0;
  for (size_t r = 0; r < reqs.size(); ++r) {
    std::vector<int32_t> seq = reqs[r].prompt;
    seq.insert(seq.end(), after[r].tokens.begin(), after[r].tokens.end());
    const int64_t P = int64_t(reqs[r].prompt.size());
    graph.forward(m, seq.data(), seq.data() + 1, 1, int64_t(seq.size()) - 1);
    for (size_t i = 0; i < after[r].tokens.size(); ++i)
      EXPECT_EQ(after[r].logprobs[i], graph.logprobs()[P - 1 + int64_t(i)]) << "request " << r;
    changed += before[r].tokens != after[r].tokens || before[r].logprobs != after[r].logprobs;
  }
  EXPECT_GT(changed, 0);
}

TEST(Generate, SameTokensForAnyBatchThreadsOrBatchingMode) {
  const Model m = test_model();
  const auto reqs = test_requests(8, 3, 1.0f);
  const auto reference = run(m, reqs, 1, 1);
  for (int64_t batch : {1, 7, 64})
    for (int threads : {1, 2})
      for (bool continuous : {true, false})
        for (bool share : {true, false}) {
          const auto out = run(m, reqs, batch, threads, continuous, share);
          for (size_t r = 0; r < reqs.size(); ++r) {
            EXPECT_EQ(out[r].tokens, reference[r].tokens)
                << "request " << r << " batch " << batch << " threads " << threads << " continuous "
                << continuous << " share " << share;
            EXPECT_EQ(out[r].stop_reason, reference[r].stop_reason);
          }
        }
}

// r1 generate and r1 eval size the cache to their requests instead of the
// model's whole context: the same tokens, log-probs and stop reasons.
TEST(Generate, AContextSizedToTheRequestsGivesTheSameResults) {
  const Model m = test_model();
  const auto reqs = test_requests(8, 2, 1.0f);
  const int64_t need = context_needed(reqs);
  int64_t longest = 0;
  for (const GenerationRequest& q : reqs)
    longest = std::max(longest, int64_t(q.prompt.size()) + q.max_new_tokens + 1);
  EXPECT_EQ(need, longest);
  ASSERT_LT(need, m.config().max_position_embeddings);
  const auto whole = run(m, reqs, 7, 2);
  Generator sized(m, {7, need, true, true, 1234});
  EXPECT_EQ(sized.max_seq(), need);
  const auto out = sized.generate(reqs);
  for (size_t r = 0; r < reqs.size(); ++r) {
    EXPECT_EQ(out[r].tokens, whole[r].tokens) << "request " << r;
    EXPECT_EQ(out[r].logprobs, whole[r].logprobs) << "request " << r;
    EXPECT_EQ(out[r].stop_reason, whole[r].stop_reason) << "request " << r;
  }
  // A request for no new tokens still needs its prompt and one position.
  GenerationRequest empty;
  empty.prompt = {1, 2, 3};
  empty.max_new_tokens = 0;
  EXPECT_EQ(context_needed({empty}), 5);
}

// The decoder prefills (and r1 score scores) with graphs built for
// inference: the same forward, no backward buffers, and backward() refused.
TEST(Generate, InferenceGraphsForwardTheSameAndRefuseBackward) {
  const Model m = test_model();
  const int64_t T = 20;
  TrainingGraph train(m.config(), 1, T), infer(m.config(), 1, T, GraphUse::kInference);
  std::vector<int32_t> ids(T + 1);
  for (int64_t t = 0; t <= T; ++t) ids[size_t(t)] = int32_t(t * 7 % 53);
  train.forward(m, ids.data(), ids.data() + 1, 1, T);
  infer.forward(m, ids.data(), ids.data() + 1, 1, T);
  for (int64_t t = 0; t < T; ++t) EXPECT_EQ(infer.logprobs()[t], train.logprobs()[t]) << t;
  std::vector<float> dlogprobs(T, 1.0f), grads(m.num_params());
  EXPECT_THROW(infer.backward(m, dlogprobs.data(), nullptr, grads.data()), std::exception);
  EXPECT_NO_THROW(train.backward(m, dlogprobs.data(), nullptr, grads.data()));
}

TEST(Generate, GreedyWithCacheEqualsFullRecomputation) {
  const Model m = test_model();
  auto reqs = test_requests(5, 1, 0.0f);
  for (auto& q : reqs) q.stop_ids.clear();
  const auto results = run(m, reqs, 4, 2);
  TrainingGraph graph(m.config(), 1, 64);
  const int64_t V = m.config().vocab_size;
  for (size_t r = 0; r < reqs.size(); ++r) {
    std::vector<int32_t> seq = reqs[r].prompt;
    for (int64_t i = 0; i < reqs[r].max_new_tokens; ++i) {
      graph.forward(m, seq.data(), seq.data(), 1, int64_t(seq.size()));
      const float* last = graph.logits() + (int64_t(seq.size()) - 1) * V;
      seq.push_back(int32_t(std::max_element(last, last + V) - last));
    }
    const std::vector<int32_t> expected(seq.begin() + int64_t(reqs[r].prompt.size()), seq.end());
    EXPECT_EQ(results[r].tokens, expected) << "request " << r;
    EXPECT_EQ(results[r].stop_reason, "length");
  }
}

TEST(Generate, StopsOnStopIdAndReportsIt) {
  const Model m = test_model();
  auto reqs = test_requests(6, 2, 1.0f);
  const auto results = run(m, reqs, 5, 2);
  int stops = 0;
  for (size_t r = 0; r < reqs.size(); ++r) {
    const auto& t = results[r].tokens;
    ASSERT_FALSE(t.empty());
    if (results[r].stop_reason == "stop") {
      ++stops;
      EXPECT_EQ(t.back(), 7);
    } else {
      EXPECT_EQ(int64_t(t.size()), reqs[r].max_new_tokens);
    }
    // No stop id before the end.
    EXPECT_EQ(std::count(t.begin(), t.end() - 1, 7), 0);
  }
  EXPECT_GT(stops, 0);
}

TEST(Generate, BadRequestsGetClearErrors) {
  const Model m = test_model();
  Generator gen(m, {4, 0, true, true, 1});
  GenerationRequest empty;
  EXPECT_THROW(gen.generate({empty}), Error);
  GenerationRequest too_long;
  too_long.prompt.assign(64, 1);
  EXPECT_THROW(gen.generate({too_long}), Error);
  GenerationRequest bad_stop;
  bad_stop.prompt = {1, 2};
  bad_stop.stop_ids = {53};
  EXPECT_THROW(gen.generate({bad_stop}), Error);
  GenerationRequest bad_token;
  bad_token.prompt = {1, -3};
  EXPECT_THROW(gen.generate({bad_token}), Error);
}

}  // namespace r1
