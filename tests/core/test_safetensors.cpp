#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>

#include "core/check.h"
#include "core/file_io.h"
#include "core/safetensors.h"

namespace r1 {

namespace {

std::string temp_path(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("r1_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

std::string header_file(const std::string& json, const std::string& data) {
  std::string bytes(8, '\0');
  const uint64_t n = json.size();
  std::memcpy(bytes.data(), &n, 8);
  return bytes + json + data;
}

void expect_error_mentions(const std::string& path, const std::string& needle) {
  try {
    SafetensorsReader reader(path);
    FAIL() << "expected an error mentioning '" << needle << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

std::string error_message(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(Safetensors, RoundTripF32WithMetadata) {
  const std::string path = temp_path("a.safetensors");
  std::vector<float> a = {1.5f, -2.0f, 3.25f, 0.0f, 1e-30f, -7.0f};
  std::vector<float> b = {42.0f};
  write_safetensors(path, {{"a", {2, 3}, a.data()}, {"b", {1}, b.data()}}, {{"format", "pt"}});
  SafetensorsReader reader(path);
  EXPECT_EQ(reader.metadata().at("format"), "pt");
  EXPECT_EQ(reader.read_all("a"), a);
  EXPECT_EQ(reader.read_all("b"), b);
  EXPECT_EQ(reader.info("a").shape, (std::vector<int64_t>{2, 3}));
  std::vector<float> out(6);
  EXPECT_THROW(reader.read("a", std::vector<int64_t>{3, 2}, out.data()), Error);
}

// BF16 and F16 bit patterns written by hand; values from the IEEE definitions.
TEST(Safetensors, WidensBf16AndF16) {
  const std::string path = temp_path("half.safetensors");
  const uint16_t bf16[3] = {0x3FC0, 0xC000, 0x0000};         // 1.5, -2, 0
  const uint16_t f16[4] = {0x3E00, 0xC000, 0x0001, 0x7BFF};  // 1.5, -2, 2^-24, 65504
  std::string data(reinterpret_cast<const char*>(bf16), 6);
  data += std::string(reinterpret_cast<const char*>(f16), 8);
  write_file_atomic(path, header_file(R"({"x":{"dtype":"BF16","shape":[3],"data_offsets":[0,6]},)"
                                      R"("y":{"dtype":"F16","shape":[4],"data_offsets":[6,14]}})",
                                      data));
  SafetensorsReader reader(path);
  EXPECT_EQ(reader.read_all("x"), (std::vector<float>{1.5f, -2.0f, 0.0f}));
  EXPECT_EQ(reader.read_all("y"), (std::vector<float>{1.5f, -2.0f, 0x1p-24f, 65504.0f}));
}

TEST(Safetensors, CorruptFilesGiveClearErrors) {
  const std::string path = temp_path("bad.safetensors");
  write_file_atomic(path, "abc");
  expect_error_mentions(path, "truncated");
  write_file_atomic(path, header_file("{not json", ""));
  expect_error_mentions(path, "not valid JSON");
  std::string bytes(8, '\0');
  const uint64_t huge = 1000;
  std::memcpy(bytes.data(), &huge, 8);
  write_file_atomic(path, bytes + "{}");
  expect_error_mentions(path, "exceeds file size");
  write_file_atomic(path, header_file(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})",
                                      std::string(8, '\0')));
  expect_error_mentions(path, "'w'");
  write_file_atomic(path, header_file(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})",
                                      std::string(16, '\0')));
  expect_error_mentions(path, "needs 12");
  write_file_atomic(path, header_file(R"({"w":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}})",
                                      std::string(1, '\0')));
  expect_error_mentions(path, "unsupported dtype 'Q4'");
}

// Element (1, 2) of a 2×3 tensor is flat index 1·3 + 2 = 5.
TEST(Safetensors, RefusesToWriteNonFiniteValues) {
  const std::string path = temp_path("finite.safetensors");
  std::vector<float> ok = {1.0f, 2.0f}, w(6, 0.5f);
  write_safetensors(path, {{"ok", {2}, ok.data()}});
  const std::string before = read_file(path);
  for (const auto& [bad, shown] : std::vector<std::pair<float, std::string>>{
           {std::nanf(""), "is nan"}, {INFINITY, "is inf"}, {-INFINITY, "is -inf"}}) {
    w[5] = bad;
    const std::string message = error_message([&] {
      write_safetensors(path, {{"ok", {2}, ok.data()}, {"w", {2, 3}, w.data()}});
    });
    for (const std::string& needle : {path, std::string("tensor 'w'"), std::string("[1, 2]"),
                                      std::string("flat index 5"), shown})
      EXPECT_NE(message.find(needle), std::string::npos) << message;
    EXPECT_EQ(read_file(path), before);  // nothing written, the previous file kept
  }
  // With several, the first is named.
  w[4] = INFINITY;
  EXPECT_NE(error_message([&] {
              check_finite({{"w", {2, 3}, w.data()}}, path);
            }).find("[1, 1]"),
            std::string::npos);
  w[4] = w[5] = 0.0f;
  EXPECT_NO_THROW(check_finite({{"w", {2, 3}, w.data()}}, path));
}

TEST(FileIo, AtomicWriteReplacesWholeFile) {
  const std::string path = temp_path("atomic.txt");
  write_file_atomic(path, "first version, long");
  write_file_atomic(path, "second");
  EXPECT_EQ(read_file(path), "second");
  for (auto& entry : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path()))
    EXPECT_EQ(entry.path().string().find(".tmp."), std::string::npos) << entry.path();
}

}  // namespace r1
