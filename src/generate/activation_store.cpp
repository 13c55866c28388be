#include "generate/activation_store.h"

#include <algorithm>

#include "core/check.h"

namespace r1 {

namespace {

constexpr int64_t kChunkBytes = int64_t(64) << 20;

}  // namespace

ActivationStore::ActivationStore(int64_t record_size, int64_t budget_bytes)
    : record_size_(record_size) {
  R1_CHECK(record_size > 0 && budget_bytes >= 0,
           "ActivationStore: record size {} must be positive, budget {} not negative", record_size,
           budget_bytes);
  // Chunks of about 64 MiB (or the budget, when smaller) hold whole records;
  // a run of records may continue in the next chunk (callers go through
  // at() record by record). The last chunk's pages past the budget are
  // allocated but never touched.
  const int64_t record_bytes = record_size * int64_t(sizeof(float));
  budget_records_ = budget_bytes / record_bytes;
  chunk_records_ = std::max<int64_t>(1, std::min(kChunkBytes, budget_bytes) / record_bytes);
}

int64_t ActivationStore::allocate(int64_t n) {
  R1_CHECK(n >= 1, "ActivationStore: a run of {} records", n);
  if (next_ + n > budget_records_) return -1;
  while (int64_t(chunks_.size()) * chunk_records_ < next_ + n)
    chunks_.emplace_back(new float[size_t(chunk_records_ * record_size_)]);
  const int64_t first = next_;
  next_ += n;
  return first;
}

}  // namespace r1
