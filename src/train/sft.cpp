#include "train/sft.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <numeric>

#include "core/check.h"
#include "core/file_io.h"
#include "core/progress.h"
#include "core/rng.h"
#include "train/checkpoint.h"
#include "train/metrics.h"

namespace r1 {

namespace {

int64_t positions_of(const SftExample& e) {
  return int64_t(e.ids.size()) - 1;
}

int64_t row_positions(const std::vector<SftExample>& examples, const std::vector<int32_t>& row) {
  int64_t n = 0;
  for (int32_t i : row) n += positions_of(examples[size_t(i)]);
  return n;
}

// FNV-1a over the tokens and flags of every example and what makes the
// batches of them: a resumed run checks it continues on the same batches.
std::string data_hash(const std::vector<SftExample>& examples, const SftConfig& config) {
  uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](uint64_t x) {
    for (int byte = 0; byte < 8; ++byte) {
      h ^= (x >> (8 * byte)) & 0xff;
      h *= 0x100000001b3ULL;
    }
  };
  mix(uint64_t(config.batch_size));
  mix(config.packing ? 1 : 0);
  for (const SftExample& e : examples) {
    mix(e.ids.size());
    for (size_t i = 0; i < e.ids.size(); ++i) mix(uint64_t(uint32_t(e.ids[i])) << 1 | e.trained[i]);
  }
  return fmt::format("{:016x}", h);
}

}  // namespace

std::vector<std::vector<int32_t>> sft_rows(const std::vector<SftExample>& examples,
                                           int64_t max_length, bool packing) {
  std::vector<std::vector<int32_t>> rows;
  if (!packing) {
    for (size_t i = 0; i < examples.size(); ++i) rows.push_back({int32_t(i)});
    return rows;
  }
  std::vector<int32_t> by_length(examples.size());
  std::iota(by_length.begin(), by_length.end(), 0);
  std::stable_sort(by_length.begin(), by_length.end(), [&](int32_t a, int32_t b) {
    return positions_of(examples[size_t(a)]) > positions_of(examples[size_t(b)]);
  });
  // Free positions → row, so the best fit is the first row with enough room.
  std::multimap<int64_t, size_t> free_rows;
  for (int32_t i : by_length) {
    const int64_t need = positions_of(examples[size_t(i)]);
    R1_CHECK(need <= max_length, "example {} has {} positions, more than max_length {}", i, need,
             max_length);
    auto fit = free_rows.lower_bound(need);
    size_t row;
    int64_t room;
    if (fit == free_rows.end()) {
      row = rows.size();
      rows.emplace_back();
      room = max_length;
    } else {
      row = fit->second;
      room = fit->first;
      free_rows.erase(fit);
    }
    rows[row].push_back(i);
    free_rows.emplace(room - need, row);
  }
  return rows;
}

std::vector<int64_t> sft_epoch_order(int64_t rows, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(rows));
  std::iota(order.begin(), order.end(), 0);
  Rng rng(seed, uint64_t(epoch));
  for (int64_t i = rows - 1; i > 0; --i)
    std::swap(order[size_t(i)], order[rng.below(uint64_t(i + 1))]);
  return order;
}

