// Where generation leaves the activations it computed (RecordLayout records,
// one a position) for training to reuse: RL's first update after sampling
// trains on exactly the sequences just generated, under the same weights, so
// its forward is the generation's. Records are addressed by index and live
// until clear(), which keeps the memory for the next step (a step's records
// are written into pages the last one touched, not freshly faulted ones).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace r1 {

class ActivationStore {
 public:
  // Records of `record_size` floats, at most `budget_bytes` of them.
  ActivationStore(int64_t record_size, int64_t budget_bytes);

  // n records with consecutive indices: the first one's, or −1 when they
  // would pass the budget (the caller then goes without).
  int64_t allocate(int64_t n);
  float* at(int64_t index) {
    return chunks_[size_t(index / chunk_records_)].get() + index % chunk_records_ * record_size_;
  }
  const float* at(int64_t index) const {
    return chunks_[size_t(index / chunk_records_)].get() + index % chunk_records_ * record_size_;
  }
  // Forgets every record, keeping the memory.
  void clear() { next_ = 0; }

 private:
  int64_t record_size_, chunk_records_, budget_records_;
  int64_t next_ = 0;  // the next free index
  std::vector<std::unique_ptr<float[]>> chunks_;
};

}  // namespace r1
