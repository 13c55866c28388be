// The same bytes on every build of the kernels. A few training steps and a
// sampled generation on a small model write the weights, tokens and
// log-probs to the build directory's cross_build_bytes.bin; scripts/test.sh
// --avx2 compares the AVX2 build's file with the native build's, byte for
// byte (the kernels' own tests compare each kernel with a scalar chain; this
// covers the elementwise code around them, which the compiler vectorizes at
// each build's width).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/file_io.h"
#include "generate/generator.h"
#include "model/presets.h"
#include "train/trainer.h"

namespace r1 {
namespace {

template <typename T>
void append(std::string& bytes, const T* data, size_t n) {
  bytes.append(reinterpret_cast<const char*>(data), n * sizeof(T));
}

TEST(CrossBuild, TrainingAndGenerationBytes) {
  // A vocabulary of 97 leaves the head's last panel one column wide: the
  // kernels' masked edges run too.
  const int64_t V = 97, B = 4, T = 48, kSteps = 4;
  Model model(model_preset("small", V));
  model.init_random(3);
  Trainer trainer(model, {}, 1.0, B, T);
  // next = (5·cur + 2) mod V from a different start per row.
  TokenBatch batch{B, T, std::vector<int32_t>(B * T), std::vector<int32_t>(B * T),
                   std::vector<float>(B * T, 1.0f / float(B * T))};
  for (int64_t b = 0; b < B; ++b) {
    int32_t x = int32_t(11 * b + 1);
    for (int64_t t = 0; t < T; ++t) {
      batch.ids[b * T + t] = x;
      x = (5 * x + 2) % int32_t(V);
      batch.targets[b * T + t] = x;
    }
  }
  double first = 0, last = 0;
  for (int64_t step = 0; step < kSteps; ++step) {
    const StepStats s = trainer.step(batch, 3e-3);
    ASSERT_FALSE(s.skipped) << s.skip_reason;
    if (step == 0) first = s.loss;
    last = s.loss;
  }
  EXPECT_LT(last, first);

  Generator generator(model, {8, 64, true, true, 7});
  std::vector<GenerationRequest> requests;
  for (uint64_t i = 0; i < 8; ++i) {
    GenerationRequest q;
    q.id = i;
    q.prompt = {int32_t(i % 2), 5, 27, int32_t(40 + i % 2), 90};
    q.max_new_tokens = 24;
    requests.push_back(q);
  }
  std::string bytes;
  append(bytes, model.data(), size_t(model.num_params()));
  for (const GenerationResult& r : generator.generate(requests)) {
    ASSERT_EQ(r.tokens.size(), 24u);
    for (const float lp : r.logprobs) ASSERT_TRUE(std::isfinite(lp) && lp <= 0);
    append(bytes, r.tokens.data(), r.tokens.size());
    append(bytes, r.logprobs.data(), r.logprobs.size());
  }
  write_file_atomic(std::string(R1_BINARY_DIR) + "/cross_build_bytes.bin", bytes);
}

}  // namespace
}  // namespace r1
