// `r1 distill`: distillation as R1 does it (R1_NOTES.md, "Distillation") —
// SFT of a smaller student on reasoning data of the teacher: correct, readable
// teacher samples drawn here by rejection sampling, or an SFT file written
// earlier (`r1 reject`, or the pipeline's stage-3 data).
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/model_source.h"
#include "cli/problem_source.h"
#include "cli/reject_data.h"
#include "core/check.h"
#include "core/file_io.h"
#include "core/threads.h"
#include "pipeline/fine_tune.h"

namespace r1::cli {

namespace {

struct DistillArgs {
  std::string student, teacher, teacher_data, out;
  ProblemSource problems;
  RejectOptions reject;
  int64_t general = 0;
  SftConfig train;
  int threads = 0;
};

// Samples the teacher and writes OUT/data.jsonl; returns its path.
std::string sample_teacher(const DistillArgs& args) {
  make_dirs(args.out);
  const std::string path = args.out + "/data.jsonl";
  write_rejection_data(resolve_model(args.teacher), args.problems, args.reject, args.general, path,
                       "teacher");
  return path;
}

}  // namespace

void add_distill(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "distill",
      "Distillation: SFT of a smaller student on a teacher's correct, readable reasoning samples");
  auto args = std::make_shared<DistillArgs>();
  args->reject.sampling.k = 4;
  args->reject.sampling.sampling = {1.0f, 0, 1.0f};
  args->train.epochs = 2;
  args->train.max_length = 0;  // the student's context
  args->train.batch_size = 16;
  args->train.schedule = {1e-3, 0, 1, "cosine", 0.1};
  cmd->add_option("--student", args->student,
                  "Student base model directory, or builtin-student (the pipeline's)")
      ->required();
  cmd->add_option("--out", args->out, "Output directory: data.jsonl (when sampled) and model/")
      ->required();
  auto* teacher = cmd->add_option("--teacher", args->teacher, "Teacher model directory to sample");
  auto* data = cmd->add_option("--teacher-data", args->teacher_data,
                               "Teacher samples already written (prompt/completion JSONL), "
                               "instead of --teacher");
  teacher->excludes(data);
  add_problem_source_options(cmd, args->problems);
  cmd->add_option("--samples", args->reject.sampling.k, "Teacher samples per problem")
      ->capture_default_str();
  cmd->add_option("--keep", args->reject.keep_per_problem, "Kept samples per problem at most")
      ->capture_default_str();
  cmd->add_option("--temperature", args->reject.sampling.sampling.temperature,
                  "Teacher sampling temperature")
      ->capture_default_str();
  cmd->add_option("--max-new-tokens", args->reject.sampling.max_new_tokens, "Completion limit")
      ->capture_default_str();
  cmd->add_option("--general", args->general,
                  "Add this many non-reasoning examples (built-in trivial queries, no CoT)")
      ->capture_default_str();
  cmd->add_option("--template", args->reject.sampling.template_name, "r1_zero_short or r1_zero")
      ->capture_default_str();
  cmd->add_option("--epochs", args->train.epochs, "Passes over the data (R1: 2–3)")
      ->capture_default_str();
  cmd->add_option("--batch-size", args->train.batch_size, "Rows per optimizer step")
      ->capture_default_str();
  cmd->add_option("--lr", args->train.schedule.lr, "Peak learning rate (cosine to 1/10)")
      ->capture_default_str();
  cmd->add_option("--seed", args->reject.sampling.seed, "Seed of the problems, samples and order")
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "Threads (0: all cores)")->capture_default_str();
  cmd->callback([args] {
    R1_CHECK(!args->teacher.empty() || !args->teacher_data.empty(),
             "give --teacher MODEL (to sample) or --teacher-data FILE.jsonl");
    set_threads(args->threads);
    const std::string data =
        args->teacher_data.empty() ? sample_teacher(*args) : args->teacher_data;
    args->train.seed = args->reject.sampling.seed;
    const std::string student = resolve_model(args->student);
    const FineTuneResult result = fine_tune(student, data, args->train, args->out + "/model");
    fmt::print(stderr, "wrote {}/model ({} examples, {} steps, loss {:.4f})\n", args->out,
               result.examples, result.sft.steps_done, result.sft.final_loss);
  });
}

}  // namespace r1::cli
