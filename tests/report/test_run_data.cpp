#include <gtest/gtest.h>

#include <cmath>

#include "core/check.h"
#include "report/run_data.h"
#include "run_dir.h"

namespace r1::report {
namespace {

using testing::TempDir;

std::string load_error(const std::string& dir) {
  try {
    load_run(dir);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

const std::string kStep1 = "{\"step\": 1, \"accuracy\": 0.5}\n";

TEST(LoadRun, ReadsTheFixtureRun) {
  const RunData run = load_run(testing::kFixtureRun);
  EXPECT_EQ(run.metrics.size(), 12u);
  EXPECT_EQ(run.metrics.back()["step"], 12);
  ASSERT_EQ(run.samples.size(), 24u);
  EXPECT_EQ(run.samples[1].step, 1);
  EXPECT_EQ(run.samples[1].prompt, "计算 41 - 17 等于多少？");
  EXPECT_DOUBLE_EQ(run.samples[1].reward, 0.1);
  EXPECT_EQ(run.samples[1].reason, "math: answer ≠ \"x\"; format: ok");
  EXPECT_EQ(run.config["num_generations"], 8);
  EXPECT_EQ(run.final_eval["heldout_accuracy"], 0.7);
}

TEST(LoadRun, MetricByStepTellsAbsentFromNull) {
  const RunData run = load_run(testing::kFixtureRun);
  const auto entropy = metric_by_step(run, "entropy");
  ASSERT_EQ(entropy.size(), 12u);
  EXPECT_EQ(entropy[6].first, 7);
  ASSERT_TRUE(entropy[6].second.has_value());
  EXPECT_TRUE(std::isnan(*entropy[6].second));  // null in the file
  EXPECT_DOUBLE_EQ(*entropy[7].second, 1.6);
  const auto heldout = metric_by_step(run, "heldout_accuracy");
  EXPECT_DOUBLE_EQ(*heldout[4].second, 0.45);
  EXPECT_FALSE(heldout[5].second.has_value());  // not evaluated at step 6
}

TEST(LoadRun, MissingDirectory) {
  EXPECT_EQ(load_error("/nonexistent/run"), "/nonexistent/run: no such run directory");
}

TEST(LoadRun, DirectoryWithoutMetrics) {
  TempDir dir;
  EXPECT_EQ(load_error(dir.path()), dir.path() + "/metrics.jsonl: not found (is " + dir.path() +
                                        " a run directory written by `r1 grpo --out`?)");
}

TEST(LoadRun, EmptyMetrics) {
  TempDir dir;
  dir.write("metrics.jsonl", "\n");
  EXPECT_EQ(load_error(dir.path()), dir.path() +
                                        "/metrics.jsonl: no steps in the file (has the run "
                                        "started a step yet?)");
}

TEST(LoadRun, MalformedLineIsNamed) {
  TempDir dir;
  dir.write("metrics.jsonl", kStep1 + "{\"step\": 2}\n{\"step\": 3, \"kl\": \n");
  EXPECT_EQ(load_error(dir.path()),
            dir.path() + "/metrics.jsonl:3: expected a JSON object on this line");
}

TEST(LoadRun, WrongTypeOfAPlottedMetric) {
  TempDir dir;
  dir.write("metrics.jsonl", kStep1 + "{\"step\": 2, \"kl\": \"small\"}\n");
  EXPECT_EQ(load_error(dir.path()),
            dir.path() + "/metrics.jsonl:2: field \"kl\": expected a number, got string");
}

TEST(LoadRun, StepMustBeAnIncreasingInteger) {
  TempDir dir;
  dir.write("metrics.jsonl", kStep1 + "{\"accuracy\": 0.5}\n");
  EXPECT_EQ(load_error(dir.path()), dir.path() + "/metrics.jsonl:2: field \"step\": missing");
  dir.write("metrics.jsonl", kStep1 + "{\"step\": 1.5}\n");
  EXPECT_EQ(load_error(dir.path()),
            dir.path() + "/metrics.jsonl:2: field \"step\": expected an integer, got 1.5");
  dir.write("metrics.jsonl", kStep1 + "{\"step\": 2}\n\n{\"step\": 2}\n");
  EXPECT_EQ(load_error(dir.path()),
            dir.path() +
                "/metrics.jsonl:4: field \"step\": step 2 after step 2: steps must "
                "increase");
}

TEST(LoadRun, SampleFieldsAreChecked) {
  TempDir dir;
  dir.write("metrics.jsonl", kStep1);
  const std::string good =
      "{\"step\": 1, \"prompt\": \"p\", \"completion\": \"c\", \"reward\": 1, \"reason\": \"r\"}\n";
  dir.write("samples.jsonl", good + "{\"step\": 1, \"completion\": \"c\", \"reward\": 1}\n");
  EXPECT_EQ(load_error(dir.path()), dir.path() + "/samples.jsonl:2: field \"prompt\": missing");
  dir.write("samples.jsonl", good + good +
                                 "{\"step\": 1, \"prompt\": \"p\", \"completion\": "
                                 "\"c\", \"reward\": \"high\"}\n");
  EXPECT_EQ(load_error(dir.path()),
            dir.path() + "/samples.jsonl:3: field \"reward\": expected a number, got string");
  dir.write("samples.jsonl", "[1, 2]\n");
  EXPECT_EQ(load_error(dir.path()),
            dir.path() + "/samples.jsonl:1: expected a JSON object on this line");
}

TEST(LoadRun, OptionalFilesMustBeJsonObjects) {
  TempDir dir;
  dir.write("metrics.jsonl", kStep1);
  dir.write("config.json", "{\"beta\": 0.0,}");
  EXPECT_EQ(load_error(dir.path()), dir.path() + "/config.json: expected one JSON object");
  std::filesystem::remove(dir.path() + "/config.json");
  dir.write("final_eval.json", "{\"heldout_accuracy\": 0.5}");
  EXPECT_EQ(load_error(dir.path()), dir.path() + "/final_eval.json: field \"step\": missing");
  std::filesystem::remove(dir.path() + "/final_eval.json");
  const RunData run = load_run(dir.path());
  EXPECT_TRUE(run.samples.empty());
  EXPECT_TRUE(run.config.is_null());
  EXPECT_TRUE(run.final_eval.is_null());
}

}  // namespace
}  // namespace r1::report
