// Generation throughput of the reference model: 64 sequences × 128 new tokens
// from 32-token prompts, sampled at temperature 1 with the KV cache, beside
// the SGEMM ceiling (model FLOPs as a fraction of it) and PyTorch with a KV
// cache (tools/bench_generate_torch.py) in the same run; plus single-sequence
// decode latency.
//   bench_generate [--threads N] [--runs N] [--no-torch]
#include <fmt/format.h>

#include "bench_common.h"
#include "core/rng.h"
#include "core/threads.h"
#include "generate/generator.h"
#include "model/presets.h"

namespace {

std::vector<r1::GenerationRequest> requests(int64_t n, int64_t prompt_len, int64_t new_tokens) {
  std::vector<r1::GenerationRequest> out;
  for (int64_t i = 0; i < n; ++i) {
    r1::GenerationRequest q;
    q.id = uint64_t(i);
    r1::Rng rng(5, uint64_t(i));
    for (int64_t t = 0; t < prompt_len; ++t) q.prompt.push_back(int32_t(rng.below(512)));
    q.max_new_tokens = new_tokens;
    out.push_back(q);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  r1::init_thread_policy(argv);
  const r1::bench::BenchArgs args = r1::bench::parse_bench_args(argc, argv, "--runs", 3);
  const int threads = args.threads, runs = args.count;
  r1::set_threads(threads);
  const int64_t S = 64, P = 32, N = 128;
  r1::Model model(r1::model_preset("reference", 512));
  model.init_random(1);
  r1::Generator batched(model, {S, P + N, true, true, 3});
  const auto reqs = requests(S, P, N);
  const double seconds = r1::bench::median_seconds([&] { batched.generate(reqs); }, runs);
  const double tokens_per_s = double(S * N) / seconds;
  r1::Generator single(model, {1, P + N, true, true, 3});
  const auto one = requests(1, P, N);
  const double single_s = r1::bench::median_seconds([&] { single.generate(one); }, runs);
  const double ms_per_token = 1e3 * single_s / double(N);
  // Forward FLOPs per generated token: 2 per matrix parameter (the embedding
  // lookup is free, the tied head is not) plus attention over the cache.
  const r1::ModelConfig& c = model.config();
  const double flops_per_token =
      2.0 * double(model.num_params()) + 4.0 * double(c.num_layers * (P + N / 2) * c.q_dim());
  const r1::bench::SgemmCeilings ceilings = r1::bench::sgemm_ceilings(threads);
  const double ceiling = ceilings.best();
  const double gflops = flops_per_token * tokens_per_s / 1e9;
  fmt::print("threads {}  OPENBLAS_CORETYPE={}  dropped to 1 thread under contention: {}x\n",
             threads,
             std::getenv("OPENBLAS_CORETYPE") ? std::getenv("OPENBLAS_CORETYPE") : "(unset)",
             r1::contention_fallbacks());
  fmt::print("sgemm ceiling            {} GFLOP/s\n", ceilings.describe());
  fmt::print("r1 generate 64x128       {:8.0f} tokens/s  {:6.1f} GFLOP/s  ({:.0f}% of ceiling)\n",
             tokens_per_s, gflops, 100 * gflops / ceiling);
  fmt::print("r1 single-sequence       {:8.2f} ms/token\n", ms_per_token);
  if (args.torch) {
    if (auto j = r1::bench::run_torch_baseline("bench_generate_torch.py",
                                               fmt::format("--threads {}", threads))) {
      const double torch_tps = (*j)["tokens_per_s"].get<double>();
      const double torch_ms = (*j)["decode_ms_per_token"].get<double>();
      fmt::print("pytorch generate 64x128  {:8.0f} tokens/s\n", torch_tps);
      fmt::print("pytorch single-sequence  {:8.2f} ms/token\n", torch_ms);
      fmt::print("ratio r1 / pytorch       {:8.2f}x throughput, {:.2f}x latency\n",
                 tokens_per_s / torch_tps, torch_ms / ms_per_token);
    }
  }
  return 0;
}
