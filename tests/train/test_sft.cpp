// Supervised fine-tuning: which tokens the loss trains for each JSONL shape
// (derived by hand with a byte tokenizer, where every character is one token
// whose id is its byte), the errors bad lines get, packing, that a tiny model
// learns its completions, and that a resumed run is bit-identical.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../common/byte_tokenizer.h"
#include "../common/subprocess.h"
#include "../common/tolerance.h"
#include "core/check.h"
#include "core/file_io.h"
#include "model/presets.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer_io.h"
#include "train/sft.h"

namespace r1 {

namespace fs = std::filesystem;

namespace {

using testing::byte_tokenizer;
using testing::kEos;
using testing::kImEnd;
using testing::kImStart;

// Appends the bytes of `text` (or one special id) with the given flag.
struct Expected {
  std::vector<int32_t> ids;
  std::vector<uint8_t> trained;
  Expected& text(const std::string& s, bool t) {
    for (unsigned char c : s) {
      ids.push_back(c);
      trained.push_back(t);
    }
    return *this;
  }
  Expected& id(int32_t i, bool t) {
    ids.push_back(i);
    trained.push_back(t);
    return *this;
  }
};

void expect_example(const SftExample& got, const Expected& want) {
  EXPECT_EQ(got.ids, want.ids);
  EXPECT_EQ(got.trained, want.trained);
}

std::string temp_dir(const std::string& name) {
  const std::string dir = (fs::temp_directory_path() / ("r1_sft_" + name)).string();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string write_jsonl(const std::string& dir, const std::string& name, const std::string& text) {
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

TEST(SftData, PlainPromptCompletionTrainsTheCompletionAndEos) {
  const SftExample e =
      sft_example(nlohmann::json::parse(R"({"prompt":"ab","completion":"c"})"), byte_tokenizer());
  expect_example(e, Expected().text("ab", false).text("c", true).id(kEos, true));
}

// ChatML: every assistant turn from its first character through <|im_end|>\n
// is trained; system, user and the "<|im_start|>assistant\n" headers are not.
TEST(SftData, MessagesTrainEveryAssistantTurn) {
  const SftExample e = sft_example(nlohmann::json::parse(R"({"messages":[
      {"role":"system","content":"s"},{"role":"user","content":"hi"},
      {"role":"assistant","content":"yo"},{"role":"user","content":"q"},
      {"role":"assistant","content":"ok"}]})"),
                                   byte_tokenizer());
  Expected want;
  want.id(kImStart, false).text("system\ns", false).id(kImEnd, false).text("\n", false);
  want.id(kImStart, false).text("user\nhi", false).id(kImEnd, false).text("\n", false);
  want.id(kImStart, false).text("assistant\n", false);
  want.text("yo", true).id(kImEnd, true).text("\n", true);
  want.id(kImStart, false).text("user\nq", false).id(kImEnd, false).text("\n", false);
  want.id(kImStart, false).text("assistant\n", false);
  want.text("ok", true).id(kImEnd, true).text("\n", true);
  expect_example(e, want);
}

// Conversational prompt/completion: an assistant turn inside the prompt (a
// few-shot example) is context; only the completion's turn is trained.
TEST(SftData, ConversationalPromptCompletionTrainsOnlyTheCompletion) {
  const SftExample e = sft_example(nlohmann::json::parse(R"({
      "prompt":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},
                {"role":"user","content":"c"}],
      "completion":[{"role":"assistant","content":"d"}]})"),
                                   byte_tokenizer());
  Expected want;
  want.id(kImStart, false).text("user\na", false).id(kImEnd, false).text("\n", false);
  want.id(kImStart, false).text("assistant\nb", false).id(kImEnd, false).text("\n", false);
  want.id(kImStart, false).text("user\nc", false).id(kImEnd, false).text("\n", false);
  want.id(kImStart, false).text("assistant\n", false);
  want.text("d", true).id(kImEnd, true).text("\n", true);
  expect_example(e, want);
}

// The R1-Zero template ends the prompt with "Assistant:" and has no
// end-of-turn token: the reply (after its separating space) and EOS are
// trained.
TEST(SftData, R1ZeroTemplateAppendsEos) {
  const SftExample e = sft_example(nlohmann::json::parse(R"({"messages":[
      {"role":"user","content":"1+1"},{"role":"assistant","content":"2"}]})"),
                                   byte_tokenizer(r1_zero_chat_template()));
  expect_example(e, Expected().text(r1_zero_prompt("1+1"), false).text(" 2", true).id(kEos, true));
}

