#include "rewards/code_reward.h"

#include <sys/random.h>
#include <unistd.h>

#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>

#include "core/check.h"

namespace r1 {
namespace {

constexpr const char* kSolutionFile = "solution.py";
constexpr const char* kDriverFile = "r1_driver.py";
constexpr const char* kMarkerFile = "r1_marker";
// Longest excerpt of program output or error quoted in a reason.
constexpr size_t kReasonExcerpt = 160;

// Runs solution.py as __main__ and, only if it ran to its end, prints the
// marker on stderr (file names as in kSolutionFile and kMarkerFile). The marker comes from a file
// the driver deletes before the solution starts, so it is not in any file the solution can read.
constexpr const char* kDriverSource = R"(import os, sys


def _r1_main():
    with open("r1_marker") as f:
        marker = f.read()
    os.remove("r1_marker")
    path = "solution.py"
    with open(path, encoding="utf-8") as f:
        source = f.read()
    sys.argv = [path]
    scope = {"__name__": "__main__", "__file__": path, "__builtins__": __builtins__}
    exec(compile(source, path, "exec"), scope)
    sys.stdout.flush()
    os.write(2, ("\n" + marker + "\n").encode())


_r1_main()
)";

// Length of the well-formed UTF-8 sequence at the start of `text` (Unicode
// Table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF), or 0.
size_t utf8_sequence_length(std::string_view text) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(0);
  size_t length = 0;
  unsigned char second_min = 0x80, second_max = 0xBF;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;
    if (lead == 0xED) second_max = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;
    if (lead == 0xF4) second_max = 0x8F;
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < second_min || byte(1) > second_max) return 0;
  for (size_t k = 2; k < length; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
  }
  return length;
}

// Replaces bytes that are not well-formed UTF-8 with '?', so that reasons
// quoting program output stay printable and serialisable as JSON.
std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const size_t length = utf8_sequence_length(text);
    if (length == 0) {
      out.push_back('?');
      text.remove_prefix(1);
    } else {
      out.append(text.substr(0, length));
      text.remove_prefix(length);
    }
  }
  return out;
}

// A short quotable excerpt: control characters shown as escapes, cut at kReasonExcerpt.
std::string excerpt(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kReasonExcerpt)) {
    if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += '?';
    } else {
      out += c;
    }
  }
  if (text.size() > kReasonExcerpt) out += "…";
  return valid_utf8(out);
}

std::string last_nonempty_line(std::string_view text) {
  size_t end = text.size();
  while (end > 0) {
    size_t start = text.rfind('\n', end - 1);
    start = start == std::string_view::npos ? 0 : start + 1;
    std::string_view line = text.substr(start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) return std::string(line);
    end = start == 0 ? 0 : start - 1;
  }
  return "";
}

