#include "pipeline/pipeline.h"

#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <optional>

#include "core/check.h"
#include "core/file_io.h"
#include "core/jsonl.h"
#include "core/progress.h"
#include "core/threads.h"
#include "eval/evaluator.h"
#include "model/model.h"
#include "model/scalar_head.h"
#include "pipeline/builtin_base.h"
#include "pipeline/fine_tune.h"
#include "pipeline/reject.h"
#include "report/report.h"
#include "rl/grpo_trainer.h"
#include "rl/rl_config.h"
#include "rl/rollout.h"
#include "tasks/corpus.h"
#include "tasks/preference_data.h"
#include "tasks/template.h"
#include "tokenizer/tokenizer_io.h"
#include "train/rm.h"
#include "train/rm_data.h"

namespace r1 {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// The recipe's blocks: GRPO blocks hold GRPO keys (validated by the GRPO
// schema), the others their own keys, each overridable one by one.
json block_defaults(bool quick) {
  json d;
  d["eval"] = {{"problems", quick ? 16 : 300},
               {"k", quick ? 2 : 8},
               {"max_new_tokens", quick ? 64 : 200},
               {"temperature", 0.6},
               {"top_p", 0.95},
               // Language mixing shows at the sampling temperature of RL and
               // of the cold-start data (1.0), rarely at 0.6: a second, smaller
               // held-out evaluation measures it there.
               {"mixing_temperature", 1.0},
               {"mixing_problems", quick ? 8 : 200},
               {"mixing_k", quick ? 2 : 4}};
  d["grpo"] = {
      {"max_steps", quick ? 3 : 60},
      {"prompts_per_step", quick ? 4 : 16},
      {"num_generations", quick ? 4 : 8},
      // The 0.8 M-parameter base loses its arithmetic at 3e-4 in one step.
      {"learning_rate", 3e-5},
      {"max_prompt_length", 64},
      {"max_completion_length", quick ? 64 : 160},
      {"eval_every", quick ? 3 : 10},
      {"eval_prompts", quick ? 8 : 128},
      {"checkpoint_every", quick ? 1 : 10},
      {"rewards", json::array({{{"name", "accuracy"},
                                {"weight", 1.0},
                                {"options", {{"math", {{"extract", {"answer_tag", "boxed"}}}}}}},
                               {{"name", "format"}, {"weight", 0.1}}})}};
  d["r1_zero"] = json::object();
  // R1 §2.3.2: the language-consistency reward is added to the accuracy reward.
  d["reasoning_rl"] = {{"rewards", json::array({d["grpo"]["rewards"][0],
                                                d["grpo"]["rewards"][1],
                                                {{"name", "language"}, {"weight", 1.0}}})}};
  // R1 §2.3.4: the second RL stage samples at temperature 0.7.
  d["all_scenario_rl"] = {{"temperature", 0.7}};
  d["student_rl"] = json::object();
  d["cold_start"] = {{"problems", quick ? 16 : 512},
                     {"samples", quick ? 2 : 4},
                     {"keep", 1},
                     {"temperature", 1.0},
                     {"min_cot_words", quick ? 0 : 4},
                     {"builtin_examples", quick ? 32 : 256},
                     {"epochs", quick ? 1 : 3},
                     {"learning_rate", 5e-4},
                     {"batch_size", 16}};
  d["rejection"] = {{"problems", quick ? 16 : 1024},
                    {"samples", quick ? 2 : 4},
                    {"keep", 1},
                    {"temperature", 1.0},
                    {"min_cot_words", 0},
                    {"general", quick ? 8 : 128},
                    {"epochs", quick ? 1 : 2},
                    {"learning_rate", 5e-4},
                    {"batch_size", 16}};
  d["reward_model"] = {{"pairs", quick ? 64 : 2000},
                       {"eval_pairs", quick ? 16 : 400},
                       {"epochs", 1},
                       {"learning_rate", 3e-4},
                       {"batch_size", 16}};
  d["distill"] = {{"epochs", quick ? 1 : 2}, {"learning_rate", 1e-3}, {"batch_size", 16}};
  return d;
}

Config make_schema(bool quick) {
  const json d = block_defaults(quick);
  std::vector<ConfigKey> keys = {
      {"base_model", quick ? "builtin-quick" : "builtin",
       "base model directory, or builtin / builtin-quick (built and cached)"},
      {"student_model", quick ? "builtin-quick-student" : "builtin-student",
       "smaller base model the distillation trains, or builtin-student / builtin-quick-student"},
      {"tasks",
       json::array(
           {{{"name", "sum"},
             {"weight", 1.0},
             {"options", {{"min_terms", 4}, {"max_terms", 4}, {"worded", 1}, {"zh_share", 0.3}}}}}),
       "reasoning tasks: [{name, weight, options}] (RL prompts, rejection sampling, evaluation)"},
      {"general_share", 0.2,
       "share of general (non-reasoning) prompts in the all-scenario RL stage", between(0, 1)},
      {"general_task", json{{"name", "trivial"}, {"options", {{"zh_share", 0.3}}}},
       "the general prompts: a built-in task whose problems the 'general' reward judges"},
      {"template", "r1_zero_short", "prompt template: r1_zero (verbatim) or r1_zero_short"},
      {"seed", 1, "random seed of every stage"},
      {"threads", 0, "threads (0: all cores)", at_least(0)},
      {"language_ablation", true,
       "also run stage 2 without the language reward, to show the reward's accuracy cost"},
      {"eval", d["eval"], "held-out evaluation after every stage"},
      {"grpo", d["grpo"], "GRPO keys shared by every RL stage (r1 grpo --print-config)"},
      {"r1_zero", d["r1_zero"], "GRPO keys of R1-Zero, over 'grpo'"},
      {"cold_start", d["cold_start"],
       "stage 1: R1-Zero samples per problem, filters, built-in worked solutions, SFT"},
      {"reasoning_rl", d["reasoning_rl"], "stage 2: GRPO keys over 'grpo'"},
      {"rejection", d["rejection"],
       "stage 3: samples per problem, general examples, SFT of the base (2 epochs)"},
      {"reward_model", d["reward_model"],
       "stage 4: built-in helpfulness and harmlessness preference pairs, Bradley–Terry training"},
      {"all_scenario_rl", d["all_scenario_rl"], "stage 4: GRPO keys over 'grpo'"},
      {"distill", d["distill"], "SFT of the student base on the stage-3 data"},
      {"student_rl", d["student_rl"], "GRPO keys of the student's own R1-Zero run, over 'grpo'"},
  };
  return Config(std::move(keys));
}

// The numbers a non-GRPO block's key accepts: counts of problems, samples,
// epochs and the like at least 1, of optional extras at least 0.
Range data_key_range(const std::string& key) {
  if (key == "temperature" || key == "mixing_temperature") return at_least(0);
  if (key == "top_p") return Range{0, 1, true};
  if (key == "learning_rate") return above(0);
  if (key == "min_cot_words" || key == "builtin_examples" || key == "general") return at_least(0);
  return at_least(1);
}

// Where a block's key was set, for errors: "FILE:LINE: block 'NAME'".
std::string block_source(const Config& cfg, const std::string& block, const std::string& key) {
  return fmt::format("{}: block '{}'", cfg.origin(block + "." + key), block);
}

// A non-GRPO block: the defaults with the recipe's values over them, key by
// key; unknown keys, mistyped values (a fraction for a count) and numbers
// outside a key's range are errors naming where the key was set.
json data_block(const Config& cfg, const json& defaults, const std::string& name) {
  std::vector<ConfigKey> keys;
  for (const auto& [key, value] : defaults.at(name).items())
    keys.push_back({key, value, "", data_key_range(key)});
  Config block(std::move(keys));
  for (const auto& [key, value] : cfg.at(name).items())
    block.set_value(key, value, block_source(cfg, name, key));
  return block.resolved();
}

struct LoadedBase {
  Model model;
  Tokenizer tokenizer;
};

struct BuiltinSpec {
  bool quick = false, student = false;
};

std::optional<BuiltinSpec> parse_builtin(const std::string& spec) {
  if (spec == "builtin") return BuiltinSpec{false, false};
  if (spec == "builtin-quick") return BuiltinSpec{true, false};
  if (spec == "builtin-student") return BuiltinSpec{false, true};
  if (spec == "builtin-quick-student") return BuiltinSpec{true, true};
  return std::nullopt;
}

constexpr const char* kModelFiles[] = {
    "config.json",           "model.safetensors",       "tokenizer.json",
    "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"};

void copy_model_dir(const std::string& from, const std::string& to) {
  make_dirs(to);
  for (const char* name : kModelFiles)
    if (path_exists(from + "/" + name))
      write_file_atomic(to + "/" + name, read_file(from + "/" + name));
}

class Pipeline {
 public:
  Pipeline(const Config& cfg, const PipelineOptions& options)
      : cfg_(cfg), opt_(options), defaults_(block_defaults(options.quick)) {}

