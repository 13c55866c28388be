// Recipe configuration, declared once. A component lists its keys as
// (name, default, help); that table drives parsing of YAML recipe files and
// `--set key=value` overrides (unknown keys are errors naming the file), the
// resolved config printed at start-up, and the copy saved with a run.
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace r1 {

// The numbers a key accepts: [min, max], without min itself when min_open.
struct Range {
  double min = -HUGE_VAL, max = HUGE_VAL;
  bool min_open = false;
};
constexpr Range at_least(double min) {
  return {min, HUGE_VAL, false};
}
constexpr Range above(double min) {
  return {min, HUGE_VAL, true};
}
constexpr Range between(double min, double max) {
  return {min, max, false};
}

struct ConfigKey {
  std::string name;
  nlohmann::json default_value;
  std::string help;
  Range range{};  // checked for numbers
};

class Config {
 public:
  explicit Config(std::vector<ConfigKey> keys);

  // Applies a YAML file's top-level mapping; errors name `path` and the line
  // of the key.
  void load_yaml_file(const std::string& path);
  void load_yaml_string(const std::string& yaml, const std::string& source);
  // Applies "key=value" (the value parsed as YAML: numbers, booleans, lists).
  void set(const std::string& assignment);
  void set_value(const std::string& key, const nlohmann::json& value, const std::string& source);

  // Where the value at `path` ("key", or "key.sub" inside a mapping value)
  // came from, for errors found after loading: "file:line" for a key read
  // from YAML, "--set key" for an override; for a path not set on its own,
  // its key's origin; "default" for a key never set.
  std::string origin(const std::string& path) const;
  void set_origin(const std::string& path, const std::string& source);

  const nlohmann::json& at(const std::string& key) const;
  template <typename T>
  T get(const std::string& key) const {
    try {
      return at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
      throw_type_error(key);
    }
  }
  // The resolved values, in declaration order.
  nlohmann::ordered_json resolved() const;
  // "key: value  # help" lines, for --help and the start-up print.
  std::string describe() const;

 private:
  [[noreturn]] void throw_type_error(const std::string& key) const;
  const ConfigKey* find(const std::string& key) const;
  std::vector<ConfigKey> keys_;
  nlohmann::json values_;
  std::map<std::string, std::string> origins_;  // see origin()
};

// Converts a YAML document to JSON (scalars typed as YAML 1.2 core schema).
nlohmann::json yaml_to_json(const std::string& yaml, const std::string& source);

}  // namespace r1
