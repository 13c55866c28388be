#include "train/rm.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <span>

#include "core/check.h"
#include "core/file_io.h"
#include "core/progress.h"
#include "rewards/reward_model.h"
#include "tasks/split.h"
#include "train/metrics.h"
#include "train/sft.h"
#include "train/trainer.h"

namespace r1 {

namespace {

// The 2n rows of a batch of n pairs, chosen sides first, right-padded to the
// longest; lengths[r] is row r's token count.
int64_t fill_pair_rows(const std::vector<RmPair>& pairs, std::span<const int64_t> batch,
                       std::vector<int32_t>& ids, std::vector<int64_t>& lengths) {
  const size_t n = batch.size();
  lengths.assign(2 * n, 0);
  int64_t T = 1;
  for (size_t i = 0; i < n; ++i) {
    const RmPair& p = pairs[size_t(batch[i])];
    lengths[i] = int64_t(p.chosen.size());
    lengths[n + i] = int64_t(p.rejected.size());
    T = std::max({T, lengths[i], lengths[n + i]});
  }
  ids.assign(2 * n * size_t(T), 0);
  for (size_t i = 0; i < n; ++i) {
    const RmPair& p = pairs[size_t(batch[i])];
    std::copy(p.chosen.begin(), p.chosen.end(), ids.begin() + int64_t(i) * T);
    std::copy(p.rejected.begin(), p.rejected.end(), ids.begin() + int64_t(n + i) * T);
  }
  return T;
}

int64_t max_tokens(const std::vector<RmPair>& pairs) {
  int64_t T = 1;
  for (const RmPair& p : pairs)
    T = std::max({T, int64_t(p.chosen.size()), int64_t(p.rejected.size())});
  return T;
}

}  // namespace

double bt_loss(const float* chosen, const float* rejected, int64_t n, float* dchosen,
               float* drejected, int64_t* correct) {
  double loss = 0;
  int64_t right = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = double(chosen[i]) - double(rejected[i]);
    // −log σ(d) = softplus(−d), computed without overflow for either sign.
    loss += std::max(-d, 0.0) + std::log1p(std::exp(-std::abs(d)));
    // dL/dd = −σ(−d)/n.
    const double g = -1.0 / (1.0 + std::exp(d)) / double(n);
    dchosen[i] = float(g);
    drejected[i] = float(-g);
    right += d > 0;
  }
  if (correct) *correct = right;
  return loss / double(n);
}

void split_rm_pairs(std::vector<RmPair>& train, std::vector<RmPair>& held_out, double share) {
  std::vector<RmPair> kept;
  for (RmPair& p : train)
    (split_of(p.prompt, share) == Split::test ? held_out : kept).push_back(std::move(p));
  train = std::move(kept);
}

RmEval rm_evaluate(TrainingGraph& graph, ScalarHead& head, const Model& model,
                   const std::vector<RmPair>& pairs, int64_t batch_size) {
  RmEval eval;
  if (pairs.empty()) return eval;
  std::vector<int32_t> ids;
  std::vector<int64_t> lengths, batch;
  std::vector<float> scores, grad;
  double loss = 0;
  int64_t right = 0;
  for (int64_t first = 0; first < int64_t(pairs.size()); first += batch_size) {
    const int64_t n = std::min<int64_t>(batch_size, int64_t(pairs.size()) - first);
    batch.resize(size_t(n));
    for (int64_t i = 0; i < n; ++i) batch[size_t(i)] = first + i;
    const int64_t T = fill_pair_rows(pairs, batch, ids, lengths);
    head.forward(graph, model, ids.data(), 2 * n, T);
    scores.resize(size_t(2 * n));
    grad.resize(size_t(2 * n));
    last_token_values(head.values(), T, lengths, scores.data());
    int64_t batch_right = 0;
    loss += double(n) * bt_loss(scores.data(), scores.data() + n, n, grad.data(), grad.data() + n,
                                &batch_right);
    right += batch_right;
  }
  eval.loss = loss / double(pairs.size());
  eval.accuracy = double(right) / double(pairs.size());
  return eval;
}