  json run();
  // Every block's keys and types, before any stage runs.
  void check() const;

 private:
  std::string dir(const std::string& stage) const { return opt_.run_dir + "/" + stage; }
  std::string model_dir(const std::string& stage) const { return dir(stage) + "/model"; }

  // Runs `body` unless the stage is complete; then evaluates the stage's model
  // when it has one. Returns the stage's record (stage.json).
  json stage(const std::string& name, bool has_model, const std::function<json()>& body);

  json evaluate_model(const std::string& model, const std::string& out_path) const;
  std::vector<Problem> problems(int64_t n, uint64_t seed, Split split) const;
  Config grpo_config(const std::string& block, const json& extra = json::object()) const;
  json base_stage(const std::string& spec);
  json rl_stage(const std::string& stage, const std::string& init, const Config& grpo);
  json sft_stage(const std::string& stage, const std::string& init, const std::string& data,
                 const json& block);
  json sample_stage(const std::string& stage, const std::string& model, const json& block,
                    uint64_t seed, const std::vector<json>& extra);
  std::vector<json> builtin_solutions(int64_t n) const;
  json reward_models_stage(const std::string& init);
  Config all_scenario_config() const;
  int64_t compute_flops(const std::string& stage, const std::string& kind) const;
  void write_outputs(const std::vector<json>& stages);