void fill_sft_batch(TokenBatch& batch, const std::vector<SftExample>& examples,
                    const std::vector<std::vector<int32_t>>& rows,
                    std::span<const int64_t> batch_rows, bool packing) {
  const int64_t B = int64_t(batch_rows.size());
  int64_t T = 1, trained = 0;
  for (int64_t r : batch_rows) {
    T = std::max(T, row_positions(examples, rows[size_t(r)]));
    for (int32_t i : rows[size_t(r)]) {
      const SftExample& e = examples[size_t(i)];
      trained += std::count(e.trained.begin() + 1, e.trained.end(), uint8_t(1));
    }
  }
  batch.B = B;
  batch.T = T;
  batch.ids.assign(size_t(B * T), 0);
  batch.targets.assign(size_t(B * T), 0);
  batch.weights.assign(size_t(B * T), 0.0f);
  batch.doc_starts.assign(packing ? size_t(B * T) : 0, 0);
  const float weight = 1.0f / float(std::max<int64_t>(trained, 1));
  for (int64_t b = 0; b < B; ++b) {
    int64_t offset = 0;
    for (int32_t i : rows[size_t(batch_rows[size_t(b)])]) {
      const SftExample& e = examples[size_t(i)];
      for (int64_t t = 0; t < positions_of(e); ++t) {
        const size_t n = size_t(b * T + offset + t);
        batch.ids[n] = e.ids[size_t(t)];
        batch.targets[n] = e.ids[size_t(t + 1)];
        batch.weights[n] = e.trained[size_t(t + 1)] ? weight : 0.0f;
        if (packing) batch.doc_starts[n] = int32_t(offset);
      }
      offset += positions_of(e);
    }
    // Padding is a document of its own.
    if (packing)
      for (int64_t t = offset; t < T; ++t) batch.doc_starts[size_t(b * T + t)] = int32_t(offset);
  }
}

double sft_eval_loss(TrainingGraph& graph, const Model& model,
                     const std::vector<SftExample>& examples, int64_t batch_size) {
  std::vector<std::vector<int32_t>> rows;
  for (size_t i = 0; i < examples.size(); ++i) rows.push_back({int32_t(i)});
  double loss = 0;
  int64_t trained = 0;
  TokenBatch batch;
  for (int64_t first = 0; first < int64_t(rows.size()); first += batch_size) {
    std::vector<int64_t> batch_rows;
    for (int64_t r = first; r < std::min<int64_t>(first + batch_size, int64_t(rows.size())); ++r)
      batch_rows.push_back(r);
    fill_sft_batch(batch, examples, rows, batch_rows, false);
    graph.forward(model, batch.ids.data(), batch.targets.data(), batch.B, batch.T);
    for (int64_t n = 0; n < batch.B * batch.T; ++n) {
      if (batch.weights[size_t(n)] == 0.0f) continue;
      loss -= graph.logprobs()[n];
      ++trained;
    }
  }
  return trained > 0 ? loss / double(trained) : 0.0;
}