RmResult rm_train(Model& model, const std::vector<RmPair>& train, const std::vector<RmPair>& eval,
                  const RmConfig& config, const std::string& out_dir) {
  R1_CHECK(model.config().num_labels == 1,
           "rm_train: expected a sequence classifier with one label (got num_labels {})",
           model.config().num_labels);
  const int64_t B = config.batch_size;
  R1_CHECK(B > 0, "batch_size must be positive (got {})", B);
  R1_CHECK(config.epochs > 0, "epochs must be positive (got {})", config.epochs);
  R1_CHECK(!train.empty(), "no training pairs");
  const int64_t steps_per_epoch = (int64_t(train.size()) + B - 1) / B;
  const int64_t total_steps = steps_per_epoch * config.epochs;
  const int64_t max_T = std::max(max_tokens(train), max_tokens(eval));
  R1_CHECK(max_T <= model.config().max_position_embeddings,
           "a pair has {} tokens, more than the model's max_position_embeddings {}", max_T,
           model.config().max_position_embeddings);
  LrSchedule schedule = config.schedule;
  schedule.total_steps = total_steps;

  make_dirs(out_dir);
  Trainer trainer(model, config.adamw, config.max_grad_norm, 2 * B, max_T);
  ScalarHead head(2 * B * max_T, model.config().hidden_size);
  fmt::print(stderr, "rm: {} training pairs, {} held out; {} steps/epoch × {} epochs\n",
             train.size(), eval.size(), steps_per_epoch, config.epochs);
  MetricsLog metrics(out_dir + "/metrics.jsonl", 0);
  RmResult result;
  if (!eval.empty()) {
    result.eval = rm_evaluate(trainer.graph(), head, model, eval, B);
    result.evaluated = true;
    metrics.append({{"step", 0},
                    {"epoch", 0},
                    {"eval_loss", result.eval.loss},
                    {"eval_accuracy", result.eval.accuracy}});
    fmt::print(stderr, "held-out before training: loss {:.4f}, accuracy {:.3f}\n", result.eval.loss,
               result.eval.accuracy);
  }

  Progress progress("rm", total_steps);
  std::vector<int64_t> order;
  std::vector<int32_t> ids;
  std::vector<int64_t> lengths;
  std::vector<float> scores, dscores, dvalues;
  for (int64_t step = 0; step < total_steps; ++step) {
    const auto t0 = std::chrono::steady_clock::now();
    const int64_t epoch = step / steps_per_epoch, k = step % steps_per_epoch;
    if (k == 0) order = sft_epoch_order(int64_t(train.size()), config.seed, epoch);
    const int64_t first = k * B, n = std::min<int64_t>(B, int64_t(train.size()) - first);
    const std::span<const int64_t> batch(order.data() + first, size_t(n));
    const int64_t T = fill_pair_rows(train, batch, ids, lengths);
    head.forward(trainer.graph(), model, ids.data(), 2 * n, T);
    scores.resize(size_t(2 * n));
    dscores.resize(size_t(2 * n));
    last_token_values(head.values(), T, lengths, scores.data());
    int64_t right = 0;
    const double loss =
        bt_loss(scores.data(), scores.data() + n, n, dscores.data(), dscores.data() + n, &right);
    // The loss reads one position per row: its gradient is zero elsewhere.
    dvalues.assign(size_t(2 * n * T), 0.0f);
    for (size_t r = 0; r < lengths.size(); ++r)
      dvalues[r * size_t(T) + size_t(lengths[r] - 1)] = dscores[r];
    head.backward(trainer.graph(), model, dvalues.data(), trainer.grads().data());
    const double lr = schedule.at(step);
    const StepStats stats = trainer.apply(loss, lr);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    int64_t tokens = 0;
    for (int64_t len : lengths) tokens += len;
    nlohmann::json line = {{"step", step + 1}, {"epoch", epoch + 1},
                           {"loss", loss},     {"accuracy", double(right) / double(n)},
                           {"lr", lr},         {"grad_norm", stats.grad_norm},
                           {"tokens", tokens}, {"time_s", seconds}};
    if (stats.skipped) {
      line["skipped"] = stats.skip_reason;
      fmt::print(stderr, "step {}: skipped ({})\n", step + 1, stats.skip_reason);
    }
    const bool epoch_end = k + 1 == steps_per_epoch;
    std::string status = fmt::format("epoch {} loss {:.4f} lr {:.2e}", epoch + 1, loss, lr);
    if (epoch_end && !eval.empty()) {
      result.eval = rm_evaluate(trainer.graph(), head, model, eval, B);
      line["eval_loss"] = result.eval.loss;
      line["eval_accuracy"] = result.eval.accuracy;
      status += fmt::format(" held-out loss {:.4f} accuracy {:.3f}", result.eval.loss,
                            result.eval.accuracy);
    }
    metrics.append(line);
    if (epoch_end && !eval.empty())
      fmt::print(stderr, "epoch {}: held-out loss {:.4f}, accuracy {:.3f}\n", epoch + 1,
                 result.eval.loss, result.eval.accuracy);
    result.final_loss = loss;
    result.steps = step + 1;
    progress.update(step + 1, status);
  }
  progress.finish(fmt::format("loss {:.4f}", result.final_loss));
  save_model(model, out_dir + "/model");
  return result;
}

}  // namespace r1