// Output as judges compare it: trailing whitespace of every line and
// trailing empty lines do not count.
std::string normalize_output(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    size_t last = line.find_last_not_of(" \t\r");
    out.append(line.substr(0, last == std::string_view::npos ? 0 : last + 1));
    out.push_back('\n');
    start = end + 1;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

bool is_identifier(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::string random_marker() {
  unsigned char bytes[16];
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    R1_CHECK(n > 0 || errno == EINTR, "code reward: getrandom failed: {}", strerror(errno));
    if (n > 0) got += static_cast<size_t>(n);
  }
  std::string marker = "r1-tests-done-";
  for (unsigned char b : bytes) marker += fmt::format("{:02x}", b);
  return marker;
}

// The value at `key`, or null when absent (operator[] on a const json must
// not be used for keys that may be missing).
const nlohmann::json& field(const nlohmann::json& object, const char* key) {
  static const nlohmann::json null_value;
  auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

double positive_number(const nlohmann::json& options, const char* key, double fallback) {
  const nlohmann::json& value = field(options, key);
  if (value.is_null()) return fallback;
  R1_CHECK(value.is_number() && value.get<double>() > 0,
           "code reward option '{}': expected a positive number, got {}", key, value.dump());
  return value.get<double>();
}

int64_t positive_integer(const nlohmann::json& options, const char* key, int64_t fallback) {
  const nlohmann::json& value = field(options, key);
  if (value.is_null()) return fallback;
  R1_CHECK(value.is_number_integer() && value.get<int64_t>() > 0,
           "code reward option '{}': expected a positive integer, got {}", key, value.dump());
  return value.get<int64_t>();
}

std::string string_option(const nlohmann::json& options, const char* key, std::string fallback) {
  const nlohmann::json& value = field(options, key);
  if (value.is_null()) return fallback;
  R1_CHECK(value.is_string(), "code reward option '{}': expected a string, got {}", key,
           value.dump());
  return value.get<std::string>();
}

}  // namespace

CodeRewardConfig code_reward_config_from_json(const nlohmann::json& options) {
  static const std::vector<std::string> known = {
      "mode",      "workers",       "python",           "unsandboxed",
      "bwrap",     "ro_binds",      "timeout_seconds",  "cpu_seconds",
      "memory_mb", "max_processes", "max_output_bytes", "tmpfs_mb"};
  R1_CHECK(options.is_null() || options.is_object(),
           "code reward options: expected a JSON object, got {}", options.dump());
  CodeRewardConfig config;
  if (options.is_null()) return config;
  for (const auto& [key, value] : options.items()) {
    R1_CHECK(std::find(known.begin(), known.end(), key) != known.end(),
             "code reward options: unknown key '{}' (known: {})", key, fmt::join(known, ", "));
  }
  const std::string mode = string_option(options, "mode", "fraction");
  R1_CHECK(mode == "fraction" || mode == "all_or_nothing",
           "code reward option 'mode': expected \"fraction\" or \"all_or_nothing\", got \"{}\"",
           mode);
  config.mode = mode == "fraction" ? CodeRewardMode::fraction : CodeRewardMode::all_or_nothing;
  const nlohmann::json& workers = field(options, "workers");
  if (!workers.is_null()) {
    R1_CHECK(workers.is_number_integer() && workers.get<int64_t>() >= 0,
             "code reward option 'workers': expected an integer >= 0 (0 = all cores), got {}",
             workers.dump());
    config.workers = workers.get<int>();
  }
  config.python = string_option(options, "python", config.python);
  const nlohmann::json& unsandboxed = field(options, "unsandboxed");
  if (!unsandboxed.is_null()) {
    R1_CHECK(unsandboxed.is_boolean(),
             "code reward option 'unsandboxed': expected true or false, got {}",
             unsandboxed.dump());
    config.sandbox.unsandboxed = unsandboxed.get<bool>();
  }
  config.sandbox.bwrap = string_option(options, "bwrap", config.sandbox.bwrap);
  const nlohmann::json& ro_binds = field(options, "ro_binds");
  if (!ro_binds.is_null()) {
    R1_CHECK(ro_binds.is_array(),
             "code reward option 'ro_binds': expected an array of paths, got {}", ro_binds.dump());
    for (const nlohmann::json& dir : ro_binds) {
      R1_CHECK(dir.is_string(), "code reward option 'ro_binds': expected path strings, got {}",
               dir.dump());
      config.sandbox.extra_ro_binds.push_back(dir.get<std::string>());
    }
  }
  SandboxLimits& limits = config.sandbox.limits;
  limits.wall_seconds = positive_number(options, "timeout_seconds", limits.wall_seconds);
  limits.cpu_seconds =
      static_cast<int>(positive_integer(options, "cpu_seconds", limits.cpu_seconds));
  limits.address_space_bytes =
      positive_integer(options, "memory_mb", limits.address_space_bytes >> 20) << 20;
  limits.max_processes =
      static_cast<int>(positive_integer(options, "max_processes", limits.max_processes));
  limits.max_output_bytes = positive_integer(options, "max_output_bytes", limits.max_output_bytes);
  limits.tmpfs_bytes = positive_integer(options, "tmpfs_mb", limits.tmpfs_bytes >> 20) << 20;
  return config;
}

std::string extract_python_code(std::string_view completion) {
  const size_t think_end = completion.rfind("</think>");
  if (think_end != std::string_view::npos) completion.remove_prefix(think_end + 8);

  std::string_view last_python, last_any;
  bool found_python = false, found_any = false;
  size_t pos = 0;
  while (true) {
    const size_t open = completion.find("```", pos);
    if (open == std::string_view::npos) break;
    const size_t info_end = completion.find('\n', open + 3);
    if (info_end == std::string_view::npos) break;
    std::string_view info = completion.substr(open + 3, info_end - open - 3);
    while (!info.empty() && (info.back() == ' ' || info.back() == '\r')) info.remove_suffix(1);
    // The closing fence starts a line; an unclosed block runs to the end.
    size_t close = completion.find("\n```", info_end);
    const size_t body_end = close == std::string_view::npos ? completion.size() : close + 1;
    std::string_view body = completion.substr(info_end + 1, body_end - info_end - 1);
    last_any = body;
    found_any = true;
    if (info == "python" || info == "py" || info == "python3" || info == "Python") {
      last_python = body;
      found_python = true;
    }
    if (close == std::string_view::npos) break;
    pos = close + 4;
  }
  if (found_python) return std::string(last_python);
  if (found_any) return std::string(last_any);
  return std::string(completion);
}

CodeReward::CodeReward(CodeRewardConfig config)
    : config_(std::move(config)),
      sandbox_(config_.sandbox),
      workers_(config_.workers > 0
                   ? config_.workers
                   : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))) {
  R1_CHECK(!config_.python.empty() && config_.python[0] == '/' &&
               access(config_.python.c_str(), X_OK) == 0,
           "code reward option 'python': expected an absolute path to an executable Python "
           "interpreter, got '{}'",
           config_.python);
}

