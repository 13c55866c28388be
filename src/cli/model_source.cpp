#include "cli/model_source.h"

#include <fmt/format.h>
#include <chrono>

#include "core/check.h"
#include "core/file_io.h"
#include "pipeline/builtin_base.h"
#include "tokenizer/tokenizer_io.h"

namespace r1::cli {

std::string builtin_model_dir(bool quick, const std::string& out, bool student) {
  const BuiltinBaseConfig config =
      student ? builtin_student_config(quick) : builtin_base_config(quick);
  const std::string dir =
      out.empty() ? fmt::format("{}/builtin-{}{}{}", default_cache_root(), quick ? "quick-" : "",
                                student ? "student-" : "", builtin_base_key(config, R1_VERSION))
                  : out;
  const auto begin = std::chrono::steady_clock::now();
  const BuiltinBaseResult result = build_builtin_base(config, R1_VERSION, dir);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  fmt::print(stderr, "{} built-in base model {} in {:.1f} s\n", result.reused ? "reused" : "built",
             result.dir, seconds);
  return result.dir;
}

std::string resolve_model(const std::string& spec) {
  if (spec == "builtin" || spec == "builtin-quick") return builtin_model_dir(spec != "builtin");
  if (spec == "builtin-student" || spec == "builtin-quick-student")
    return builtin_model_dir(spec != "builtin-student", "", /*student=*/true);
  R1_CHECK(path_exists(spec + "/config.json"),
           "model '{}': not a model directory (no config.json) and not builtin, builtin-quick, "
           "builtin-student or builtin-quick-student",
           spec);
  return spec;
}

LoadedModel load_model_and_tokenizer(const std::string& dir) {
  LoadedModel loaded{load_model(dir), load_tokenizer(dir)};
  R1_CHECK(loaded.tokenizer.vocab_size() <= loaded.model.config().vocab_size,
           "{}: the tokenizer has {} tokens but the model only {}", dir,
           loaded.tokenizer.vocab_size(), loaded.model.config().vocab_size);
  return loaded;
}

}  // namespace r1::cli
