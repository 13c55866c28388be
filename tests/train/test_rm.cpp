// Reward-model training: the Bradley–Terry loss and its gradient (hand
// values, and a PyTorch float64 oracle of the whole classifier for a 2-pair
// batch), how preference lines become token sequences (by hand with a byte
// tokenizer), the errors bad lines get, the held-out split, that a tiny model
// learns a preference, and that two runs write the same bytes.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "../common/byte_tokenizer.h"
#include "../common/tolerance.h"
#include "core/check.h"
#include "core/file_io.h"
#include "core/safetensors.h"
#include "model/presets.h"
#include "model/scalar_head.h"
#include "rewards/reward_model.h"
#include "tasks/split.h"
#include "train/rm.h"

namespace r1 {

namespace fs = std::filesystem;

namespace {

using testing::byte_tokenizer;
using testing::kEos;
using testing::kImEnd;
using testing::kImStart;
using testing::kUnitRoundoff;
using testing::rel_l2;

std::vector<int32_t> bytes(const std::string& s) {
  return std::vector<int32_t>(s.begin(), s.end());
}

std::vector<int32_t> cat(std::vector<int32_t> a, const std::vector<int32_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string temp_dir(const std::string& name) {
  const std::string dir =
      (fs::temp_directory_path() / ("r1_rm_" + name + "_" + std::to_string(getpid()))).string();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string write_text(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

// −log σ(d) and d/dd = −σ(−d): at d = 0, log 2 and −1/2; at d = ±50 the
// loss is e^−50 (≈ 0) or 50 without overflow; the mean divides by n.
TEST(BtLoss, HandValues) {
  const float chosen[] = {0.0f, 50.0f, -25.0f, 1.0f};
  const float rejected[] = {0.0f, 0.0f, 25.0f, 0.0f};
  float dc[4], dr[4];
  int64_t correct = -1;
  const double loss = bt_loss(chosen, rejected, 4, dc, dr, &correct);
  const double want = (std::log(2.0) + std::exp(-50.0) + 50.0 + std::log1p(std::exp(-1.0))) / 4;
  EXPECT_NEAR(loss, want, 1e-12);
  EXPECT_EQ(correct, 2);  // a tie is not ranked right
  const double g[] = {-0.5, -1.0 / (1.0 + std::exp(50.0)), -1.0 / (1.0 + std::exp(-50.0)),
                      -1.0 / (1.0 + std::exp(1.0))};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(dc[i], g[i] / 4, 1e-7) << i;
    EXPECT_EQ(dr[i], -dc[i]) << i;
  }
}

// The whole classifier against tools/make_rm_fixture.py: each row's score at
// its last token, the loss, and every parameter's gradient (float64 autograd
// of HF's Qwen2ForSequenceClassification with TRL's loss).
TEST(BtLoss, MatchesPyTorchOnATwoPairBatch) {
  const std::string dir = std::string(R1_SOURCE_DIR) + "/tests/fixtures/rm";
  const Model model = load_model(dir);
  const ModelConfig& c = model.config();
  ASSERT_EQ(c.num_labels, 1);
  SafetensorsReader expected(dir + "/expected.safetensors");
  const int64_t B = std::stoll(expected.metadata().at("B"));
  const int64_t T = std::stoll(expected.metadata().at("T"));
  std::vector<int32_t> ids;
  for (int64_t v : expected.read_ints("input_ids")) ids.push_back(int32_t(v));
  const std::vector<int64_t> lengths = expected.read_ints("lengths");
  ASSERT_EQ(int64_t(lengths.size()), B);
  const int64_t n = B / 2;

  TrainingGraph graph(c, B, T);
  ScalarHead head(B * T, c.hidden_size);
  head.forward(graph, model, ids.data(), B, T);
  std::vector<float> scores(static_cast<size_t>(B)), dscores(static_cast<size_t>(B));
  last_token_values(head.values(), T, lengths, scores.data());
  // A forward of depth L through matrices of inner size ≤ k: the fp32 error
  // of a value grows like L·√k·u times its scale.
  const int64_t k_max = std::max({c.hidden_size, c.intermediate_size, c.q_dim(), T});
  const double fwd_tol = 8.0 * double(c.num_layers + 1) * std::sqrt(double(k_max)) * kUnitRoundoff;
  const auto ref_scores = expected.read_all("scores");
  double scale = 0;
  for (float s : ref_scores) scale = std::max(scale, double(std::abs(s)));
  for (int64_t b = 0; b < B; ++b)
    EXPECT_NEAR(scores[size_t(b)], ref_scores[size_t(b)], fwd_tol * (1 + scale)) << "row " << b;

  const double loss =
      bt_loss(scores.data(), scores.data() + n, n, dscores.data(), dscores.data() + n);
  EXPECT_NEAR(loss, expected.read_all("loss")[0], fwd_tol * (1 + scale)) << "loss";

  std::vector<float> dvalues(size_t(B * T), 0.0f), grads(model.num_params(), 0.0f);
  for (int64_t b = 0; b < B; ++b)
    dvalues[size_t(b * T + lengths[size_t(b)] - 1)] = dscores[size_t(b)];
  head.backward(graph, model, dvalues.data(), grads.data());
  for (const ParamTensor& t : model.layout().tensors) {
    const auto ref = expected.read_all("grad." + t.name);
    EXPECT_LE(rel_l2(grads.data() + t.offset, ref), 4 * fwd_tol * (1 + scale)) << t.name;
  }
}

TEST(RmData, PlainPairIsPromptResponseEos) {
  int64_t truncated = 0;
  const RmPair p =
      rm_pair(nlohmann::json::parse(R"({"prompt":"Q:","chosen":" yes","rejected":"no"})"),
              byte_tokenizer(), 64, truncated);
  EXPECT_EQ(p.chosen, cat(bytes("Q: yes"), {kEos}));
  EXPECT_EQ(p.rejected, cat(bytes("Q:no"), {kEos}));
  EXPECT_EQ(p.prompt, "Q:");
  EXPECT_EQ(truncated, 0);
  // Without a prompt the responses are the whole text (TRL's implicit prompt).
  const RmPair implicit = rm_pair(nlohmann::json::parse(R"({"chosen":"ab","rejected":"c","id":7})"),
                                  byte_tokenizer(), 64, truncated);
  EXPECT_EQ(implicit.chosen, cat(bytes("ab"), {kEos}));
  EXPECT_EQ(implicit.rejected, cat(bytes("c"), {kEos}));
}

// An over-long side keeps its last max_length tokens, so the score still
// reads the end of the response.
TEST(RmData, TruncationKeepsTheEnd) {
  int64_t truncated = 0;
  const RmPair p =
      rm_pair(nlohmann::json::parse(R"({"prompt":"abcdef","chosen":"gh","rejected":"i"})"),
              byte_tokenizer(), 4, truncated);
  EXPECT_EQ(p.chosen, cat(bytes("fgh"), {kEos}));
  EXPECT_EQ(p.rejected, cat(bytes("efi"), {kEos}));
  EXPECT_EQ(truncated, 2);
}

// ChatML: the prompt is rendered with the generation prompt; a response is
// what the reply adds after it.
TEST(RmData, ConversationalPairsUseTheChatTemplate) {
  int64_t truncated = 0;
  const RmPair p = rm_pair(nlohmann::json::parse(R"({
      "prompt":[{"role":"user","content":"hi"}],
      "chosen":[{"role":"assistant","content":"yo"}],
      "rejected":[{"role":"assistant","content":"no"}]})"),
                           byte_tokenizer(), 64, truncated);
  const std::vector<int32_t> prompt =
      cat(cat(cat({kImStart}, bytes("user\nhi")), cat({kImEnd}, bytes("\n"))),
          cat({kImStart}, bytes("assistant\n")));
  EXPECT_EQ(p.chosen, cat(cat(prompt, bytes("yo")), {kImEnd, '\n', kEos}));
  EXPECT_EQ(p.rejected, cat(cat(prompt, bytes("no")), {kImEnd, '\n', kEos}));
}

TEST(RmData, BadLinesNameFileLineAndField) {
  const std::string dir = temp_dir("bad");
  const Tokenizer tok = byte_tokenizer();
  struct Case {
    const char* line;
    const char* message;
  };
  const Case cases[] = {
      {R"({"prompt":"p","rejected":"r"})", "field \"chosen\": missing"},
      {R"({"prompt":"p","chosen":"c"})", "field \"rejected\": missing"},
      {R"({"prompt":"p","chosen":3,"rejected":"r"})", "field \"chosen\": expected a string"},
      {R"({"prompt":1,"chosen":"c","rejected":"r"})", "field \"prompt\": expected a string"},
      {R"({"prompt":"p","chosen":"c","rejected":null})", "field \"rejected\": expected a string"},
      {R"({"chosen":[{"role":"assistant","content":"a"}],"rejected":"r"})",
       "field \"rejected\": expected a list of messages"},
      {R"({"chosen":[{"role":"assistant"}],"rejected":[]})",
       "field \"chosen[0].content\": missing"},
      {R"(["p","c","r"])", "expected a JSON object"},
  };
  for (const Case& c : cases) {
    const std::string path = write_text(
        dir, "bad.jsonl",
        std::string(R"({"prompt":"a","chosen":"b","rejected":"c"})") + "\n" + c.line + "\n");
    const std::string error = error_of([&] { load_rm_data(path, tok, 64); });
    EXPECT_NE(error.find(path + ":2"), std::string::npos) << c.line << " → " << error;
    EXPECT_NE(error.find(c.message), std::string::npos) << c.line << " → " << error;
  }
  const std::string empty = write_text(dir, "empty.jsonl", "\n");
  EXPECT_NE(error_of([&] { load_rm_data(empty, tok, 64); }).find(empty + ": no preference pairs"),
            std::string::npos);
  const std::string broken = write_text(dir, "broken.jsonl", "{\"prompt\": \n");
  EXPECT_NE(error_of([&] { load_rm_data(broken, tok, 64); }).find(broken + ":1"),
            std::string::npos);
  fs::remove_all(dir);
}

// Held-out pairs are those whose prompt is held out: a prompt never lands on
// both sides, and the order within each side is kept.
TEST(RmData, SplitIsByPrompt) {
  std::vector<RmPair> train, held_out;
  for (int i = 0; i < 200; ++i) {
    RmPair p;
    p.prompt = "prompt " + std::to_string(i % 40);
    p.line = i + 1;
    train.push_back(p);
  }
  split_rm_pairs(train, held_out, 0.25);
  ASSERT_FALSE(train.empty());
  ASSERT_FALSE(held_out.empty());
  EXPECT_EQ(train.size() + held_out.size(), 200u);
  for (const RmPair& p : held_out) EXPECT_EQ(split_of(p.prompt, 0.25), Split::test);
  for (const RmPair& p : train) EXPECT_EQ(split_of(p.prompt, 0.25), Split::train);
  for (size_t i = 1; i < train.size(); ++i) EXPECT_LT(train[i - 1].line, train[i].line);
}

namespace {

// A tiny classifier over the byte vocabulary, and pairs whose chosen side
// ends in "good" and rejected side in "bad" after a varying prompt.
Model tiny_classifier() {
  ModelConfig mc = model_preset("tiny", 259);
  mc.max_position_embeddings = 32;
  Model lm(mc);
  lm.init_random(7);
  return scalar_model_from(lm);
}

std::vector<RmPair> good_bad_pairs(int n, int offset) {
  const Tokenizer tok = byte_tokenizer();
  std::vector<RmPair> pairs;
  int64_t truncated = 0;
  for (int i = 0; i < n; ++i) {
    // Built by appending: g++ 12 warns (-Wrestrict, a false positive) on "q" + string.
    std::string prompt = "q";
    prompt += std::to_string(offset + i);
    prompt += ':';
    pairs.push_back(rm_pair({{"prompt", prompt}, {"chosen", " good"}, {"rejected", " bad"}}, tok,
                            32, truncated));
    pairs.back().prompt = prompt;
  }
  return pairs;
}

}  // namespace

TEST(RmTrain, LearnsAPreferenceAndIsDeterministic) {
  const std::vector<RmPair> train = good_bad_pairs(64, 0), eval = good_bad_pairs(16, 1000);
  RmConfig config;
  config.epochs = 2;
  config.batch_size = 8;
  config.schedule.lr = 3e-3;
  config.schedule.warmup_steps = 2;
  const std::string a = temp_dir("run_a"), b = temp_dir("run_b");
  Model model_a = tiny_classifier(), model_b = tiny_classifier();
  const RmResult ra = rm_train(model_a, train, eval, config, a);
  const RmResult rb = rm_train(model_b, train, eval, config, b);
  EXPECT_EQ(ra.steps, 16);
  ASSERT_TRUE(ra.evaluated);
  // Unseen prompts, the same two responses: the model must rank them all.
  EXPECT_EQ(ra.eval.accuracy, 1.0);
  EXPECT_LT(ra.eval.loss, 0.1);
  EXPECT_EQ(rb.eval.loss, ra.eval.loss);
  EXPECT_EQ(read_file(a + "/model/model.safetensors"), read_file(b + "/model/model.safetensors"));
  EXPECT_EQ(read_file(a + "/model/config.json"), read_file(b + "/model/config.json"));
  // metrics.jsonl: equal but for the wall-clock times.
  auto strip_times = [](const std::string& path) {
    std::string out;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
      nlohmann::json j = nlohmann::json::parse(line);
      j.erase("time_s");
      out += j.dump() + "\n";
    }
    return out;
  };
  const std::string metrics = strip_times(a + "/metrics.jsonl");
  EXPECT_EQ(metrics, strip_times(b + "/metrics.jsonl"));
  EXPECT_NE(metrics.find("\"eval_accuracy\""), std::string::npos);
  // The saved model scores as the trainer evaluated it.
  const Model loaded = load_model(a + "/model");
  TrainingGraph graph(loaded.config(), 16, 32);
  ScalarHead head(16 * 32, loaded.config().hidden_size);
  const RmEval again = rm_evaluate(graph, head, loaded, eval, 8);
  EXPECT_EQ(again.accuracy, ra.eval.accuracy);
  EXPECT_NEAR(again.loss, ra.eval.loss, 1e-6);
  fs::remove_all(a);
  fs::remove_all(b);
}

}  // namespace r1