TEST(SftData, ErrorsNameFileLineAndField) {
  const std::string dir = temp_dir("errors");
  const Tokenizer tok = byte_tokenizer();
  auto error = [&](const std::string& second_line) {
    const std::string path = write_jsonl(
        dir, "data.jsonl", "{\"prompt\":\"a\",\"completion\":\"b\"}\n" + second_line + "\n");
    return error_of([&] { load_sft_data(path, tok, 64); });
  };
  const std::string where = dir + "/data.jsonl:2: ";
  EXPECT_EQ(error("{\"prompt\": \"a\""), where + "expected a JSON object on this line");
  EXPECT_EQ(error(R"({"prompt":"a"})"), where + "field \"completion\": missing");
  EXPECT_EQ(error(R"({"completion":"a"})"), where + "field \"prompt\": missing");
  EXPECT_EQ(error(R"({"text":"a"})"),
            where + "expected the fields \"prompt\" and \"completion\", or \"messages\"");
  EXPECT_EQ(error(R"({"prompt":"a","completion":""})"), where + "field \"completion\": empty");
  EXPECT_EQ(error(R"({"prompt":"a","completion":[{"role":"assistant","content":"b"}]})"),
            where +
                "fields \"prompt\" and \"completion\": expected both strings or both lists of "
                "messages");
  EXPECT_EQ(error(R"({"messages":[{"role":"user","content":"a"},{"role":"tool","content":"b"}]})"),
            where +
                "field \"messages[1].role\": the model's chat template (ChatML) knows no role "
                "\"tool\" (it knows system, user and assistant)");
  EXPECT_EQ(error(R"({"messages":[{"role":"user"}]})"),
            where + "field \"messages[0].content\": missing");
  EXPECT_EQ(error(R"({"messages":[{"role":"user","content":3}]})"),
            where + "field \"messages[0].content\": expected a string");
  EXPECT_EQ(
      error(R"({"messages":[{"role":"user","content":"a"},{"role":"assistant","content":""}]})"),
      where + "field \"messages[1].content\": empty assistant turn");
  EXPECT_EQ(error(R"({"messages":[{"role":"user","content":"a"}]})"),
            where + "field \"messages\": no assistant turn to train on");
  EXPECT_EQ(
      error(
          R"({"prompt":[{"role":"user","content":"a"}],"completion":[{"role":"user","content":"b"}]})"),
      where + "field \"completion\": no assistant turn to train on");
  EXPECT_EQ(
      error(
          R"({"prompt":"0123456789012345678901234567890123456789012345678901234567890123456789","completion":"b"})"),
      where +
          "the prompt fills all 64 tokens of max_length, leaving no completion token to "
          "train on");
  const std::string empty = write_jsonl(dir, "empty.jsonl", "\n");
  EXPECT_EQ(error_of([&] { load_sft_data(empty, tok, 64); }), empty + ": no examples");
}

TEST(SftData, RoleTheR1ZeroTemplateDoesNotKnowIsNamed) {
  const std::string message = error_of([] {
    sft_example(nlohmann::json::parse(R"({"messages":[{"role":"system","content":"a"},
        {"role":"user","content":"b"},{"role":"assistant","content":"c"}]})"),
                byte_tokenizer(r1_zero_chat_template()));
  });
  EXPECT_EQ(message,
            "field \"messages[0].role\": the model's chat template (R1-Zero) knows no role "
            "\"system\" (it knows user and assistant)");
}

TEST(SftData, LongExamplesAreCutAndCounted) {
  const std::string dir = temp_dir("truncate");
  const std::string path = write_jsonl(dir, "data.jsonl",
                                       "{\"prompt\":\"ab\",\"completion\":\"cdefgh\"}\n"
                                       "{\"prompt\":\"ab\",\"completion\":\"c\"}\n");
  const SftData data = load_sft_data(path, byte_tokenizer(), 5);
  EXPECT_EQ(data.truncated, 1);
  ASSERT_EQ(data.examples.size(), 2u);
  expect_example(data.examples[0], Expected().text("ab", false).text("cde", true));
  EXPECT_EQ(data.examples[1].line, 2);
}

