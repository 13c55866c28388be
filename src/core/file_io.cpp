#include "core/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/check.h"

namespace r1 {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  R1_CHECK(in, "{}: cannot open for reading: {}", path, std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  R1_CHECK(!in.bad(), "{}: read error", path);
  return buffer.str();
}

static void write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    R1_CHECK(n > 0, "{}: write failed: {}", path, std::strerror(errno));
    bytes.remove_prefix(size_t(n));
  }
}

void write_file_atomic(const std::string& path, std::string_view bytes) {
  const std::filesystem::path target(path);
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  R1_CHECK(fd >= 0, "{}: cannot create: {}", tmp, std::strerror(errno));
  try {
    write_all(fd, bytes, tmp);
    R1_CHECK(::fsync(fd) == 0, "{}: fsync failed: {}", tmp, std::strerror(errno));
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  R1_CHECK(::close(fd) == 0, "{}: close failed: {}", tmp, std::strerror(errno));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    fail("{}: rename from {} failed: {}", path, tmp, std::strerror(err));
  }
  const std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void make_dirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  R1_CHECK(!ec, "{}: cannot create directory: {}", path, ec.message());
}

bool path_exists(const std::string& path) {
  return std::filesystem::exists(path);
}

}  // namespace r1
