// Batched generation: many requests through a fixed pool of KV-cache slots.
// With continuous batching a finished sequence's slot takes the next queued
// request at once; without it the pool is refilled only when all its
// sequences have finished. Requests with the same prompt (the G samples of a
// GRPO group) share one prefill: the prompt runs through the model once and
// its cache is copied into each sample's slot.
//
// Randomness: the u of the token at completion position p of request r is
// draw p of the stream Rng(seed, r.id): a request's tokens do not depend on
// batch size, thread count, slot, or batching mode.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "generate/activation_store.h"
#include "generate/decoder.h"
#include "generate/sampler.h"

namespace r1 {

struct GenerationRequest {
  uint64_t id = 0;  // keys the random stream; unique per request
  std::vector<int32_t> prompt;
  SamplingParams sampling;
  int64_t max_new_tokens = 128;
  std::vector<int32_t> stop_ids;  // e.g. EOS; the stop token is kept in the output
  // Optional text stop condition over the completion so far (stop strings);
  // returns true to stop after the latest token.
  std::function<bool(const std::vector<int32_t>&)> stop_when;
  int top_logprobs = 0;  // also report the n most likely alternatives
  // Keep every position's activations in the generator's ActivationStore
  // (a generator with a record budget), for training to reuse.
  bool record = false;
};

struct GenerationResult {
  uint64_t id = 0;
  std::vector<int32_t> tokens;                              // the completion
  std::vector<float> logprobs;                              // of each completion token
  std::vector<std::vector<std::pair<int32_t, float>>> top;  // with top_logprobs
  std::string stop_reason;  // "stop" (stop id or string) or "length"
  // With GenerationRequest::record: the ActivationStore index of the record
  // of each position of prompt + completion but its last token (the inputs
  // a training forward over the sequence has); empty when the store's budget
  // ran out before the sequence ended.
  std::vector<int64_t> records;
};

struct GeneratorOptions {
  int64_t batch_size = 64;  // KV-cache slots decoded together
  int64_t max_seq = 0;      // context per slot; 0: the model's max_position_embeddings
  bool continuous_batching = true;
  bool share_prefill = true;
  uint64_t seed = 0;
  // Requests may ask for their activations (GenerationRequest::record), kept
  // in up to this many bytes; 0: none may.
  int64_t record_budget_bytes = 0;
};

// The context these requests need: the longest prompt plus its new tokens,
// plus one. A generator sized to it (GeneratorOptions::max_seq) allocates
// for the work, not for the model's max_position_embeddings (32 k positions
// for some models: a cache and prefill buffers of tens of GB).
int64_t context_needed(const std::vector<GenerationRequest>& requests);

class Generator {
 public:
  Generator(const Model& model, GeneratorOptions options);

  // Samples from the model's weights as they are at the call (RL trains the
  // model between calls). Results are in request order. `on_token` (optional) is told of every
  // generated token, for progress and streaming.
  std::vector<GenerationResult> generate(
      const std::vector<GenerationRequest>& requests,
      const std::function<void(const GenerationResult&, int32_t)>& on_token = {});

  int64_t max_seq() const { return decoder_.max_seq(); }
  // The recorded activations (null without a record budget). Records are
  // kept across calls until clear().
  ActivationStore* activations() { return store_.get(); }

 private:
  GeneratorOptions options_;
  Decoder decoder_;
  Sampler sampler_;
  std::unique_ptr<ActivationStore> store_;
};

}  // namespace r1
