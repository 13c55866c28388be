#include "generate/activation_store.h"

#include <algorithm>

#include "core/check.h"

namespace r1 {

namespace {

constexpr int64_t kChunkBytes = int64_t(64) << 20;

}  // namespace

ActivationStore::ActivationStore(int64_t record_size, int64_t max_run, int64_t budget_bytes)
    : record_size_(record_size) {
  R1_CHECK(record_size > 0 && max_run > 0 && budget_bytes >= 0,
           "ActivationStore: record size {} and run {} must be positive, budget {} not negative",
           record_size, max_run, budget_bytes);
  // Chunks of 64 MiB, or the whole budget when smaller; a run must fit one.
  const int64_t record_bytes = record_size * int64_t(sizeof(float));
  chunk_records_ = std::max(max_run, std::min(kChunkBytes, budget_bytes) / record_bytes);
  budget_chunks_ = budget_bytes / (chunk_records_ * record_bytes);
}

int64_t ActivationStore::allocate(int64_t n) {
  R1_CHECK(n >= 1 && n <= chunk_records_, "ActivationStore: a run of {} records (at most {})", n,
           chunk_records_);
  // A run does not straddle two chunks.
  if (next_ % chunk_records_ + n > chunk_records_)
    next_ = (next_ / chunk_records_ + 1) * chunk_records_;
  const int64_t chunk = (next_ + n - 1) / chunk_records_;
  if (chunk >= budget_chunks_) return -1;
  while (int64_t(chunks_.size()) <= chunk)
    chunks_.emplace_back(new float[size_t(chunk_records_ * record_size_)]);
  const int64_t first = next_;
  next_ += n;
  return first;
}

}  // namespace r1
