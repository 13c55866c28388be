// Errors and checks. R1_CHECK guards everything that comes from outside (files,
// configs, user input) and is always on; R1_DCHECK guards internal invariants in
// hot loops and compiles away in release builds.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace r1 {

// The one exception type of the project: its message is meant for the user and
// names the file/field and what was expected.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw Error(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace r1

#define R1_CHECK(cond, ...)             \
  do {                                  \
    if (!(cond)) r1::fail(__VA_ARGS__); \
  } while (0)

#ifdef NDEBUG
#define R1_DCHECK(cond) \
  do {                  \
  } while (0)
#else
#define R1_DCHECK(cond)                                                                    \
  do {                                                                                     \
    if (!(cond)) r1::fail("internal check failed: {} ({}:{})", #cond, __FILE__, __LINE__); \
  } while (0)
#endif