// The loss of a batch averages over its trained positions: position t
// predicts ids[t+1] and weighs 1/3 when that token is trained.
TEST(SftBatch, WeightsSitOnPositionsPredictingCompletionTokens) {
  const Tokenizer tok = byte_tokenizer();
  const std::vector<SftExample> examples = {
      sft_example(nlohmann::json::parse(R"({"prompt":"ab","completion":"c"})"), tok),
      sft_example(nlohmann::json::parse(R"({"prompt":"x","completion":"y"})"), tok)};
  const auto rows = sft_rows(examples, 16, false);
  TokenBatch batch;
  const std::vector<int64_t> order = {1, 0};
  fill_sft_batch(batch, examples, rows, order, false);
  EXPECT_EQ(batch.B, 2);
  EXPECT_EQ(batch.T, 3);
  const float w = 1.0f / 4.0f;  // "c", EOS, "y", EOS
  EXPECT_EQ(batch.ids, (std::vector<int32_t>{'x', 'y', 0, 'a', 'b', 'c'}));
  EXPECT_EQ(batch.targets, (std::vector<int32_t>{'y', kEos, 0, 'b', 'c', kEos}));
  EXPECT_EQ(batch.weights, (std::vector<float>{w, w, 0, 0, w, w}));
  EXPECT_TRUE(batch.doc_starts.empty());
}

// Best-fit decreasing, by hand: positions 4,2,3,1,5 into rows of 6.
// 5 → row 0 (1 free); 4 → row 1 (2 free); 3 → row 2 (3 free);
// 2 → row 1, the tightest fit (0 free); 1 → row 0 (0 free).
TEST(SftBatch, PackingIsBestFitDecreasing) {
  std::vector<SftExample> examples;
  for (int n : {4, 2, 3, 1, 5})
    examples.push_back(
        {std::vector<int32_t>(size_t(n + 1), 7), std::vector<uint8_t>(size_t(n + 1), 1), 0});
  const auto rows = sft_rows(examples, 6, true);
  EXPECT_EQ(rows, (std::vector<std::vector<int32_t>>{{4, 3}, {0, 1}, {2}}));
  TokenBatch batch;
  const std::vector<int64_t> order = {1, 2};
  fill_sft_batch(batch, examples, rows, order, true);
  EXPECT_EQ(batch.T, 6);
  EXPECT_EQ(batch.doc_starts, (std::vector<int32_t>{0, 0, 0, 0, 4, 4, 0, 0, 0, 3, 3, 3}));
}

// Packing changes the batch, not what the model computes: each example's
// log-probs and the gradient match the unpacked batch of the same examples.
TEST(SftBatch, PackedRowsComputeWhatSeparateRowsDo) {
  const Tokenizer tok = byte_tokenizer();
  std::vector<SftExample> examples;
  for (const char* line :
       {R"({"prompt":"12+3=","completion":"15"})", R"({"prompt":"7*6=","completion":"42"})",
        R"({"prompt":"hello","completion":" world"})"})
    examples.push_back(sft_example(nlohmann::json::parse(line), tok));
  Model model(model_preset("tiny", tok.vocab_size()));
  model.init_random(3);
  const std::vector<int64_t> all = {0, 1, 2};
  TokenBatch separate, packed;
  fill_sft_batch(separate, examples, sft_rows(examples, 64, false), all, false);
  const auto packed_rows = sft_rows(examples, 64, true);
  ASSERT_EQ(packed_rows.size(), 1u);
  const std::vector<int64_t> one = {0};
  fill_sft_batch(packed, examples, packed_rows, one, true);

  std::vector<float> grads_separate, grads_packed;
  std::vector<std::vector<float>> logprobs;
  for (TokenBatch* batch : {&separate, &packed}) {
    TrainingGraph graph(model.config(), batch->B, batch->T);
    graph.forward(model, batch->ids.data(), batch->targets.data(), batch->B, batch->T, 1.0f,
                  batch->doc_starts.empty() ? nullptr : batch->doc_starts.data());
    std::vector<float> dlogprobs(size_t(batch->B * batch->T)), grads(model.num_params(), 0.0f);
    weighted_loss(graph.logprobs(), graph.entropy(), batch->weights.data(), nullptr,
                  batch->B * batch->T, dlogprobs.data(), nullptr);
    graph.backward(model, dlogprobs.data(), nullptr, grads.data());
    (batch == &separate ? grads_separate : grads_packed) = grads;
    // The log-probs of the real positions, in example order.
    std::vector<float> lp;
    for (int64_t n = 0; n < batch->B * batch->T; ++n)
      if (batch->weights[size_t(n)] > 0) lp.push_back(graph.logprobs()[n]);
    logprobs.push_back(lp);
  }
  // Packed rows hold examples longest first; the separate rows are in file
  // order, so compare as multisets of per-position values.
  ASSERT_EQ(logprobs[0].size(), logprobs[1].size());
  std::sort(logprobs[0].begin(), logprobs[0].end());
  std::sort(logprobs[1].begin(), logprobs[1].end());
  for (size_t i = 0; i < logprobs[0].size(); ++i)
    EXPECT_NEAR(logprobs[0][i], logprobs[1][i], 1e-5) << i;
  // Both sums run over the same terms in another order: fp32 rounding only.
  EXPECT_LT(testing::rel_l2(grads_packed.data(), grads_separate), 1e-4);
}

