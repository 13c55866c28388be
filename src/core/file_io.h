// Whole-file reads and crash-safe writes.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace r1 {

// Reads a file whole; the error names the path and the reason.
std::string read_file(const std::string& path);

// Writes `path` so that a kill at any instant leaves either the old file or the
// new one: the bytes go to a temporary file in the same directory, which is
// fsync'ed and renamed over `path`, and then the directory is fsync'ed.
void write_file_atomic(const std::string& path, std::string_view bytes);

// Creates a directory and its parents; fine if it exists.
void make_dirs(const std::string& path);
bool path_exists(const std::string& path);

}  // namespace r1
