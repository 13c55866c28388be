#include "cli/reject_data.h"

#include <fmt/format.h>

#include "cli/model_source.h"
#include "core/check.h"
#include "core/file_io.h"
#include "core/progress.h"
#include "pipeline/builtin_base.h"

namespace r1::cli {

RejectResult write_rejection_data(const std::string& model_dir, ProblemSource problems,
                                  const RejectOptions& options, int64_t general,
                                  const std::string& out, const std::string& what) {
  R1_CHECK(general >= 0, "--general must be at least 0, got {}", general);
  problems.seed = options.sampling.seed;
  const std::vector<Problem> train = load_problems(problems, Split::train);
  const auto [model, tokenizer] = load_model_and_tokenizer(model_dir);
  Progress progress(what, int64_t(train.size()) * options.sampling.k, 0, 5.0);
  const RejectResult result =
      rejection_sample(model, tokenizer, train, options,
                       [&](int64_t done, int64_t) { progress.update(done, "completions"); });
  progress.finish(fmt::format("kept {} of {} samples ({} correct)", result.kept, result.samples,
                              result.correct));
  std::string lines;
  for (const nlohmann::json& e : result.examples) lines += e.dump() + "\n";
  CorpusMix mix = builtin_base_config(false).mix;
  mix.template_name = options.sampling.template_name;
  for (const nlohmann::json& e : general_examples(general, options.sampling.seed, mix))
    lines += e.dump() + "\n";
  write_file_atomic(out, lines);
  return result;
}

}  // namespace r1::cli
