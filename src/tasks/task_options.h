// Reads a task's JSON options: every key is declared once with its default at
// the point of use, and keys nobody asked for are an error (a typo must not
// silently fall back to the default).
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace r1 {

class TaskOptions {
 public:
  // `where` names the options in messages, e.g. "task 'countdown' options".
  TaskOptions(const nlohmann::json& options, std::string where);

  int64_t integer(const std::string& key, int64_t fallback, int64_t min, int64_t max);
  double number(const std::string& key, double fallback, double min, double max);
  // A string made only of characters from `allowed`, at least one of them.
  std::string characters(const std::string& key, const std::string& fallback,
                         const std::string& allowed);

  std::string text(const std::string& key, const std::string& fallback);
  nlohmann::json object(const std::string& key, const nlohmann::json& fallback);

  // Throws naming every key that was given but never read.
  void finish() const;

 private:
  const nlohmann::json* find(const std::string& key);

  nlohmann::json options_;
  std::string where_;
  std::set<std::string> read_;
};

}  // namespace r1
