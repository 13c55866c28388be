#include "train/pretrain.h"

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <sstream>

#include "core/check.h"
#include "core/file_io.h"
#include "core/progress.h"
#include "core/rng.h"
#include "train/checkpoint.h"
#include "train/metrics.h"
#include "train/trainer.h"

namespace r1 {

namespace {

void fill_batch(TokenBatch& batch, const std::vector<int32_t>& tokens, uint64_t seed,
                int64_t step) {
  const int64_t T = batch.T;
  const uint64_t positions = tokens.size() - size_t(T);
  for (int64_t b = 0; b < batch.B; ++b) {
    Rng rng(seed, uint64_t(step), uint64_t(b));
    const size_t start = rng.below(positions);
    for (int64_t t = 0; t < T; ++t) {
      batch.ids[size_t(b * T + t)] = tokens[start + size_t(t)];
      batch.targets[size_t(b * T + t)] = tokens[start + size_t(t) + 1];
    }
  }
}

}  // namespace

std::vector<size_t> document_starts(const std::vector<int32_t>& tokens, int32_t separator) {
  std::vector<size_t> starts;
  for (size_t i = 0; i + 1 < tokens.size(); ++i)
    if ((i == 0 || tokens[i - 1] == separator) && tokens[i] != separator) starts.push_back(i);
  return starts;
}

void fill_documents(TokenBatch& batch, const std::vector<int32_t>& tokens,
                    const std::vector<size_t>& starts, int32_t separator, int64_t max_T,
                    uint64_t seed, int64_t step) {
  std::vector<std::pair<size_t, int64_t>> rows;  // (start, positions)
  int64_t T = 1, real = 0;
  for (int64_t b = 0; b < batch.B; ++b) {
    Rng rng(seed, uint64_t(step), uint64_t(b));
    const size_t start = starts[rng.below(starts.size())];
    size_t end = start + 1;
    while (end < tokens.size() && tokens[end - 1] != separator) ++end;
    const int64_t positions = std::min<int64_t>(max_T, int64_t(end - start) - 1);
    rows.emplace_back(start, positions);
    T = std::max(T, positions);
    real += positions;
  }
  batch.T = T;
  batch.ids.assign(size_t(batch.B * T), 0);
  batch.targets.assign(size_t(batch.B * T), 0);
  batch.weights.assign(size_t(batch.B * T), 0.0f);
  for (int64_t b = 0; b < batch.B; ++b) {
    const auto [start, positions] = rows[size_t(b)];
    for (int64_t t = 0; t < positions; ++t) {
      batch.ids[size_t(b * T + t)] = tokens[start + size_t(t)];
      batch.targets[size_t(b * T + t)] = tokens[start + size_t(t) + 1];
      batch.weights[size_t(b * T + t)] = 1.0f / float(real);
    }
  }
}

PretrainResult pretrain(Model& model, const std::vector<int32_t>& tokens,
                        const PretrainConfig& config, const std::string& run_dir, bool resume) {
  const int64_t B = config.batch_size, T = config.seq_len;
  R1_CHECK(B > 0 && T > 0, "batch_size and seq_len must be positive (got {}, {})", B, T);
  R1_CHECK(int64_t(tokens.size()) > T + 1,
           "the corpus has {} tokens; pretraining with seq_len {} needs more than {}",
           tokens.size(), T, T + 1);
  make_dirs(run_dir);
  Trainer trainer(model, config.adamw, config.max_grad_norm, B, T);
  int64_t start = 0;
  if (resume) {
    if (auto dir = latest_checkpoint(run_dir)) {
      start = load_checkpoint(*dir, model, trainer.optimizer()).step;
      fmt::print(stderr, "resuming from {} (step {})\n", *dir, start);
    }
  }
  MetricsLog metrics(run_dir + "/metrics.jsonl", start);

  const bool by_document = config.document_separator >= 0;
  const std::vector<size_t> starts =
      by_document ? document_starts(tokens, config.document_separator) : std::vector<size_t>();
  R1_CHECK(!by_document || !starts.empty(), "the corpus holds no document");
  TokenBatch batch;
  batch.B = B;
  batch.T = T;
  batch.ids.resize(size_t(B * T));
  batch.targets.resize(size_t(B * T));
  batch.weights.assign(size_t(B * T), 1.0f / float(B * T));
  Progress progress("pretrain", config.steps, start);
  PretrainResult result;
  result.steps_done = start;
  for (int64_t step = start; step < config.steps; ++step) {
    const auto t0 = std::chrono::steady_clock::now();
    if (by_document) {
      fill_documents(batch, tokens, starts, config.document_separator, T, config.seed, step);
    } else {
      fill_batch(batch, tokens, config.seed, step);
    }
    const double lr = config.schedule.at(step);
    const StepStats stats = trainer.step(batch, lr);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const int64_t trained = by_document
                                ? int64_t(std::count_if(batch.weights.begin(), batch.weights.end(),
                                                        [](float w) { return w > 0; }))
                                : B * T;
    const double tokens_per_s = double(trained) / seconds;
    nlohmann::json line = {{"step", step + 1},
                           {"loss", stats.loss},
                           {"lr", lr},
                           {"grad_norm", stats.grad_norm},
                           {"tokens_per_s", tokens_per_s},
                           {"time_s", seconds}};
    if (stats.skipped) {
      line["skipped"] = stats.skip_reason;
      fmt::print(stderr, "step {}: skipped ({})\n", step + 1, stats.skip_reason);
    }
    metrics.append(line);
    result.final_loss = stats.loss;
    result.steps_done = step + 1;
    const bool last = step + 1 == config.steps;
    if (last || (config.checkpoint_every > 0 && (step + 1) % config.checkpoint_every == 0))
      save_checkpoint(run_dir, model, trainer.optimizer(), {step + 1, {}}, config.keep_checkpoints);
    progress.update(
        step + 1, fmt::format("loss {:.4f} lr {:.2e} {:.0f} tok/s", stats.loss, lr, tokens_per_s));
  }
  progress.finish(fmt::format("loss {:.4f}", result.final_loss));
  return result;
}

}  // namespace r1