  const Config& cfg_;
  PipelineOptions opt_;
  json defaults_;
};

json Pipeline::stage(const std::string& name, bool has_model, const std::function<json()>& body) {
  const std::string record_path = dir(name) + "/stage.json";
  if (path_exists(record_path)) {
    fmt::print(stderr, "pipeline: {} done, skipped\n", name);
    return json::parse(read_file(record_path));
  }
  fmt::print(stderr, "pipeline: stage {}\n", name);
  make_dirs(dir(name));
  const auto begin = Clock::now();
  json record = {{"stage", name}};
  record.update(body());
  record["wall_time_s"] = seconds_since(begin);
  if (has_model) {
    record["model"] = model_dir(name);
    const auto eval_begin = Clock::now();
    record["eval"] = evaluate_model(model_dir(name), dir(name) + "/eval.json");
    record["eval_time_s"] = seconds_since(eval_begin);
  }
  write_file_atomic(record_path, record.dump(2) + "\n");
  return record;
}

std::vector<Problem> Pipeline::problems(int64_t n, uint64_t seed, Split split) const {
  const TaskMixture tasks(cfg_.at("tasks"));
  std::vector<Problem> out;
  for (int64_t i = 0; i < n; ++i) out.push_back(tasks.draw(seed, uint64_t(i), split));
  return out;
}

json Pipeline::evaluate_model(const std::string& model_path, const std::string& out_path) const {
  const json e = data_block(cfg_, defaults_, "eval");
  EvalOptions options;
  options.k = e["k"];
  options.sampling = {e["temperature"].get<float>(), 0, e["top_p"].get<float>()};
  options.max_new_tokens = e["max_new_tokens"];
  options.seed = cfg_.get<uint64_t>("seed");
  options.template_name = cfg_.get<std::string>("template");
  const Model model = load_model(model_path);
  const Tokenizer tokenizer = load_tokenizer(model_path);
  const std::vector<Problem> held_out = problems(e["problems"], options.seed, Split::test);
  Progress progress("eval", int64_t(held_out.size()) * options.k, 0, 10.0);
  const EvalReport report = evaluate(model, tokenizer, held_out, options,
                                     [&](int64_t done, int64_t) { progress.update(done, ""); });
  progress.finish(fmt::format("pass@1 {:.3f} cons@{} {:.3f} length {:.1f}", report.pass_at_1,
                              report.k, report.cons_at_k, report.response_length_mean));
  EvalOptions hot = options;
  hot.k = e["mixing_k"];
  hot.sampling = {e["mixing_temperature"].get<float>(), 0, 1.0f};
  const std::vector<Problem> mixing_problems(
      held_out.begin(),
      held_out.begin() + std::min(e["mixing_problems"].get<int64_t>(), int64_t(held_out.size())));
  const EvalReport mixing = evaluate(model, tokenizer, mixing_problems, hot);
  json summary = to_json(report, /*with_problems=*/false);
  summary["language_mixing_rate_hot"] = mixing.language_mixing_rate;
  summary["pass@1_hot"] = mixing.pass_at_1;
  json full = to_json(report, /*with_problems=*/true);
  full["model"] = model_path;
  full["hot"] = to_json(mixing, /*with_problems=*/true);
  full["hot"]["temperature"] = hot.sampling.temperature;
  write_file_atomic(out_path, full.dump(2) + "\n");
  return summary;
}

Config Pipeline::grpo_config(const std::string& block, const json& extra) const {
  Config c = grpo_config_schema();
  for (const char* key : {"tasks", "template", "seed", "threads"})
    c.set_value(key, cfg_.at(key), cfg_.origin(key));
  for (const std::string& b : {std::string("grpo"), block}) {
    json values = defaults_.at(b);
    values.update(cfg_.at(b));
    for (const auto& [key, value] : values.items())
      c.set_value(key, value, block_source(cfg_, b, key));
  }
  for (const auto& [key, value] : extra.items())
    c.set_value(key, value, "pipeline recipe '" + block + "'");
  return c;
}

json Pipeline::base_stage(const std::string& spec) {
  R1_CHECK(bool(opt_.resolve_model), "pipeline: no model resolver");
  return {{"source", opt_.resolve_model(spec)}};
}

json Pipeline::rl_stage(const std::string& stage, const std::string& init, const Config& grpo) {
  Model policy = load_model(init);
  const Tokenizer tokenizer = load_tokenizer(init);
  const RlResult result = run_grpo(grpo, policy, tokenizer, dir(stage), /*resume=*/true);
  save_model(policy, model_dir(stage));
  save_tokenizer(tokenizer, model_dir(stage));
  return {{"init", init}, {"steps", result.steps}, {"flops", compute_flops(stage, "rl")}};
}

json Pipeline::sft_stage(const std::string& stage, const std::string& init, const std::string& data,
                         const json& block) {
  SftConfig config;
  config.epochs = block["epochs"];
  config.batch_size = block["batch_size"];
  config.schedule.lr = block["learning_rate"];
  config.schedule.kind = "cosine";
  config.schedule.min_lr_ratio = 0.1;  // R1 §2.3.3: cosine decay to 1/10
  config.max_length = 0;
  config.seed = cfg_.get<uint64_t>("seed");
  const FineTuneResult result = fine_tune(init, data, config, model_dir(stage));
  return {{"init", init},
          {"data", data},
          {"examples", result.examples},
          {"steps", result.sft.steps_done},
          {"final_loss", result.sft.final_loss},
          {"flops", compute_flops(stage, "sft")}};
}

// Samples `block.samples` completions per train-split problem from `model`,
// keeps correct and readable ones, adds `extra` and writes STAGE/data.jsonl.
json Pipeline::sample_stage(const std::string& stage, const std::string& model_path,
                            const json& block, uint64_t seed, const std::vector<json>& extra) {
  const Model model = load_model(model_path);
  const Tokenizer tokenizer = load_tokenizer(model_path);
  RejectOptions options;
  options.sampling.k = block["samples"];
  options.sampling.sampling = {block["temperature"].get<float>(), 0, 1.0f};
  options.sampling.max_new_tokens = grpo_config("grpo").get<int64_t>("max_completion_length");
  options.sampling.seed = seed;
  options.sampling.template_name = cfg_.get<std::string>("template");
  options.filters.min_cot_words = block["min_cot_words"];
  options.keep_per_problem = block["keep"];
  const std::vector<Problem> train = problems(block["problems"], seed, Split::train);
  Progress progress("sample", int64_t(train.size()) * options.sampling.k, 0, 10.0);
  const RejectResult result = rejection_sample(
      model, tokenizer, train, options, [&](int64_t done, int64_t) { progress.update(done, ""); });
  progress.finish(fmt::format("kept {} of {} samples", result.kept, result.samples));
  std::string lines;
  for (const json& e : result.examples) lines += e.dump() + "\n";
  for (const json& e : extra) lines += e.dump() + "\n";
  write_file_atomic(dir(stage) + "/data.jsonl", lines);
  return {{"from", model_path},
          {"samples", result.samples},
          {"correct", result.correct},
          {"kept", result.kept},
          {"problems", train.size()},
          {"problems_kept", result.problems_kept},
          {"rejected", result.rejected},
          {"extra_examples", extra.size()},
          {"data", dir(stage) + "/data.jsonl"}};
}

// Long worked solutions and self-checks of the built-in corpus, in the
// prompt's language: the cold start's "few-shot prompting with long CoT"
// examples (R1 §2.3.1). Drawn with a seed the pretraining corpus never used.
std::vector<json> Pipeline::builtin_solutions(int64_t n) const {
  const auto builtin = parse_builtin(cfg_.get<std::string>("base_model"));
  if (n <= 0 || !builtin) return {};
  CorpusMix mix = builtin_base_config(builtin->quick).mix;
  mix.long_share = 0.7;
  mix.self_check_share = 0.3;
  mix.short_share = mix.trivial_share = 0;
  mix.mixed_cot_share = 0;
  const Corpus corpus(mix);
  std::vector<json> out;
  for (int64_t i = 0; i < n; ++i) {
    const CorpusDocument doc =
        corpus.document(0x5eed0001ULL + cfg_.get<uint64_t>("seed"), uint64_t(i));
    out.push_back({{"prompt", doc.prompt},
                   {"completion", doc.completion},
                   {"id", fmt::format("builtin-{}", i)},
                   {"lang", doc.prompt_lang},
                   {"source", "builtin"}});
  }
  return out;
}

// Helpfulness and harmlessness reward models (R1 §2.3.4), each a scalar head
// on the trunk of `init`, trained on the built-in preference pairs of the
// general queries and evaluated on pairs of held-out queries.
json Pipeline::reward_models_stage(const std::string& init) {
  const json block = data_block(cfg_, defaults_, "reward_model");
  const LoadedBase base{load_model(init), load_tokenizer(init)};
  const PromptTemplate& prompt_format = prompt_template(cfg_.get<std::string>("template"));
  const double test_fraction = 0.1;  // the trivial task's
  RmConfig config;
  config.epochs = block["epochs"];
  config.batch_size = block["batch_size"];
  config.schedule.lr = block["learning_rate"];
  config.max_length = base.model.config().max_position_embeddings;
  config.seed = cfg_.get<uint64_t>("seed");
  json record = {{"init", init}};
  for (const PreferenceKind kind : {PreferenceKind::helpful, PreferenceKind::harmless}) {
    const std::string name = kind == PreferenceKind::helpful ? "helpful" : "harmless";
    std::vector<RmPair> sets[2];
    const uint64_t counts[2] = {block["pairs"], block["eval_pairs"]};
    const Split splits[2] = {Split::train, Split::test};
    for (int i = 0; i < 2; ++i) {
      const std::string path =
          fmt::format("{}/{}-{}.jsonl", dir("reward-models"), name, i == 0 ? "train" : "test");
      std::string lines;
      for (const PreferencePair& p : preference_pairs(kind, cfg_.get<uint64_t>("seed"), splits[i],
                                                      counts[i], test_fraction, prompt_format))
        lines += json{{"prompt", p.prompt}, {"chosen", p.chosen}, {"rejected", p.rejected}}.dump() +
                 "\n";
      write_file_atomic(path, lines);
      sets[i] = load_rm_data(path, base.tokenizer, config.max_length).pairs;
    }
    Model rm = scalar_model_from(base.model);
    const std::string out = dir("reward-models") + "/" + name;
    const RmResult result = rm_train(rm, sets[0], sets[1], config, out);
    save_tokenizer(base.tokenizer, out + "/model");
    record[name] = {{"model", out + "/model"},
                    {"pairs", sets[0].size()},
                    {"eval_pairs", sets[1].size()},
                    {"eval_accuracy", result.eval.accuracy},
                    {"eval_loss", result.eval.loss}};
    fmt::print(stderr, "reward model {}: held-out pair accuracy {:.3f}\n", name,
               result.eval.accuracy);
  }
  return record;
}

// Stage 4's recipe: the reasoning tasks and the general task in the ratio
// general_share, the reasoning prompts judged by their rules, the general
// ones by the reward models.
Config Pipeline::all_scenario_config() const {
  const double general = cfg_.get<double>("general_share");
  json tasks = cfg_.at("tasks");
  for (json& t : tasks) t["weight"] = t.value("weight", 1.0) * (1 - general);
  if (general > 0) {
    json g = cfg_.at("general_task");
    g["weight"] = general;
    tasks.push_back(g);
  }
  Config c = grpo_config("all_scenario_rl", {{"tasks", tasks}});
  json rewards = c.at("rewards");
  for (json& r : rewards)
    if (r.value("name", "") == "accuracy")
      r["options"]["general"] = {{"helpfulness_model", dir("reward-models") + "/helpful/model"},
                                 {"harmlessness_model", dir("reward-models") + "/harmless/model"},
                                 {"template", cfg_.get<std::string>("template")}};
  c.set_value("rewards", rewards, "pipeline recipe 'all_scenario_rl'");
  return c;
}

// Training compute of a stage from its metrics, in FLOPs: 6·params per
// trained token (forward and backward); RL adds 2·params per sampled token.
int64_t Pipeline::compute_flops(const std::string& stage, const std::string& kind) const {
  const std::string metrics_dir = kind == "rl" ? dir(stage) : model_dir(stage);
  const double params = double(load_model(model_dir(stage)).num_params());
  double tokens = 0;
  for_each_jsonl(metrics_dir + "/metrics.jsonl", [&](const json& line, int64_t) {
    if (kind == "rl")
      tokens += line.value("prompt_tokens", 0.0) + line.value("completion_tokens", 0.0);
    else
      tokens += line.value("tokens", 0.0);
  });
  return int64_t((kind == "rl" ? 8.0 : 6.0) * params * tokens);
}

void Pipeline::check() const {
  for (const char* block : {"eval", "cold_start", "rejection", "reward_model", "distill"})
    data_block(cfg_, defaults_, block);
  for (const char* block : {"r1_zero", "reasoning_rl", "all_scenario_rl", "student_rl"})
    grpo_config(block);
  R1_CHECK(cfg_.get<double>("general_share") >= 0 && cfg_.get<double>("general_share") < 1,
           "recipe: general_share must be in [0, 1), got {}", cfg_.get<double>("general_share"));
}

json Pipeline::run() {
  check();
  make_dirs(opt_.run_dir);
  const std::string recipe_path = opt_.run_dir + "/pipeline.json";
  const json recipe = {{"quick", opt_.quick}, {"recipe", cfg_.resolved()}};
  if (path_exists(recipe_path)) {
    R1_CHECK(json::parse(read_file(recipe_path)) == recipe,
             "{} was started with another recipe (see {}); use a new --out to run this one",
             opt_.run_dir, recipe_path);
  } else {
    write_file_atomic(recipe_path, recipe.dump(2) + "\n");
  }
  set_threads(cfg_.get<int>("threads"));
  const auto begin = Clock::now();
  const uint64_t seed = cfg_.get<uint64_t>("seed");

  std::vector<json> stages;
  auto add = [&](const std::string& name, bool has_model, const std::function<json()>& body) {
    stages.push_back(stage(name, has_model, body));
    return model_dir(name);
  };
  const std::string base = add("base", true, [&] {
    json r = base_stage(cfg_.get<std::string>("base_model"));
    copy_model_dir(r["source"], model_dir("base"));
    return r;
  });
  const std::string r1_zero =
      add("r1-zero", true, [&] { return rl_stage("r1-zero", base, grpo_config("r1_zero")); });

  const json cold = data_block(cfg_, defaults_, "cold_start");
  add("cold-start-data", false, [&] {
    return sample_stage("cold-start-data", r1_zero, cold, seed + 101,
                        builtin_solutions(cold["builtin_examples"]));
  });
  const std::string cold_start = add("cold-start", true, [&] {
    return sft_stage("cold-start", base, dir("cold-start-data") + "/data.jsonl", cold);
  });
  const std::string reasoning = add("reasoning-rl", true, [&] {
    return rl_stage("reasoning-rl", cold_start, grpo_config("reasoning_rl"));
  });
  if (cfg_.get<bool>("language_ablation")) {
    add("reasoning-rl-no-language", true, [&] {
      const Config with_language = grpo_config("reasoning_rl");
      json rewards = json::array();
      for (const json& r : with_language.at("rewards"))
        if (r.value("name", "") != "language") rewards.push_back(r);
      return rl_stage("reasoning-rl-no-language", cold_start,
                      grpo_config("reasoning_rl", {{"rewards", rewards}}));
    });
  }
  const json rejection = data_block(cfg_, defaults_, "rejection");
  add("rejection-data", false, [&] {
    const auto builtin = parse_builtin(cfg_.get<std::string>("base_model"));
    CorpusMix mix = builtin ? builtin_base_config(builtin->quick).mix : CorpusMix{};
    mix.template_name = cfg_.get<std::string>("template");
    return sample_stage("rejection-data", reasoning, rejection, seed + 202,
                        general_examples(rejection["general"], seed + 203, mix));
  });
  const std::string sft = add("sft", true, [&] {
    return sft_stage("sft", base, dir("rejection-data") + "/data.jsonl", rejection);
  });
  add("reward-models", false, [&] { return reward_models_stage(base); });
  add("all-scenario-rl", true,
      [&] { return rl_stage("all-scenario-rl", sft, all_scenario_config()); });

  const std::string student = add("student-base", true, [&] {
    json r = base_stage(cfg_.get<std::string>("student_model"));
    copy_model_dir(r["source"], model_dir("student-base"));
    return r;
  });
  add("distill", true, [&] {
    return sft_stage("distill", student, dir("rejection-data") + "/data.jsonl",
                     data_block(cfg_, defaults_, "distill"));
  });
  add("student-rl", true,
      [&] { return rl_stage("student-rl", student, grpo_config("student_rl")); });

  json summary = {{"run_dir", opt_.run_dir},
                  {"quick", opt_.quick},
                  {"wall_time_s", seconds_since(begin)},
                  {"stages", json::array()}};
  for (const json& s : stages) {
    json row = {{"stage", s["stage"]}, {"wall_time_s", s["wall_time_s"]}};
    if (s.contains("eval")) {
      const json& e = s["eval"];
      row.update({{"model", s["model"]},
                  {"pass@1", e["pass@1"]},
                  {"cons@k", e["cons@k"]},
                  {"k", e["k"]},
                  {"response_length_mean", e["response_length_mean"]},
                  {"reflection_rate", e["reflection_rate"]},
                  {"language_mixing_rate", e["language_mixing_rate"]},
                  {"language_mixing_rate_hot", e["language_mixing_rate_hot"]},
                  {"pass@1_hot", e["pass@1_hot"]},
                  {"eval_time_s", s["eval_time_s"]}});
    }
    if (s.contains("flops")) row["train_flops"] = s["flops"];
    if (s.contains("kept")) row["kept"] = s["kept"];
    for (const char* rm : {"helpful", "harmless"})
      if (s.contains(rm)) row[std::string(rm) + "_eval_accuracy"] = s[rm]["eval_accuracy"];
    summary["stages"].push_back(row);
  }
  write_file_atomic(opt_.run_dir + "/summary.json", summary.dump(2) + "\n");
  write_outputs(stages);
  return summary;
}

void Pipeline::write_outputs(const std::vector<json>& stages) {
  report::ReportInput input;
  input.title = "r1 pipeline: " + opt_.run_dir;
  report::Table table;
  const json e = data_block(cfg_, defaults_, "eval");
  table.caption = fmt::format(
      "Held-out evaluation after every stage: {} problems × {} samples at temperature {}, top-p "
      "{} (pass@1 averaged over the samples, cons@k by majority vote); hot: {} problems × {} "
      "samples at temperature {}",
      e["problems"].get<int64_t>(), e["k"].get<int64_t>(), e["temperature"].get<double>(),
      e["top_p"].get<double>(), e["mixing_problems"].get<int64_t>(), e["mixing_k"].get<int64_t>(),
      e["mixing_temperature"].get<double>());
  table.header = {"stage",           "pass@1",       "cons@k",       "length",      "reflection",
                  "language mixing", "pass@1 (hot)", "mixing (hot)", "train PFLOP", "wall time"};
  for (const json& s : stages) {
    if (!s.contains("eval")) continue;
    const json& e = s["eval"];
    table.rows.push_back(
        {s["stage"].get<std::string>(), fmt::format("{:.3f}", e["pass@1"].get<double>()),
         fmt::format("{:.3f}", e["cons@k"].get<double>()),
         fmt::format("{:.1f}", e["response_length_mean"].get<double>()),
         fmt::format("{:.3f}", e["reflection_rate"].get<double>()),
         fmt::format("{:.4f}", e["language_mixing_rate"].get<double>()),
         fmt::format("{:.3f}", e["pass@1_hot"].get<double>()),
         fmt::format("{:.4f}", e["language_mixing_rate_hot"].get<double>()),
         s.contains("flops") ? fmt::format("{:.4f}", s["flops"].get<double>() / 1e15) : "",
         format_duration(s["wall_time_s"].get<double>())});
  }
  input.tables.push_back(table);
  for (const json& s : stages) {
    if (!s.contains("helpful")) continue;
    report::Table rm;
    rm.caption = "Reward models of the all-scenario stage: pairs of held-out general queries";
    rm.header = {"reward model", "judges", "training pairs", "held-out pairs", "held-out accuracy"};
    for (const char* name : {"helpful", "harmless"})
      rm.rows.push_back({name,
                         std::string(name) == "helpful" ? "the summary" : "the whole response",
                         std::to_string(s[name]["pairs"].get<int64_t>()),
                         std::to_string(s[name]["eval_pairs"].get<int64_t>()),
                         fmt::format("{:.3f}", s[name]["eval_accuracy"].get<double>())});
    input.tables.push_back(rm);
  }
  for (const json& s : stages) {
    const std::string name = s["stage"];
    if (path_exists(dir(name) + "/samples.jsonl"))
      input.runs.push_back({name, report::load_run(dir(name))});
  }
  write_file_atomic(opt_.run_dir + "/report.html", report::render_report(input));
}

}  // namespace

Config pipeline_config_schema(bool quick) {
  return make_schema(quick);
}

void resolve_pipeline_config(Config& config, bool quick) {
  {
    const Pipeline pipeline(config, {"check", quick, {}});
    pipeline.check();
  }
  const json defaults = block_defaults(quick);
  for (const auto& [block, values] : defaults.items()) {
    json merged = values;
    merged.update(config.at(block));
    config.set_value(block, merged, "recipe");
  }
}

json run_pipeline(const Config& config, const PipelineOptions& options) {
  R1_CHECK(!options.run_dir.empty(), "pipeline: no run directory");
  Pipeline pipeline(config, options);
  return pipeline.run();
}

}  // namespace r1