SandboxResult CodeReward::run_python(const std::string& program, const std::string& stdin_data,
                                     const std::string& done_marker) const {
  SandboxRequest request;
  request.argv = {config_.python, "-I", kDriverFile};
  request.files = {
      {kDriverFile, kDriverSource}, {kSolutionFile, program}, {kMarkerFile, done_marker}};
  request.stdin_data = stdin_data;
  return sandbox_.run(request);
}

std::string CodeReward::failure_reason(const SandboxResult& result) const {
  const SandboxLimits& limits = config_.sandbox.limits;
  if (result.outcome != SandboxOutcome::exited) return result.describe(limits);
  const std::string error = last_nonempty_line(result.stderr_data);
  if (result.exit_code == 0) return "exited before the tests finished";
  if (error.find("MemoryError") != std::string::npos) {
    return fmt::format("killed: memory limit {} MiB ({})", limits.address_space_bytes >> 20,
                       excerpt(error));
  }
  if (error.empty()) return result.describe(limits);
  return excerpt(error);
}

RewardResult CodeReward::score_humaneval(const RewardInput& input, const std::string& code) const {
  const nlohmann::json& reference = input.reference;
  const nlohmann::json& entry_point = field(reference, "entry_point");
  R1_CHECK(entry_point.is_string() && is_identifier(entry_point.get<std::string>()),
           "code reward: reference field 'entry_point': expected a Python identifier, got {}",
           entry_point.dump());
  const char* test_key = reference.contains("test") ? "test" : "tests";
  const nlohmann::json& test = field(reference, test_key);
  R1_CHECK(test.is_string(),
           "code reward: reference field '{}': expected Python source defining check(candidate), "
           "got {}",
           test_key, test.dump().substr(0, 80));
  std::string prefix;
  if (reference.contains("prompt")) {
    R1_CHECK(reference["prompt"].is_string(),
             "code reward: reference field 'prompt': expected the code the completion continues "
             "(a string), got {}",
             reference["prompt"].dump().substr(0, 80));
    prefix = reference["prompt"].get<std::string>();
  }
  const std::string program = prefix + code + "\n\n" + test.get<std::string>() + "\n\ncheck(" +
                              entry_point.get<std::string>() + ")\n";
  const std::string marker = random_marker();
  const SandboxResult result = run_python(program, "", marker);
  const bool passed = result.outcome == SandboxOutcome::exited && result.exit_code == 0 &&
                      result.stderr_data.find(marker) != std::string::npos;
  if (passed) return {1.0, "1/1 tests passed"};
  return {0.0, failure_reason(result)};
}