SftResult sft(Model& model, const SftData& train, const std::vector<SftExample>& eval,
              const SftConfig& config, const std::string& out_dir, bool resume) {
  const int64_t B = config.batch_size;
  R1_CHECK(B > 0, "batch_size must be positive (got {})", B);
  R1_CHECK(config.epochs > 0, "epochs must be positive (got {})", config.epochs);
  R1_CHECK(config.max_length <= model.config().max_position_embeddings,
           "max_length {} exceeds the model's max_position_embeddings {}", config.max_length,
           model.config().max_position_embeddings);
  const std::vector<SftExample>& examples = train.examples;
  const std::vector<std::vector<int32_t>> rows =
      sft_rows(examples, config.max_length, config.packing);
  const int64_t steps_per_epoch = (int64_t(rows.size()) + B - 1) / B;
  const int64_t total_steps = steps_per_epoch * config.epochs;
  int64_t max_T = 1;
  for (const auto& row : rows) max_T = std::max(max_T, row_positions(examples, row));
  for (const SftExample& e : eval) max_T = std::max(max_T, positions_of(e));
  LrSchedule schedule = config.schedule;
  schedule.total_steps = total_steps;

  make_dirs(out_dir);
  Trainer trainer(model, config.adamw, config.max_grad_norm, B, max_T);
  const std::string hash = data_hash(examples, config);
  int64_t start = 0;
  if (resume) {
    if (auto dir = latest_checkpoint(out_dir)) {
      const TrainerState state = load_checkpoint(*dir, model, trainer.optimizer());
      R1_CHECK(state.extra.value("data_hash", "") == hash,
               "{}: the checkpoint was trained on other data than this run's (other examples, "
               "max_length, batch_size or packing); resume with the same ones",
               *dir);
      start = state.step;
      fmt::print(stderr, "resuming from {} (step {})\n", *dir, start);
    }
  }
  fmt::print(stderr,
             "sft: {} examples ({} truncated to {} tokens) in {} rows; {} steps/epoch × {} "
             "epochs\n",
             examples.size(), train.truncated, config.max_length, rows.size(), steps_per_epoch,
             config.epochs);
  MetricsLog metrics(out_dir + "/metrics.jsonl", start);
  SftResult result;
  result.steps_done = start;
  if (start == 0 && !eval.empty()) {
    result.eval_loss = sft_eval_loss(trainer.graph(), model, eval, B);
    metrics.append({{"step", 0}, {"epoch", 0}, {"eval_loss", result.eval_loss}});
    fmt::print(stderr, "eval loss before training: {:.4f}\n", result.eval_loss);
  }

  Progress progress("sft", total_steps, start);
  TokenBatch batch;
  std::vector<int64_t> order;
  int64_t order_epoch = -1;
  for (int64_t step = start; step < total_steps; ++step) {
    const auto t0 = std::chrono::steady_clock::now();
    const int64_t epoch = step / steps_per_epoch, k = step % steps_per_epoch;
    if (epoch != order_epoch) {
      order = sft_epoch_order(int64_t(rows.size()), config.seed, epoch);
      order_epoch = epoch;
    }
    const int64_t first = k * B, last = std::min<int64_t>(first + B, int64_t(rows.size()));
    fill_sft_batch(batch, examples, rows,
                   std::span<const int64_t>(order.data() + first, size_t(last - first)),
                   config.packing);
    const double lr = schedule.at(step);
    const StepStats stats = trainer.step(batch, lr);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    int64_t tokens = 0, trained = 0;
    for (const auto& row : std::span<const int64_t>(order.data() + first, size_t(last - first))) {
      tokens += row_positions(examples, rows[size_t(row)]);
    }
    for (float w : batch.weights) trained += w > 0;
    const double tokens_per_s = double(tokens) / seconds;
    nlohmann::json line = {{"step", step + 1},
                           {"epoch", epoch + 1},
                           {"loss", stats.loss},
                           {"lr", lr},
                           {"grad_norm", stats.grad_norm},
                           {"tokens", tokens},
                           {"completion_tokens", trained},
                           {"tokens_per_s", tokens_per_s},
                           {"time_s", seconds}};
    if (stats.skipped) {
      line["skipped"] = stats.skip_reason;
      fmt::print(stderr, "step {}: skipped ({})\n", step + 1, stats.skip_reason);
    }
    const bool epoch_end = k + 1 == steps_per_epoch;
    if (epoch_end && !eval.empty()) {
      result.eval_loss = sft_eval_loss(trainer.graph(), model, eval, B);
      line["eval_loss"] = result.eval_loss;
    }
    metrics.append(line);
    result.final_loss = stats.loss;
    result.steps_done = step + 1;
    if (epoch_end || (config.save_every > 0 && (step + 1) % config.save_every == 0))
      save_checkpoint(out_dir, model, trainer.optimizer(), {step + 1, {{"data_hash", hash}}},
                      config.keep_checkpoints);
    std::string status = fmt::format("epoch {} loss {:.4f} lr {:.2e} {:.0f} tok/s", epoch + 1,
                                     stats.loss, lr, tokens_per_s);
    if (epoch_end && !eval.empty()) status += fmt::format(" eval {:.4f}", result.eval_loss);
    progress.update(step + 1, status);
  }
  progress.finish(fmt::format("loss {:.4f}", result.final_loss));
  if (start == total_steps && !eval.empty())
    result.eval_loss = sft_eval_loss(trainer.graph(), model, eval, B);
  save_model(model, out_dir);
  return result;
}

}  // namespace r1
