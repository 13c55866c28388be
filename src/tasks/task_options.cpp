#include "tasks/task_options.h"

#include "core/check.h"

namespace r1 {

TaskOptions::TaskOptions(const nlohmann::json& options, std::string where)
    : options_(options.is_null() ? nlohmann::json::object() : options), where_(std::move(where)) {
  R1_CHECK(options_.is_object(), "{}: expected a JSON object, got {}", where_, options_.dump());
}

const nlohmann::json* TaskOptions::find(const std::string& key) {
  read_.insert(key);
  const auto it = options_.find(key);
  return it == options_.end() ? nullptr : &*it;
}

int64_t TaskOptions::integer(const std::string& key, int64_t fallback, int64_t min, int64_t max) {
  const nlohmann::json* value = find(key);
  if (!value) return fallback;
  R1_CHECK(
      value->is_number_integer() && value->get<int64_t>() >= min && value->get<int64_t>() <= max,
      "{}: '{}' must be an integer in [{}, {}], got {}", where_, key, min, max, value->dump());
  return value->get<int64_t>();
}

double TaskOptions::number(const std::string& key, double fallback, double min, double max) {
  const nlohmann::json* value = find(key);
  if (!value) return fallback;
  R1_CHECK(value->is_number() && value->get<double>() >= min && value->get<double>() <= max,
           "{}: '{}' must be a number in [{}, {}], got {}", where_, key, min, max, value->dump());
  return value->get<double>();
}

std::string TaskOptions::characters(const std::string& key, const std::string& fallback,
                                    const std::string& allowed) {
  const nlohmann::json* value = find(key);
  if (!value) return fallback;
  R1_CHECK(value->is_string() && !value->get<std::string>().empty() &&
               value->get<std::string>().find_first_not_of(allowed) == std::string::npos,
           "{}: '{}' must be a non-empty string of characters from \"{}\", got {}", where_, key,
           allowed, value->dump());
  return value->get<std::string>();
}

std::string TaskOptions::text(const std::string& key, const std::string& fallback) {
  const nlohmann::json* value = find(key);
  if (!value) return fallback;
  R1_CHECK(value->is_string(), "{}: '{}' must be a string, got {}", where_, key, value->dump());
  return value->get<std::string>();
}

nlohmann::json TaskOptions::object(const std::string& key, const nlohmann::json& fallback) {
  const nlohmann::json* value = find(key);
  if (!value) return fallback;
  R1_CHECK(value->is_object(), "{}: '{}' must be a JSON object, got {}", where_, key,
           value->dump());
  return *value;
}

void TaskOptions::finish() const {
  std::string unknown, known;
  for (const auto& [key, value] : options_.items()) {
    if (!read_.count(key)) unknown += (unknown.empty() ? "'" : ", '") + key + "'";
  }
  for (const std::string& key : read_) known += (known.empty() ? "" : ", ") + key;
  R1_CHECK(unknown.empty(), "{}: unknown key {} (known: {})", where_, unknown, known);
}

}  // namespace r1
