#include "generate/generator.h"

#include <algorithm>
#include <map>

#include "core/check.h"

namespace r1 {

namespace {

int64_t context_of(const Model& model, const GeneratorOptions& options) {
  return options.max_seq > 0 ? std::min(options.max_seq, model.config().max_position_embeddings)
                             : model.config().max_position_embeddings;
}

}  // namespace

int64_t context_needed(const std::vector<GenerationRequest>& requests) {
  int64_t need = 1;
  for (const GenerationRequest& q : requests)
    need = std::max(need, int64_t(q.prompt.size()) + std::max<int64_t>(q.max_new_tokens, 1) + 1);
  return need;
}

Generator::Generator(const Model& model, GeneratorOptions options)
    : options_(options),
      decoder_(model, std::max<int64_t>(1, options.batch_size), context_of(model, options)),
      sampler_(model.config().vocab_size) {
  if (options.record_budget_bytes > 0)
    store_ = std::make_unique<ActivationStore>(RecordLayout(model.config()).size,
                                               options.record_budget_bytes);
}

std::vector<GenerationResult> Generator::generate(
    const std::vector<GenerationRequest>& requests,
    const std::function<void(const GenerationResult&, int32_t)>& on_token) {
  const int64_t V = decoder_.model().config().vocab_size;
  const int64_t context = decoder_.max_seq();
  decoder_.refresh_weights();
  for (size_t r = 0; r < requests.size(); ++r) {
    const GenerationRequest& q = requests[r];
    R1_CHECK(!q.prompt.empty(), "request {}: the prompt is empty (it needs at least one token)",
             q.id);
    R1_CHECK(int64_t(q.prompt.size()) < context,
             "request {}: the prompt has {} tokens; the context holds {} (prompt + at least one "
             "new token)",
             q.id, q.prompt.size(), context);
    for (int32_t t : q.prompt)
      R1_CHECK(t >= 0 && t < V, "request {}: prompt token {} is outside the vocabulary [0, {})",
               q.id, t, V);
    for (int32_t t : q.stop_ids)
      R1_CHECK(t >= 0 && t < V, "request {}: stop token {} is outside the vocabulary [0, {})", q.id,
               t, V);
    R1_CHECK(!q.record || store_,
             "request {}: asks to record its activations, but the generator has no record budget "
             "(GeneratorOptions::record_budget_bytes)",
             q.id);
  }
  std::vector<GenerationResult> results(requests.size());

  // Shared prefill: the slot that prefilled a prompt holds its cache, which
  // the other samples of that prompt read in place; the slot is not reused
  // while they do. The prompt's last logits are kept until every request
  // with it started.
  struct Prefix {
    int64_t remaining = 0;  // requests with this prompt not yet started
    int64_t slot = -1;      // the slot holding the prompt's cache, if any
    std::vector<float> logits;
    int64_t records = -1;  // the prompt's first record, if recorded
  };
  std::map<std::vector<int32_t>, Prefix> prefixes;
  std::vector<float*> prompt_records;
  if (options_.share_prefill)
    for (const GenerationRequest& q : requests) ++prefixes[q.prompt].remaining;

  struct Slot {
    int64_t request = -1;      // index into requests; -1 when done
    int64_t position = 0;      // tokens in the cache
    int32_t next = 0;          // token to feed at `position`
    int64_t prefilled = -1;    // the request whose prompt it prefilled, if any
    int64_t prompt_from = -1;  // the slot it reads its prompt from, if any
    int64_t readers = 0;       // live slots reading its prompt
    bool recording = false;    // writing each position's record
    Rng rng{0};
  };
  const int64_t S = decoder_.slots();
  std::vector<Slot> slots(static_cast<size_t>(S));
  size_t queued = 0;
  int64_t active = 0;
  const auto is_free = [&](int64_t s) {
    return slots[size_t(s)].request < 0 && slots[size_t(s)].readers == 0;
  };
  // Once slot s is free, the prompt it prefilled is no longer there to share.
  const auto forget_prompt = [&](int64_t s) {
    Slot& slot = slots[size_t(s)];
    if (!is_free(s) || slot.prefilled < 0) return;
    auto it = prefixes.find(requests[size_t(slot.prefilled)].prompt);
    if (it != prefixes.end() && it->second.slot == s) it->second.slot = -1;
    slot.prefilled = -1;
  };

  // Samples the next token of slot s from `logits`; returns false when the
  // sequence has finished (and releases the slot).
  auto advance = [&](int64_t s, const float* logits) {
    Slot& slot = slots[size_t(s)];
    const GenerationRequest& q = requests[size_t(slot.request)];
    GenerationResult& out = results[size_t(slot.request)];
    const SampledToken tok = sampler_.sample(logits, q.sampling, slot.rng.uniform());
    if (q.top_logprobs > 0) out.top.push_back(sampler_.top(logits, q.sampling, q.top_logprobs));
    out.tokens.push_back(tok.token);
    out.logprobs.push_back(tok.logprob);
    if (on_token) on_token(out, tok.token);
    const bool stop =
        std::find(q.stop_ids.begin(), q.stop_ids.end(), tok.token) != q.stop_ids.end() ||
        (q.stop_when && q.stop_when(out.tokens));
    const bool full =
        int64_t(out.tokens.size()) >= q.max_new_tokens || slot.position + 1 >= context;
    if (stop || full) {
      out.stop_reason = stop ? "stop" : "length";
      slot.request = -1;
      --active;
      if (slot.prompt_from >= 0) {
        --slots[size_t(slot.prompt_from)].readers;
        forget_prompt(slot.prompt_from);
        slot.prompt_from = -1;
      }
      forget_prompt(s);
      return false;
    }
    slot.next = tok.token;
    return true;
  };

  auto start = [&](int64_t s, size_t r) {
    const GenerationRequest& q = requests[r];
    Slot& slot = slots[size_t(s)];
    slot.request = int64_t(r);
    slot.rng = Rng(options_.seed, q.id);
    slot.position = int64_t(q.prompt.size());
    results[r].id = q.id;
    ++active;
    const int64_t n = int64_t(q.prompt.size());
    if (q.max_new_tokens <= 0) {
      results[r].stop_reason = "length";
      slot.request = -1;
      --active;
      return;
    }
    // The prompt's records: n from `first` (−1: none).
    const auto take_records = [&](int64_t first) {
      slot.recording = first >= 0;
      results[r].records.clear();
      for (int64_t t = 0; first >= 0 && t < n; ++t) results[r].records.push_back(first + t);
    };
    // Prefills slot s, recording when asked and the budget allows; returns
    // the prompt's first record or −1.
    const auto prefill = [&](const float*& logits) {
      const int64_t first = q.record ? store_->allocate(n) : -1;
      prompt_records.clear();
      for (int64_t t = 0; first >= 0 && t < n; ++t) prompt_records.push_back(store_->at(first + t));
      logits =
          decoder_.prefill(s, q.prompt.data(), n, first >= 0 ? prompt_records.data() : nullptr);
      return first;
    };
    const float* logits;
    if (options_.share_prefill) {
      Prefix& p = prefixes[q.prompt];
      if (p.slot >= 0) {
        decoder_.share_prompt(p.slot, s, n);
        slot.prompt_from = p.slot;
        ++slots[size_t(p.slot)].readers;
        logits = p.logits.data();
        take_records(q.record ? p.records : -1);
      } else {
        p.records = prefill(logits);
        take_records(p.records);
        p.logits.assign(logits, logits + V);
        logits = p.logits.data();
        p.slot = s;
        slot.prefilled = int64_t(r);
      }
      --p.remaining;
      if (p.remaining == 0) {
        // Keep the logits alive for this call, then drop the entry.
        std::vector<float> keep = std::move(p.logits);
        prefixes.erase(q.prompt);
        advance(s, keep.data());
        return;
      }
    } else {
      take_records(prefill(logits));
    }
    advance(s, logits);
  };

  std::vector<int64_t> batch_slots;
  std::vector<int32_t> batch_tokens, batch_positions;
  std::vector<float*> batch_records;
  while (queued < requests.size() || active > 0) {
    // Fill free slots (continuously, or only once the whole pool is idle).
    if (options_.continuous_batching || active == 0) {
      for (int64_t s = 0; s < S && queued < requests.size(); ++s)
        if (is_free(s)) start(s, queued++);
    }
    batch_slots.clear();
    batch_tokens.clear();
    batch_positions.clear();
    batch_records.clear();
    bool recording = false;
    for (int64_t s = 0; s < S; ++s) {
      Slot& slot = slots[size_t(s)];
      if (slot.request < 0) continue;
      batch_slots.push_back(s);
      batch_tokens.push_back(slot.next);
      batch_positions.push_back(int32_t(slot.position));
      std::vector<int64_t>& records = results[size_t(slot.request)].records;
      const int64_t index = slot.recording ? store_->allocate(1) : -1;
      if (slot.recording && index < 0) {  // out of budget: the sequence goes without
        slot.recording = false;
        records.clear();
      }
      if (index >= 0) records.push_back(index);
      batch_records.push_back(index >= 0 ? store_->at(index) : nullptr);
      recording = recording || index >= 0;
    }
    if (batch_slots.empty()) continue;
    const float* logits =
        decoder_.decode(batch_slots.data(), batch_tokens.data(), batch_positions.data(),
                        int64_t(batch_slots.size()), recording ? batch_records.data() : nullptr);
    for (size_t i = 0; i < batch_slots.size(); ++i) {
      ++slots[size_t(batch_slots[i])].position;
      advance(batch_slots[i], logits + int64_t(i) * V);
    }
  }
  return results;
}

}  // namespace r1
