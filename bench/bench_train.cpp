// Training throughput of the reference model (vocab 512, 6 layers, hidden 384,
// 6 heads, SwiGLU 1024, context 256, batch 16×256): forward + backward +
// AdamW tokens/s, beside the SGEMM ceiling measured in the same run (as MFU:
// the best of OpenBLAS at the environment's core type, OpenBLAS at its own
// and r1's packed product) and PyTorch training the same model
// (tools/bench_train_torch.py, its best runtime setting, OpenBLAS core type
// included).
// This machine's speed drifts by tens of percent over minutes, so the three
// are measured in rounds, each round all three back to back (PyTorch's
// settings searched in the first, its best one timed in the others), and
// the ratio and MFU reported are the medians of the rounds' own.
//   bench_train [--threads N] [--steps N] [--rounds N] [--no-torch]
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "bench_common.h"
#include "core/rng.h"
#include "core/threads.h"
#include "model/presets.h"
#include "train/trainer.h"

int main(int argc, char** argv) {
  r1::init_thread_policy(argv);
  const r1::bench::BenchArgs args = r1::bench::parse_bench_args(argc, argv, "--steps", 5, 3);
  const int threads = args.threads, steps = args.count;
  r1::set_threads(threads);
  const int64_t B = 16, T = 256;
  const r1::ModelConfig c = r1::model_preset("reference", 512);
  r1::Model model(c);
  model.init_random(1);
  r1::Trainer trainer(model, {}, 1.0, B, T);
  r1::TokenBatch batch{B, T, std::vector<int32_t>(B * T), std::vector<int32_t>(B * T),
                       std::vector<float>(B * T, 1.0f / float(B * T))};
  r1::Rng rng(7);
  for (int64_t i = 0; i < B * T; ++i) {
    batch.ids[size_t(i)] = int32_t(rng.below(512));
    batch.targets[size_t(i)] = int32_t(rng.below(512));
  }
  // Model FLOPs per token: 6·N for the matrices, plus causal attention
  // 6·L·T·C (PaLM's 12·L·H·Q·T, halved for the causal mask).
  const double n_matrix = double(model.num_params()) - double(c.vocab_size * c.hidden_size);
  const double attention_per_token = 6.0 * double(c.num_layers * T * c.hidden_size);
  const double flops_per_token =
      6.0 * (n_matrix + double(c.vocab_size * c.hidden_size)) + attention_per_token;
  // PaLM's and nanoGPT's MFU count the attention without halving it: the
  // same runs read that much higher by their definition.
  const double palm_scale = (flops_per_token + attention_per_token) / flops_per_token;
  fmt::print("threads {}  OPENBLAS_CORETYPE={}\n", threads,
             std::getenv("OPENBLAS_CORETYPE") ? std::getenv("OPENBLAS_CORETYPE") : "(unset)");
  std::vector<double> tokens, mfus, ratios;
  std::string setting;  // PyTorch's best, once searched
  for (int round = 1; round <= args.rounds; ++round) {
    const r1::bench::SgemmCeilings ceilings = r1::bench::sgemm_ceilings(threads);
    const double ceiling = ceilings.best();
    const double seconds = r1::bench::median_seconds([&] { trainer.step(batch, 1e-4); }, steps);
    const double tokens_per_s = double(B * T) / seconds;
    const double gflops = flops_per_token * tokens_per_s / 1e9;
    tokens.push_back(tokens_per_s);
    mfus.push_back(100 * gflops / ceiling);
    fmt::print(
        "round {}  sgemm ceiling {} GFLOP/s  r1 {:6.3f} s {:6.0f} tokens/s {:6.1f} GFLOP/s "
        "MFU {:5.1f}%",
        round, ceilings.describe(), seconds, tokens_per_s, gflops, mfus.back());
    if (args.torch) {
      std::string torch_args = fmt::format("--threads {} --steps {}", threads, steps);
      if (!setting.empty()) torch_args += " --setting " + setting;
      if (auto j = r1::bench::run_torch_baseline("bench_train_torch.py", torch_args)) {
        const double torch_tps = (*j)["tokens_per_s"].get<double>();
        const nlohmann::json& best = (*j)["best"];
        setting = best["omp_wait_policy"].get<std::string>() + "," +
                  best["aten_cpu_capability"].get<std::string>() + "," +
                  best["openblas_coretype"].get<std::string>();
        ratios.push_back(tokens_per_s / torch_tps);
        fmt::print("  pytorch {:6.3f} s ({})  ratio {:.2f}x", double(B * T) / torch_tps, setting,
                   ratios.back());
      }
    }
    fmt::print("\n");
    std::fflush(stdout);
  }
  const auto range = [](const std::vector<double>& v, int digits) {
    return fmt::format("{:.{}f} to {:.{}f}", *std::min_element(v.begin(), v.end()), digits,
                       *std::max_element(v.begin(), v.end()), digits);
  };
  fmt::print("dropped to 1 thread under contention: {}x\n", r1::contention_fallbacks());
  fmt::print("r1 train                 {:8.0f} tokens/s  (median of {} rounds; {})\n",
             r1::bench::median(tokens), args.rounds, range(tokens, 0));
  fmt::print("MFU                      {:8.1f}%          (median of the rounds' own; {})\n",
             r1::bench::median(mfus), range(mfus, 1));
  fmt::print("MFU, attention unhalved  {:8.1f}%          (PaLM's count: 12·L·H·Q·T a token)\n",
             r1::bench::median(mfus) * palm_scale);
  if (!ratios.empty())
    fmt::print("ratio r1 / pytorch       {:8.2f}x          (median of the rounds' own; {})\n",
               r1::bench::median(ratios), range(ratios, 2));
  return 0;
}
