// Training throughput of the reference model (vocab 512, 6 layers, hidden 384,
// 6 heads, SwiGLU 1024, context 256, batch 16×256): forward + backward +
// AdamW tokens/s, beside the SGEMM ceiling measured in the same run (as MFU)
// and PyTorch training the same model (tools/bench_train_torch.py).
//   bench_train [--threads N] [--steps N] [--no-torch]
#include <fmt/format.h>

#include <string>

#include "bench_common.h"
#include "core/rng.h"
#include "core/threads.h"
#include "model/presets.h"
#include "train/trainer.h"

int main(int argc, char** argv) {
  r1::init_thread_policy(argv);
  const r1::bench::BenchArgs args = r1::bench::parse_bench_args(argc, argv, "--steps", 5);
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
  const double ceiling = r1::bench::sgemm_ceiling_gflops();
  const double seconds = r1::bench::median_seconds([&] { trainer.step(batch, 1e-4); }, steps);
  const double tokens_per_s = double(B * T) / seconds;
  // Model FLOPs per token: 6·N for the matrices, plus causal attention
  // 6·L·T·C (PaLM's 12·L·H·Q·T, halved for the causal mask).
  const double n_matrix = double(model.num_params()) - double(c.vocab_size * c.hidden_size);
  const double flops_per_token = 6.0 * (n_matrix + double(c.vocab_size * c.hidden_size)) +
                                 6.0 * double(c.num_layers * T * c.hidden_size);
  const double gflops = flops_per_token * tokens_per_s / 1e9;
  fmt::print("threads {}  OPENBLAS_CORETYPE={}  dropped to 1 thread under contention: {}x\n",
             threads,
             std::getenv("OPENBLAS_CORETYPE") ? std::getenv("OPENBLAS_CORETYPE") : "(unset)",
             r1::contention_fallbacks());
  fmt::print("sgemm ceiling          {:8.1f} GFLOP/s\n", ceiling);
  fmt::print("r1 train step          {:8.3f} s  {:8.0f} tokens/s  {:6.1f} GFLOP/s  MFU {:.1f}%\n",
             seconds, tokens_per_s, gflops, 100 * gflops / ceiling);
  if (args.torch) {
    if (auto j = r1::bench::run_torch_baseline(
            "bench_train_torch.py", fmt::format("--threads {} --steps {}", threads, steps))) {
      const double torch_tps = (*j)["tokens_per_s"].get<double>();
      fmt::print("pytorch train step     {:8.3f} s  {:8.0f} tokens/s  (best setting: {})\n",
                 double(B * T) / torch_tps, torch_tps, (*j).value("best", nlohmann::json()).dump());
      fmt::print("ratio r1 / pytorch     {:8.2f}x\n", tokens_per_s / torch_tps);
    }
  }
  return 0;
}
