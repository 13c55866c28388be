#include "core/config.h"

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "core/check.h"
#include "core/file_io.h"

namespace r1 {

namespace {

nlohmann::json scalar_to_json(const YAML::Node& node) {
  const std::string s = node.Scalar();
  if (node.Tag() == "!") return s;  // quoted: always a string
  if (s == "null" || s == "~" || s.empty()) return nullptr;
  if (s == "true" || s == "True") return true;
  if (s == "false" || s == "False") return false;
  try {
    size_t used = 0;
    const long long i = std::stoll(s, &used);
    if (used == s.size()) return i;
  } catch (...) {
  }
  try {
    size_t used = 0;
    const double d = std::stod(s, &used);
    if (used == s.size()) return d;
  } catch (...) {
  }
  return s;
}

nlohmann::json node_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& item : node) a.push_back(node_to_json(item));
      return a;
    }
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& kv : node) o[kv.first.as<std::string>()] = node_to_json(kv.second);
      return o;
    }
    default:
      return nullptr;
  }
}

// Fails unless a number `value` of key k lies in k.range.
void check_range(const ConfigKey& k, const nlohmann::json& value, const std::string& source) {
  if (!value.is_number()) return;
  const Range& r = k.range;
  const double v = value.get<double>();
  const bool low = r.min_open ? !(v > r.min) : !(v >= r.min);
  if (!low && v <= r.max) return;
  std::string expected;
  if (r.max == HUGE_VAL)
    expected = fmt::format("{} {}", r.min_open ? ">" : ">=", r.min);
  else if (r.min == -HUGE_VAL)
    expected = fmt::format("<= {}", r.max);
  else
    expected = fmt::format("in {}{}, {}]", r.min_open ? "(" : "[", r.min, r.max);
  fail("{}: key '{}' must be {} (got {})", source, k.name, expected, value.dump());
}

}  // namespace

nlohmann::json yaml_to_json(const std::string& yaml, const std::string& source) {
  try {
    return node_to_json(YAML::Load(yaml));
  } catch (const YAML::Exception& e) {
    fail("{}:{}: invalid YAML: {}", source, e.mark.line + 1, e.msg);
  }
}

Config::Config(std::vector<ConfigKey> keys) : keys_(std::move(keys)) {
  values_ = nlohmann::json::object();
  for (const ConfigKey& k : keys_) {
    check_range(k, k.default_value, "default");
    values_[k.name] = k.default_value;
  }
}

const ConfigKey* Config::find(const std::string& key) const {
  for (const ConfigKey& k : keys_)
    if (k.name == key) return &k;
  return nullptr;
}

void Config::set_value(const std::string& key, const nlohmann::json& value,
                       const std::string& source) {
  const ConfigKey* k = find(key);
  if (!k) {
    std::string known;
    for (const ConfigKey& c : keys_) known += (known.empty() ? "" : ", ") + c.name;
    fail("{}: unknown key '{}' (known keys: {})", source, key, known);
  }
  const nlohmann::json& d = k->default_value;
  const bool number_ok =
      d.is_number() && value.is_number() && !(d.is_number_integer() && value.is_number_float());
  const bool same = d.is_null() || value.is_null() || d.type() == value.type() || number_ok;
  const std::string type = d.is_number_integer() ? "integer" : d.type_name();
  R1_CHECK(same, "{}: key '{}' expects {} {} like {} (got {})", source, key,
           type.find_first_of("aeiou") == 0 ? "an" : "a", type, d.dump(), value.dump());
  check_range(*k, value, source);
  values_[key] = value;
  origins_[key] = source;
}

void Config::load_yaml_string(const std::string& yaml, const std::string& source) {
  const auto at = [&source](const YAML::Node& node) {
    return fmt::format("{}:{}", source, node.Mark().line + 1);
  };
  try {
    const YAML::Node root = YAML::Load(yaml);
    if (root.IsNull()) return;
    R1_CHECK(root.IsMap(), "{}: expected a mapping of keys to values at the top level", source);
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      set_value(key, node_to_json(kv.second), at(kv.first));
      if (kv.second.IsMap())
        for (const auto& sub : kv.second)
          origins_[key + "." + sub.first.as<std::string>()] = at(sub.first);
    }
  } catch (const YAML::Exception& e) {
    fail("{}:{}: invalid YAML: {}", source, e.mark.line + 1, e.msg);
  }
}

void Config::load_yaml_file(const std::string& path) {
  load_yaml_string(read_file(path), path);
}

void Config::set(const std::string& assignment) {
  const size_t eq = assignment.find('=');
  R1_CHECK(eq != std::string::npos && eq > 0, "--set '{}': expected key=value", assignment);
  const std::string key = assignment.substr(0, eq);
  const std::string source = "--set " + key;
  set_value(key, yaml_to_json(assignment.substr(eq + 1), source), source);
}

std::string Config::origin(const std::string& path) const {
  if (const auto it = origins_.find(path); it != origins_.end()) return it->second;
  if (const auto it = origins_.find(path.substr(0, path.find('.'))); it != origins_.end())
    return it->second;
  return "default";
}

void Config::set_origin(const std::string& path, const std::string& source) {
  origins_[path] = source;
}

const nlohmann::json& Config::at(const std::string& key) const {
  R1_CHECK(values_.contains(key), "config: no key '{}'", key);
  return values_.at(key);
}

void Config::throw_type_error(const std::string& key) const {
  fail("config key '{}' has the wrong type: {}", key, at(key).dump());
}

nlohmann::ordered_json Config::resolved() const {
  nlohmann::ordered_json out;
  for (const ConfigKey& k : keys_) out[k.name] = values_.at(k.name);
  return out;
}

std::string Config::describe() const {
  std::string out;
  for (const ConfigKey& k : keys_)
    out += fmt::format("  {}: {}  # {}\n", k.name, values_.at(k.name).dump(), k.help);
  return out;
}

}  // namespace r1
