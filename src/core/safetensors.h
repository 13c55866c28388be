// The Hugging Face safetensors format: an 8-byte little-endian header length, a
// JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}}, then
// the raw little-endian tensor bytes. We read F32, BF16 and F16 (widened to
// fp32) and write F32.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace r1 {

struct TensorInfo {
  std::string dtype;
  std::vector<int64_t> shape;
  size_t begin = 0, end = 0;  // byte offsets into the data section
  int64_t numel() const;
};

class SafetensorsReader {
 public:
  // Maps the file and validates the whole header; any inconsistency (truncated
  // file, bad JSON, offsets out of range, size not matching dtype × shape) is an
  // error naming the file and the tensor.
  explicit SafetensorsReader(const std::string& path);
  ~SafetensorsReader();
  SafetensorsReader(const SafetensorsReader&) = delete;
  SafetensorsReader& operator=(const SafetensorsReader&) = delete;

  const std::string& path() const { return path_; }
  bool has(const std::string& name) const { return tensors_.count(name) != 0; }
  const TensorInfo& info(const std::string& name) const;
  std::vector<std::string> names() const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

  // Copies tensor `name` into `out` as fp32; its shape must equal `shape`.
  void read(const std::string& name, std::span<const int64_t> shape, float* out) const;
  // Reads a tensor of any supported dtype whole, as fp32 (for fixtures).
  std::vector<float> read_all(const std::string& name) const;
  // Reads an integer tensor (I32 or I64) whole.
  std::vector<int64_t> read_ints(const std::string& name) const;

 private:
  std::string path_;
  const uint8_t* map_ = nullptr;
  size_t map_size_ = 0;
  const uint8_t* data_ = nullptr;
  std::map<std::string, TensorInfo> tensors_;
  std::map<std::string, std::string> metadata_;
};

struct TensorRef {
  std::string name;
  std::vector<int64_t> shape;
  const float* data;
};

// r1::Error when a tensor holds a NaN or an infinity, naming `path`, the
// tensor, the value and the index (flat and per dimension) of its first
// non-finite element: a checkpoint must never contain one.
void check_finite(const std::vector<TensorRef>& tensors, const std::string& path);

// Serialises fp32 tensors (in the given order) to safetensors bytes.
std::string safetensors_bytes(const std::vector<TensorRef>& tensors,
                              const std::map<std::string, std::string>& metadata = {});
// Writes them atomically to `path` after check_finite: on a non-finite value
// nothing is written and a previous file at `path` is left as it was.
void write_safetensors(const std::string& path, const std::vector<TensorRef>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace r1