RewardResult CodeReward::score_stdio(const nlohmann::json& tests, const std::string& code) const {
  R1_CHECK(!tests.empty(), "code reward: reference field 'tests': expected at least one test");
  for (size_t i = 0; i < tests.size(); ++i) {
    R1_CHECK(tests[i].is_object() && tests[i].contains("input") && tests[i]["input"].is_string() &&
                 tests[i].contains("output") && tests[i]["output"].is_string(),
             "code reward: reference field 'tests[{}]': expected {{\"input\": string, \"output\": "
             "string}}, got {}",
             i, tests[i].dump().substr(0, 80));
  }
  const std::string marker = random_marker();
  size_t passed = 0;
  std::string first_failure;
  for (size_t i = 0; i < tests.size(); ++i) {
    const SandboxResult result = run_python(code, tests[i]["input"].get<std::string>(), marker);
    std::string failure;
    if (result.outcome != SandboxOutcome::exited || result.exit_code != 0) {
      failure = failure_reason(result);
    } else {
      const std::string expected = normalize_output(tests[i]["output"].get<std::string>());
      const std::string got = normalize_output(result.stdout_data);
      if (got == expected) {
        ++passed;
        continue;
      }
      failure =
          fmt::format("wrong answer: expected \"{}\", got \"{}\"", excerpt(expected), excerpt(got));
    }
    if (first_failure.empty()) first_failure = fmt::format("test {}: {}", i + 1, failure);
    if (config_.mode == CodeRewardMode::all_or_nothing) break;
  }
  const size_t total = tests.size();
  const bool all = passed == total;
  const double value = config_.mode == CodeRewardMode::fraction
                           ? static_cast<double>(passed) / static_cast<double>(total)
                           : (all ? 1.0 : 0.0);
  if (all) return {value, fmt::format("{}/{} tests passed", passed, total)};
  if (config_.mode == CodeRewardMode::all_or_nothing) return {value, first_failure};
  return {value, fmt::format("{}/{} tests passed; {}", passed, total, first_failure)};
}

RewardResult CodeReward::score(const RewardInput& input) const {
  const nlohmann::json& reference = input.reference;
  R1_CHECK(reference.is_object(), "code reward: the reference must be a JSON object, got {}",
           reference.dump().substr(0, 80));
  const std::string code = extract_python_code(input.completion);
  if (code.find_first_not_of(" \t\r\n") == std::string::npos) return {0.0, "no code"};
  if (reference.contains("entry_point")) return score_humaneval(input, code);
  if (reference.contains("tests") && reference["tests"].is_array()) {
    return score_stdio(reference["tests"], code);
  }
  fail(
      "code reward: the reference needs \"entry_point\" + \"test\" (HumanEval style) or "
      "\"tests\": [{{\"input\", \"output\"}}, …] (stdin/stdout style); it has none of them");
}

std::vector<RewardResult> CodeReward::score_batch(const std::vector<RewardInput>& inputs) const {
  std::vector<RewardResult> results(inputs.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto work = [&] {
    while (!failed.load()) {
      const size_t i = next.fetch_add(1);
      if (i >= inputs.size()) return;
      try {
        results[i] = score(inputs[i]);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
      }
    }
  };
  const size_t thread_count = std::min(inputs.size(), static_cast<size_t>(workers_));
  std::vector<std::thread> threads;
  for (size_t t = 1; t < thread_count; ++t) threads.emplace_back(work);
  work();
  for (std::thread& thread : threads) thread.join();
  if (first_error) std::rethrow_exception(first_error);
  return results;
}

std::unique_ptr<Reward> make_code_reward(const nlohmann::json& options) {
  return std::make_unique<CodeReward>(code_reward_config_from_json(options));
}

}  // namespace r1
