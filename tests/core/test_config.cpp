#include <gtest/gtest.h>

#include "core/check.h"
#include "core/config.h"

namespace r1 {

namespace {

Config example() {
  return Config({{"learning_rate", 1e-6, "AdamW learning rate"},
                 {"num_generations", 16, "samples per prompt (G)"},
                 {"loss_type", "grpo", "loss aggregation"},
                 {"stop", nlohmann::json::array(), "stop strings"},
                 {"dynamic_sampling", false, "drop zero-variance groups"}});
}

void expect_error(const std::function<void()>& fn, const std::string& needle) {
  try {
    fn();
    FAIL() << "expected an error mentioning " << needle;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Config, YamlThenOverrides) {
  Config c = example();
  c.load_yaml_string("learning_rate: 3e-6\nnum_generations: 8\nstop: ['</answer>']\n", "r.yaml");
  c.set("loss_type=dapo");
  c.set("dynamic_sampling=true");
  EXPECT_DOUBLE_EQ(c.get<double>("learning_rate"), 3e-6);
  EXPECT_EQ(c.get<int>("num_generations"), 8);
  EXPECT_EQ(c.get<std::string>("loss_type"), "dapo");
  EXPECT_TRUE(c.get<bool>("dynamic_sampling"));
  EXPECT_EQ(c.at("stop")[0], "</answer>");
  // An integer is accepted where a float is declared, not the other way.
  c.set("learning_rate=1");
  EXPECT_DOUBLE_EQ(c.get<double>("learning_rate"), 1.0);
  // Declaration order is kept in the resolved copy.
  EXPECT_EQ(c.resolved().begin().key(), "learning_rate");
}

TEST(Config, UnknownKeysAndWrongTypesAreErrors) {
  Config c = example();
  expect_error([&] { c.load_yaml_string("lerning_rate: 1\n", "r.yaml"); },
               "r.yaml:1: unknown key 'lerning_rate'");
  expect_error([&] { c.set("num_generations=2.5"); }, "expects an integer like 16 (got 2.5)");
  expect_error([&] { c.set("learning_rate=fast"); }, "expects a number like");
  expect_error([&] { c.set("loss_type"); }, "expected key=value");
  expect_error([&] { c.load_yaml_string("a: [1, 2\n", "bad.yaml"); }, "bad.yaml");
  expect_error([&] { c.load_yaml_string("- 1\n- 2\n", "list.yaml"); }, "mapping");
}

// Numbers outside a key's declared range are errors naming the source, the
// key and the range; the bounds themselves are accepted, an open one is not.
TEST(Config, NumbersOutsideTheirRangeAreErrors) {
  Config c({{"num_iterations", 1, "passes", at_least(1)},
            {"top_p", 1.0, "nucleus", Range{0, 1, true}},
            {"epsilon", 0.2, "clip", between(0, 1)},
            {"temperature", 1.0, "sampling temperature", above(0)},
            {"seed", 1, "seed"}});
  expect_error([&] { c.load_yaml_string("num_iterations: 0\n", "r.yaml"); },
               "r.yaml:1: key 'num_iterations' must be >= 1 (got 0)");
  expect_error([&] { c.set("top_p=0"); }, "--set top_p: key 'top_p' must be in (0, 1] (got 0)");
  expect_error([&] { c.set("top_p=1.01"); }, "must be in (0, 1]");
  expect_error([&] { c.set("epsilon=-0.1"); }, "key 'epsilon' must be in [0, 1] (got -0.1)");
  expect_error([&] { c.set("temperature=0"); }, "key 'temperature' must be > 0 (got 0)");
  c.set("num_iterations=1");
  c.set("top_p=1");
  c.set("epsilon=0");
  c.set("epsilon=1");
  c.set("temperature=1e-3");
  c.set("seed=-5");  // no range declared
  EXPECT_EQ(c.get<int>("num_iterations"), 1);
  EXPECT_DOUBLE_EQ(c.get<double>("epsilon"), 1.0);
  EXPECT_EQ(c.get<int>("seed"), -5);
  // A rejected value leaves the previous one.
  expect_error([&] { c.set("epsilon=2"); }, "epsilon");
  EXPECT_DOUBLE_EQ(c.get<double>("epsilon"), 1.0);
  // A schema whose default is outside its own range is a programming error.
  expect_error([] { Config({{"k", 0, "k", at_least(1)}}); }, "default: key 'k' must be >= 1");
}

// Errors in a YAML file name the line of the key (counted by hand below), and
// origin() tells later checks where a key, or a key of a block, was set.
TEST(Config, YamlErrorsNameTheLineAndOriginsAreKept) {
  Config c({{"learning_rate", 1e-6, "lr", above(0)},
            {"num_generations", 16, "G", at_least(1)},
            {"eval", nlohmann::json{{"k", 8}, {"problems", 300}}, "evaluation block"}});
  expect_error(
      [&] { c.load_yaml_string("learning_rate: 1e-5\n\n# G\nnum_generations: 0\n", "r.yaml"); },
      "r.yaml:4: key 'num_generations' must be >= 1 (got 0)");
  expect_error([&] { c.load_yaml_string("learning_rate: 1e-5\nnum_generations: 2.5\n", "r.yaml"); },
               "r.yaml:2: key 'num_generations' expects an integer");
  expect_error([&] { c.load_yaml_string("learning_rate: 1e-5\nlerning_rate: 1\n", "r.yaml"); },
               "r.yaml:2: unknown key 'lerning_rate'");
  expect_error([&] { c.load_yaml_string("learning_rate: 1e-5\n  bad: [\n", "r.yaml"); },
               "r.yaml:2: invalid YAML");

  Config d({{"learning_rate", 1e-6, "lr", above(0)},
            {"num_generations", 16, "G", at_least(1)},
            {"eval", nlohmann::json{{"k", 8}, {"problems", 300}}, "evaluation block"}});
  d.load_yaml_string("learning_rate: 1e-5\neval:\n  problems: 20\n\n  k: 4\n", "r.yaml");
  EXPECT_EQ(d.origin("learning_rate"), "r.yaml:1");
  EXPECT_EQ(d.origin("eval"), "r.yaml:2");
  EXPECT_EQ(d.origin("eval.problems"), "r.yaml:3");
  EXPECT_EQ(d.origin("eval.k"), "r.yaml:5");
  EXPECT_EQ(d.origin("eval.other"), "r.yaml:2");  // not set on its own: its block's line
  EXPECT_EQ(d.origin("num_generations"), "default");
  d.set("num_generations=4");
  EXPECT_EQ(d.origin("num_generations"), "--set num_generations");
  d.set_origin("eval.k", "--set eval.k");
  EXPECT_EQ(d.origin("eval.k"), "--set eval.k");
}

}  // namespace r1