namespace {

std::vector<SftExample> arithmetic_examples(const Tokenizer& tok) {
  std::vector<SftExample> examples;
  for (const char* line :
       {R"({"prompt":"2+3=","completion":"5"})", R"({"prompt":"4+4=","completion":"8"})",
        R"({"prompt":"1+6=","completion":"7"})", R"({"prompt":"3+3=","completion":"6"})",
        R"({"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]})"})
    examples.push_back(sft_example(nlohmann::json::parse(line), tok));
  return examples;
}

SftConfig small_config() {
  SftConfig c;
  c.epochs = 40;
  c.batch_size = 2;
  c.max_length = 64;
  c.schedule.lr = 3e-3;
  c.schedule.kind = "constant";
  c.seed = 7;
  return c;
}

// Greedy decoding by repeated full forward passes (small enough here).
std::vector<int32_t> greedy(const Model& model, std::vector<int32_t> ids, int max_new) {
  std::vector<int32_t> out;
  const int64_t V = model.config().vocab_size;
  for (int i = 0; i < max_new; ++i) {
    const int64_t T = int64_t(ids.size());
    TrainingGraph graph(model.config(), 1, T);
    graph.forward(model, ids.data(), ids.data(), 1, T);
    const float* last = graph.logits() + (T - 1) * V;
    const int32_t next = int32_t(std::max_element(last, last + V) - last);
    out.push_back(next);
    if (next == kEos) break;
    ids.push_back(next);
  }
  return out;
}

std::string read_metrics_without_timing(const std::string& path) {
  std::istringstream in(read_file(path));
  std::string line, out;
  while (std::getline(in, line)) {
    nlohmann::json j = nlohmann::json::parse(line);
    j.erase("tokens_per_s");
    j.erase("time_s");
    out += j.dump() + "\n";
  }
  return out;
}

}  // namespace

// A tiny model fine-tuned on five examples reproduces every completion
// greedily, EOS (or <|im_end|>) included, from the prompt alone.
TEST(SftRun, TinyModelLearnsItsCompletions) {
  const Tokenizer tok = byte_tokenizer();
  SftData data;
  data.examples = arithmetic_examples(tok);
  Model model(model_preset("tiny", tok.vocab_size()));
  model.init_random(11);
  const std::string dir = temp_dir("learns");
  const SftResult result = sft(model, data, data.examples, small_config(), dir, false);
  EXPECT_EQ(result.steps_done, 40 * 3);
  EXPECT_LT(result.eval_loss, 0.05);
  for (const SftExample& e : data.examples) {
    size_t first = 1;
    while (!e.trained[first]) ++first;
    const std::vector<int32_t> prompt(e.ids.begin(), e.ids.begin() + long(first));
    const std::vector<int32_t> want(e.ids.begin() + long(first), e.ids.end());
    std::vector<int32_t> got = greedy(model, prompt, int(want.size()));
    EXPECT_EQ(tok.decode(got), tok.decode(want)) << "line " << e.line;
  }
  const Model saved = load_model(dir);
  EXPECT_TRUE(std::equal(saved.data(), saved.data() + saved.num_params(), model.data()));
}

