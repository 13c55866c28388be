#include "train/pretrain.h"

#include <fmt/format.h>
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
    fill_batch(batch, tokens, config.seed, step);
    const double lr = config.schedule.at(step);
    const StepStats stats = trainer.step(batch, lr);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double tokens_per_s = double(B * T) / seconds;
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
