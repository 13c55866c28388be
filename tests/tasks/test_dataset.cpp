#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/check.h"
#include "core/file_io.h"
#include "tasks/dataset.h"

namespace r1 {
namespace {

const std::string kDataDir = R1_SOURCE_DIR "/../shared/data";

std::string error_of(const std::string& path, const DatasetOptions& options = {}) {
  try {
    load_jsonl_dataset(path, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

class DatasetFiles : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& bytes) {
    const std::string dir = std::string(R1_BINARY_DIR) + "/test_dataset_files";
    make_dirs(dir);
    const std::string path = dir + "/" + name;
    write_file_atomic(path, bytes);
    return path;
  }
};

struct RealFile {
  std::string path;
  size_t lines;
  std::string prompt_field, answer_field, lang;
};

// Line counts and field names from the data README and the files themselves.
TEST(RealDatasets, EveryFileLoadsWithTheRightFields) {
  if (!std::filesystem::exists(kDataDir)) GTEST_SKIP() << "no benchmark data at " << kDataDir;
  const std::vector<RealFile> files = {
      {"gsm8k/train.jsonl", 7473, "question", "answer", "en"},
      {"gsm8k/test.jsonl", 1319, "question", "answer", "en"},
      {"math500/test.jsonl", 500, "question", "answer", "en"},
      {"aime24/test.jsonl", 30, "question", "answer", "en"},
      {"amc23/test.jsonl", 40, "question", "answer", "en"},
      {"minerva_math/test.jsonl", 272, "problem", "solution", "en"},
      {"gaokao2023en/test.jsonl", 385, "question", "answer", "en"},
      {"cmath/test.jsonl", 600, "question", "answer", "zh"},
  };
  for (const RealFile& f : files) {
    const Dataset d = load_jsonl_dataset(kDataDir + "/" + f.path);
    EXPECT_EQ(d.problems.size(), f.lines) << f.path;
    EXPECT_EQ(d.skipped, 0u);
    EXPECT_EQ(d.prompt_field, f.prompt_field) << f.path;
    EXPECT_EQ(d.answer_field, f.answer_field) << f.path;
    std::set<std::string> ids;
    for (const Problem& p : d.problems) {
      EXPECT_FALSE(p.prompt.empty()) << p.id;
      EXPECT_TRUE(p.reference["answer"].is_string()) << p.id;
      EXPECT_EQ(p.lang, f.lang) << p.id;
      EXPECT_EQ(p.reward, "math");
      ids.insert(p.id);
    }
    EXPECT_EQ(ids.size(), f.lines) << f.path;
  }
  const Dataset gsm8k = load_jsonl_dataset(kDataDir + "/gsm8k/test.jsonl");
  EXPECT_EQ(gsm8k.problems[0].id, "gsm8k/test:1");
  for (const Problem& p : gsm8k.problems) {
    EXPECT_NE(p.reference["answer"].get<std::string>().find("\n#### "), std::string::npos) << p.id;
  }
  // AMC answers are JSON numbers; they are kept as written.
  const Dataset amc = load_jsonl_dataset(kDataDir + "/amc23/test.jsonl");
  EXPECT_EQ(amc.problems[0].reference["answer"].get<std::string>().find(".0"),
            amc.problems[0].reference["answer"].get<std::string>().size() - 2);
  // Other fields travel in the reference; the prompt field does not.
  const Dataset aime = load_jsonl_dataset(kDataDir + "/aime24/test.jsonl");
  EXPECT_TRUE(aime.problems[0].reference.contains("solution"));
  EXPECT_FALSE(aime.problems[0].reference.contains("question"));
  // An explicit mapping overrides detection.
  DatasetOptions options;
  options.prompt_field = "problem";
  options.answer_field = "solution";
  const Dataset aime_solutions = load_jsonl_dataset(kDataDir + "/aime24/test.jsonl", options);
  ASSERT_EQ(aime_solutions.problems.size(), 30u);
  EXPECT_EQ(aime_solutions.problems[0].prompt, aime.problems[0].reference["problem"]);
  EXPECT_EQ(aime_solutions.problems[0].reference["answer"], aime.problems[0].reference["solution"]);
  options.answer_field = "url_typo";
  EXPECT_NE(error_of(kDataDir + "/aime24/test.jsonl", options).find(":1: missing field 'url_typo'"),
            std::string::npos);
  EXPECT_NE(error_of(kDataDir + "/humaneval/HumanEval.jsonl.gz").find("gzip"), std::string::npos);
}

TEST_F(DatasetFiles, MalformedLinesNameFileLineAndField) {
  const std::string path = write("bad.jsonl",
                                 "{\"question\": \"1+1?\", \"answer\": \"2\"}\n"
                                 "\n"
                                 "{\"question\": \"2+2?\", \"answer\": 4}\r\n"
                                 "{\"question\": \"oops\", \"answer\": \"3\"\n"
                                 "{\"problem\": \"no question\", \"answer\": \"5\"}\n"
                                 "[1, 2]\n"
                                 "{\"question\": [\"x\"], \"answer\": \"6\"}\n"
                                 "{\"question\": \"3+3?\", \"answer\": null}\n"
                                 "{\"question\": \"你好吗\", \"answer\": \"7\"}\n");
  EXPECT_NE(error_of(path).find(path + ":4: invalid JSON"), std::string::npos) << error_of(path);
  DatasetOptions skip;
  skip.skip_malformed = true;
  const Dataset d = load_jsonl_dataset(path, skip);
  ASSERT_EQ(d.problems.size(), 3u);
  EXPECT_EQ(d.problems[1].reference["answer"], "4");
  EXPECT_EQ(d.problems[1].id, "test_dataset_files/bad:3");
  EXPECT_EQ(d.problems[2].lang, "zh");
  EXPECT_EQ(d.problems[0].lang, "en");
  ASSERT_EQ(d.skipped, 5u);
  ASSERT_EQ(d.skip_reasons.size(), 5u);
  EXPECT_NE(d.skip_reasons[0].find(":4: invalid JSON"), std::string::npos) << d.skip_reasons[0];
  EXPECT_NE(d.skip_reasons[1].find(":5: missing field 'question'"), std::string::npos)
      << d.skip_reasons[1];
  EXPECT_NE(d.skip_reasons[2].find(":6: expected a JSON object"), std::string::npos)
      << d.skip_reasons[2];
  EXPECT_NE(d.skip_reasons[3].find(":7: field 'question' must be a string"), std::string::npos)
      << d.skip_reasons[3];
  EXPECT_NE(d.skip_reasons[4].find(":8: field 'answer' must be a string or a number"),
            std::string::npos)
      << d.skip_reasons[4];
}

TEST_F(DatasetFiles, DetectionAndOptions) {
  const std::string path =
      write("prompts.jsonl", "{\"prompt\": \"Say hi\", \"solution\": \"hi\", \"lang\": \"zh\"}\n");
  const Dataset d = load_jsonl_dataset(path);
  EXPECT_EQ(d.prompt_field, "prompt");
  EXPECT_EQ(d.answer_field, "solution");
  EXPECT_EQ(d.problems[0].lang, "zh");  // the line's own lang field wins over detection
  DatasetOptions options;
  options.lang = "en";
  options.reward = "general";
  EXPECT_EQ(load_jsonl_dataset(path, options).problems[0].lang, "en");
  EXPECT_EQ(load_jsonl_dataset(path, options).problems[0].reward, "general");
  options.lang = "fr";
  EXPECT_THROW(load_jsonl_dataset(path, options), Error);
  const std::string no_fields = write("nofields.jsonl", "{\"text\": \"a\", \"answer\": \"b\"}\n");
  EXPECT_NE(error_of(no_fields).find("no prompt field"), std::string::npos) << error_of(no_fields);
  EXPECT_THROW(load_jsonl_dataset(R1_BINARY_DIR "/does/not/exist.jsonl"), Error);
  EXPECT_TRUE(load_jsonl_dataset(write("empty.jsonl", "\n\n")).problems.empty());
}

TEST(DatasetSplit, SeededShuffleAndSplit) {
  std::vector<Problem> problems(100);
  for (size_t i = 0; i < problems.size(); ++i) problems[i].id = std::to_string(i);
  std::vector<Problem> a = problems, b = problems, c = problems;
  shuffle_problems(a, 3);
  shuffle_problems(b, 3);
  shuffle_problems(c, 4);
  std::set<std::string> ids;
  bool same_as_b = true, same_as_c = true, moved = false;
  for (size_t i = 0; i < a.size(); ++i) {
    ids.insert(a[i].id);
    same_as_b &= a[i].id == b[i].id;
    same_as_c &= a[i].id == c[i].id;
    moved |= a[i].id != problems[i].id;
  }
  EXPECT_EQ(ids.size(), 100u);  // a permutation
  EXPECT_TRUE(same_as_b);
  EXPECT_FALSE(same_as_c);
  EXPECT_TRUE(moved);

  const TrainTestSplit split = split_train_test(problems, 0.2, 3);
  EXPECT_EQ(split.test.size(), 20u);
  EXPECT_EQ(split.train.size(), 80u);
  std::set<std::string> all;
  for (const Problem& p : split.train) all.insert(p.id);
  for (const Problem& p : split.test) all.insert(p.id);
  EXPECT_EQ(all.size(), 100u);  // disjoint and complete
  EXPECT_EQ(split.test[0].id, a[0].id);
  EXPECT_THROW(split_train_test(problems, 1.5, 3), Error);
}

}  // namespace
}  // namespace r1
