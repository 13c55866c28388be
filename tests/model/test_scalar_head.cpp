// The value/reward-model head: a sequence classifier (num_labels = 1) built
// from a causal LM, its per-token values and their gradient through the
// trunk (finite differences), and its HF-style config round trip.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/rng.h"
#include "model/model.h"
#include "model/presets.h"
#include "model/scalar_head.h"
#include "model/transformer.h"

namespace r1 {

namespace {

Model tiny_policy() {
  ModelConfig mc = model_preset("tiny", 37);
  mc.max_position_embeddings = 16;
  Model m(mc);
  m.init_random(5, 0.2f);
  return m;
}

}  // namespace

TEST(ScalarModel, CopiesTheTrunkAndAddsAScoreHead) {
  const Model policy = tiny_policy();
  const Model critic = scalar_model_from(policy, 0.0f);
  EXPECT_EQ(critic.config().num_labels, 1);
  ASSERT_NE(critic.layout().find("score.weight"), nullptr);
  EXPECT_EQ(critic.layout().find("score.weight")->shape,
            (std::vector<int64_t>{1, policy.config().hidden_size}));
  EXPECT_EQ(critic.layout().find("lm_head.weight"), nullptr);
  for (const ParamTensor& t : critic.layout().tensors) {
    const float* c = critic.data() + t.offset;
    if (t.name == "score.weight") {
      for (int64_t i = 0; i < t.numel(); ++i) EXPECT_EQ(c[i], 0.0f);
      continue;
    }
    const ParamTensor* p = policy.layout().find(t.name);
    ASSERT_NE(p, nullptr) << t.name;
    EXPECT_TRUE(std::equal(c, c + t.numel(), policy.data() + p->offset)) << t.name;
  }
}

TEST(ScalarModel, ConfigRoundTripsNumLabels) {
  const Model critic = scalar_model_from(tiny_policy(), 0.1f, 3);
  const nlohmann::json j = critic.config().to_json();
  EXPECT_EQ(j["num_labels"], 1);
  EXPECT_EQ(j["architectures"], nlohmann::json({"Qwen2ForSequenceClassification"}));
  EXPECT_EQ(j["id2label"], nlohmann::json({{"0", "LABEL_0"}}));
  const ModelConfig back = ModelConfig::from_json(j, "test");
  EXPECT_EQ(back.num_labels, 1);
  EXPECT_EQ(back.to_json(), j);
  // As Hugging Face writes it: no num_labels key, the count is id2label's.
  nlohmann::json hf = j;
  hf.erase("num_labels");
  EXPECT_EQ(ModelConfig::from_json(hf, "test").num_labels, 1);
  // A causal LM keeps such keys as unknown extras and stays a causal LM.
  nlohmann::json lm = tiny_policy().config().to_json();
  lm["num_labels"] = 3;
  const ModelConfig lm_back = ModelConfig::from_json(lm, "test");
  EXPECT_EQ(lm_back.num_labels, 0);
  EXPECT_EQ(lm_back.to_json()["num_labels"], 3);
  // The model directory loads back to the same bytes.
  const auto dir =
      std::filesystem::temp_directory_path() / ("r1_critic_" + std::to_string(getpid()));
  save_model(critic, dir.string());
  const Model loaded = load_model(dir.string());
  EXPECT_EQ(loaded.config().num_labels, 1);
  ASSERT_EQ(loaded.num_params(), critic.num_params());
  EXPECT_TRUE(std::equal(critic.data(), critic.data() + critic.num_params(), loaded.data()));
  std::filesystem::remove_all(dir);
}

// L = Σ c_n·v_n over a (2, 6) batch; dL/dθ from ScalarHead::backward against
// central differences (fp32 model, so h = 1e-2 and a loose tolerance: a wrong
// term or sign is O(1) off).
TEST(ScalarHead, GradientMatchesFiniteDifferences) {
  const Model policy = tiny_policy();
  Model critic = scalar_model_from(policy, 0.5f, 9);
  const int64_t B = 2, T = 6, N = B * T;
  // The critic runs through a graph built for the policy's config.
  TrainingGraph graph(policy.config(), B, T);
  ScalarHead head(N, policy.config().hidden_size);
  std::vector<int32_t> ids(static_cast<size_t>(N));
  std::vector<float> c(static_cast<size_t>(N));
  Rng rng(11, 1);
  for (int64_t n = 0; n < N; ++n) {
    ids[size_t(n)] = int32_t(rng.uniform_double() * 37) % 37;
    c[size_t(n)] = float(rng.normal());
  }
  auto loss = [&] {
    head.forward(graph, critic, ids.data(), B, T);
    double l = 0;
    for (int64_t n = 0; n < N; ++n) l += double(c[size_t(n)]) * head.values()[n];
    return l;
  };
  loss();
  std::vector<float> grads(critic.num_params(), 0.0f);
  head.backward(graph, critic, c.data(), grads.data());
  std::vector<size_t> checked;
  for (const char* name :
       {"score.weight", "model.norm.weight", "model.embed_tokens.weight",
        "model.layers.0.self_attn.q_proj.weight", "model.layers.1.mlp.down_proj.weight"}) {
    const ParamTensor* t = critic.layout().find(name);
    ASSERT_NE(t, nullptr) << name;
    for (int64_t i = 0; i < std::min<int64_t>(t->numel(), 12); ++i)
      checked.push_back(t->offset + size_t(i * 7 % t->numel()));
  }
  // The embedding rows of tokens that occur.
  const ParamTensor* embed = critic.layout().find("model.embed_tokens.weight");
  for (int64_t k = 0; k < 6; ++k)
    checked.push_back(embed->offset + size_t(ids[0]) * size_t(policy.config().hidden_size) +
                      size_t(k));
  const float h = 1e-2f;
  for (size_t i : checked) {
    const float saved = critic.data()[i];
    critic.data()[i] = saved + h;
    const double up = loss();
    critic.data()[i] = saved - h;
    const double down = loss();
    critic.data()[i] = saved;
    const double numeric = (up - down) / (2.0 * double(h));
    EXPECT_NEAR(grads[i], numeric, 3e-3 + 3e-2 * std::abs(numeric)) << "parameter " << i;
  }
}

}  // namespace r1