// A run resumed from a checkpoint taken mid-epoch ends with the same weights
// and metrics as the uninterrupted run, packing and eval included.
TEST(SftRun, ResumeIsBitExact) {
  const Tokenizer tok = byte_tokenizer();
  SftData data;
  data.examples = arithmetic_examples(tok);
  SftConfig config = small_config();
  config.epochs = 3;
  config.packing = true;
  config.max_length = 32;  // two rows: the chat example alone, the four sums together
  config.batch_size = 1;
  config.save_every = 1;
  config.keep_checkpoints = 100;
  config.schedule.kind = "cosine";
  const std::vector<SftExample> eval = {data.examples[0], data.examples[4]};

  const std::string full = temp_dir("resume_full"), cut = temp_dir("resume_cut");
  Model a(model_preset("tiny", tok.vocab_size()));
  a.init_random(2);
  const SftResult ra = sft(a, data, eval, config, full, false);
  ASSERT_EQ(ra.steps_done, 6);

  // The cut run: the uninterrupted run's files as a kill after step 3's
  // checkpoint (mid-epoch 2) would leave them.
  fs::copy(full, cut, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  write_file_atomic(cut + "/latest", "checkpoint-00000003\n");
  fs::remove(cut + "/model.safetensors");
  Model b(model_preset("tiny", tok.vocab_size()));
  b.init_random(99);  // overwritten by the checkpoint
  const SftResult rb = sft(b, data, eval, config, cut, true);
  EXPECT_EQ(rb.steps_done, ra.steps_done);
  EXPECT_EQ(read_file(cut + "/model.safetensors"), read_file(full + "/model.safetensors"));
  EXPECT_EQ(read_metrics_without_timing(cut + "/metrics.jsonl"),
            read_metrics_without_timing(full + "/metrics.jsonl"));

  // Other data than the checkpoint's is refused.
  SftData other = data;
  other.examples.pop_back();
  Model c(model_preset("tiny", tok.vocab_size()));
  EXPECT_NE(error_of([&] { sft(c, other, eval, config, cut, true); }).find("other data"),
            std::string::npos);
}

namespace {

// Runs a shell command; returns its exit code and, in `output`, its stdout
// and stderr together.
int run(const std::string& command, std::string* output) {
  std::FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output->append(buf, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

// The command: a model directory in, a model directory out (weights,
// config, the tokenizer files) plus metrics; a bad line is named.
TEST(SftCli, WritesAModelDirectoryAndNamesBadLines) {
  const std::string dir = temp_dir("cli");
  const Tokenizer tok = byte_tokenizer();
  Model base(model_preset("tiny", tok.vocab_size()));
  base.init_random(4);
  save_model(base, dir + "/base");
  save_tokenizer(tok, dir + "/base");
  const std::string data = write_jsonl(dir, "train.jsonl",
                                       "{\"prompt\":\"2+3=\",\"completion\":\"5\"}\n"
                                       "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                                       "{\"role\":\"assistant\",\"content\":\"yo\"}]}\n");
  const std::string r1 = testing::r1_binary();
  std::string output;
  ASSERT_EQ(run(r1 + " sft --model " + dir + "/base --data " + data + " --out " + dir +
                    "/out --epochs 2 --batch-size 1 --lr 1e-3 --threads 1",
                &output),
            0)
      << output;
  for (const char* file : {"config.json", "model.safetensors", "tokenizer.json",
                           "tokenizer_config.json", "metrics.jsonl"})
    EXPECT_TRUE(path_exists(dir + "/out/" + std::string(file))) << file;
  EXPECT_EQ(load_tokenizer(dir + "/out").encode("<|im_end|>"), std::vector<int32_t>{kImEnd});
  EXPECT_EQ(load_model(dir + "/out").num_params(), base.num_params());

  const std::string bad =
      write_jsonl(dir, "bad.jsonl",
                  "{\"prompt\":\"a\",\"completion\":\"b\"}\n{\"messages\":[{\"role\":\"robot\","
                  "\"content\":\"x\"}]}\n");
  output.clear();
  EXPECT_EQ(
      run(r1 + " sft --model " + dir + "/base --data " + bad + " --out " + dir + "/out2", &output),
      1);
  EXPECT_NE(output.find(bad + ":2: field \"messages[0].role\": the model's chat template "
                              "(ChatML) knows no role \"robot\""),
            std::string::npos)
      << output;
}

}  // namespace r1
