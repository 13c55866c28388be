#include "core/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/file_io.h"

namespace r1 {

namespace {

size_t dtype_size(const std::string& dtype) {
  if (dtype == "F32" || dtype == "I32") return 4;
  if (dtype == "BF16" || dtype == "F16") return 2;
  if (dtype == "I64" || dtype == "F64") return 8;
  return 0;
}

float bf16_to_f32(uint16_t h) {
  const uint32_t bits = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float f16_to_f32(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF, bits;
  if (exponent == 0x1F) {
    bits = sign | 0x7F800000 | (mantissa << 13);
  } else if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: renormalise
      int e = -1;
      do {
        ++e;
        mantissa <<= 1;
      } while ((mantissa & 0x400) == 0);
      bits = sign | uint32_t(127 - 15 - e) << 23 | (mantissa & 0x3FF) << 13;
    }
  } else {
    bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

std::string shape_str(std::span<const int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

SafetensorsReader::SafetensorsReader(const std::string& path) : path_(path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  R1_CHECK(fd >= 0, "{}: cannot open: {}", path, std::strerror(errno));
  struct stat st {};
  ::fstat(fd, &st);
  map_size_ = size_t(st.st_size);
  if (map_size_ < 8) {
    ::close(fd);
    fail("{}: truncated safetensors file ({} bytes, need at least 8 for the header length)", path,
         map_size_);
  }
  void* m = ::mmap(nullptr, map_size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  R1_CHECK(m != MAP_FAILED, "{}: mmap failed: {}", path, std::strerror(errno));
  map_ = static_cast<const uint8_t*>(m);

  uint64_t header_len = 0;
  std::memcpy(&header_len, map_, 8);
  R1_CHECK(header_len <= map_size_ - 8,
           "{}: truncated or corrupt safetensors file: header length {} exceeds file size {}", path,
           header_len, map_size_);
  data_ = map_ + 8 + header_len;
  const size_t data_size = map_size_ - 8 - header_len;
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(map_ + 8, map_ + 8 + header_len);
  } catch (const nlohmann::json::exception& e) {
    fail("{}: corrupt safetensors header (not valid JSON): {}", path, e.what());
  }
  R1_CHECK(header.is_object(), "{}: corrupt safetensors header: expected a JSON object", path);
  for (auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      R1_CHECK(entry.is_object(), "{}: __metadata__ must be an object", path);
      for (auto& [k, v] : entry.items()) {
        R1_CHECK(v.is_string(), "{}: __metadata__.{} must be a string", path, k);
        metadata_[k] = v.get<std::string>();
      }
      continue;
    }
    R1_CHECK(entry.is_object() && entry.contains("dtype") && entry.contains("shape") &&
                 entry.contains("data_offsets"),
             "{}: tensor '{}': expected an object with dtype, shape and data_offsets", path, name);
    TensorInfo info;
    try {
      info.dtype = entry["dtype"].get<std::string>();
      info.shape = entry["shape"].get<std::vector<int64_t>>();
      const auto offsets = entry["data_offsets"].get<std::vector<size_t>>();
      R1_CHECK(offsets.size() == 2, "{}: tensor '{}': data_offsets must have 2 entries", path,
               name);
      info.begin = offsets[0];
      info.end = offsets[1];
    } catch (const nlohmann::json::exception& e) {
      fail("{}: tensor '{}': malformed entry: {}", path, name, e.what());
    }
    const size_t elem = dtype_size(info.dtype);
    R1_CHECK(elem != 0,
             "{}: tensor '{}': unsupported dtype '{}' (expected F32, BF16, F16, I32, I64)", path,
             name, info.dtype);
    for (int64_t d : info.shape)
      R1_CHECK(d >= 0, "{}: tensor '{}': negative dimension in shape {}", path, name,
               shape_str(info.shape));
    R1_CHECK(info.begin <= info.end && info.end <= data_size,
             "{}: truncated or corrupt: tensor '{}' bytes [{}, {}) lie outside the {}-byte data "
             "section",
             path, name, info.begin, info.end, data_size);
    R1_CHECK(info.end - info.begin == size_t(info.numel()) * elem,
             "{}: tensor '{}': {} bytes stored but dtype {} × shape {} needs {}", path, name,
             info.end - info.begin, info.dtype, shape_str(info.shape), size_t(info.numel()) * elem);
    tensors_.emplace(name, std::move(info));
  }
}

SafetensorsReader::~SafetensorsReader() {
  if (map_) ::munmap(const_cast<uint8_t*>(map_), map_size_);
}

const TensorInfo& SafetensorsReader::info(const std::string& name) const {
  auto it = tensors_.find(name);
  R1_CHECK(it != tensors_.end(), "{}: missing tensor '{}'", path_, name);
  return it->second;
}

std::vector<std::string> SafetensorsReader::names() const {
  std::vector<std::string> out;
  for (auto& [name, info] : tensors_) out.push_back(name);
  return out;
}

void SafetensorsReader::read(const std::string& name, std::span<const int64_t> shape,
                             float* out) const {
  const TensorInfo& t = info(name);
  R1_CHECK(std::equal(shape.begin(), shape.end(), t.shape.begin(), t.shape.end()),
           "{}: tensor '{}' has shape {}, expected {}", path_, name, shape_str(t.shape),
           shape_str(shape));
  const uint8_t* src = data_ + t.begin;
  const size_t n = size_t(t.numel());
  if (t.dtype == "F32") {
    std::memcpy(out, src, n * 4);
  } else if (t.dtype == "BF16" || t.dtype == "F16") {
    const bool bf16 = t.dtype == "BF16";
    for (size_t i = 0; i < n; ++i) {
      uint16_t h;
      std::memcpy(&h, src + 2 * i, 2);
      out[i] = bf16 ? bf16_to_f32(h) : f16_to_f32(h);
    }
  } else {
    fail("{}: tensor '{}' has dtype {}, expected a floating-point dtype (F32, BF16, F16)", path_,
         name, t.dtype);
  }
}

std::vector<float> SafetensorsReader::read_all(const std::string& name) const {
  const TensorInfo& t = info(name);
  std::vector<float> out(size_t(t.numel()));
  read(name, t.shape, out.data());
  return out;
}

std::vector<int64_t> SafetensorsReader::read_ints(const std::string& name) const {
  const TensorInfo& t = info(name);
  std::vector<int64_t> out(size_t(t.numel()));
  const uint8_t* src = data_ + t.begin;
  for (size_t i = 0; i < out.size(); ++i) {
    if (t.dtype == "I64") {
      std::memcpy(&out[i], src + 8 * i, 8);
    } else if (t.dtype == "I32") {
      int32_t v;
      std::memcpy(&v, src + 4 * i, 4);
      out[i] = v;
    } else {
      fail("{}: tensor '{}' has dtype {}, expected I32 or I64", path_, name, t.dtype);
    }
  }
  return out;
}

void check_finite(const std::vector<TensorRef>& tensors, const std::string& path) {
  for (const TensorRef& t : tensors) {
    int64_t n = 1;
    for (int64_t d : t.shape) n *= d;
    const float* bad = std::find_if(t.data, t.data + n, [](float x) { return !std::isfinite(x); });
    if (bad == t.data + n) continue;
    const int64_t flat = bad - t.data;
    std::vector<int64_t> index(t.shape.size());
    for (int64_t rest = flat, k = int64_t(t.shape.size()) - 1; k >= 0; --k) {
      index[size_t(k)] = rest % t.shape[size_t(k)];
      rest /= t.shape[size_t(k)];
    }
    fail("{}: refusing to write tensor '{}' (shape {}): element {} (flat index {}) is {}", path,
         t.name, shape_str(t.shape), shape_str(index), flat, *bad);
  }
}

std::string safetensors_bytes(const std::vector<TensorRef>& tensors,
                              const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header;
  if (!metadata.empty()) header["__metadata__"] = metadata;
  size_t offset = 0;
  for (const TensorRef& t : tensors) {
    int64_t n = 1;
    for (int64_t d : t.shape) n *= d;
    header[t.name] = {
        {"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + size_t(n) * 4}}};
    offset += size_t(n) * 4;
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');  // keep tensor data 8-byte aligned
  std::string bytes(8, '\0');
  const uint64_t len = json.size();
  std::memcpy(bytes.data(), &len, 8);
  bytes += json;
  bytes.reserve(bytes.size() + offset);
  for (const TensorRef& t : tensors) {
    int64_t n = 1;
    for (int64_t d : t.shape) n *= d;
    bytes.append(reinterpret_cast<const char*>(t.data), size_t(n) * 4);
  }
  return bytes;
}

void write_safetensors(const std::string& path, const std::vector<TensorRef>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  check_finite(tensors, path);
  write_file_atomic(path, safetensors_bytes(tensors, metadata));
}

}  // namespace r1
