#include "eval/evaluator.h"

#include <algorithm>
#include <map>
#include <memory>

#include "core/check.h"
#include "eval/metrics.h"
#include "generate/generator.h"
#include "rewards/answer_extract.h"
#include "rewards/countdown.h"
#include "rewards/language_reward.h"
#include "rewards/math_answer.h"
#include "rewards/registry.h"
#include "tasks/template.h"
#include "tokenizer/incremental_decoder.h"

namespace r1 {

namespace {

constexpr std::string_view kAnswerClose = "</answer>";

std::unique_ptr<Reward> accuracy_reward(const std::string& name) {
  if (name == "math") return make_reward(name, {{"extract", {"answer_tag", "boxed"}}});
  if (name == "countdown") return make_reward(name, {{"partial_credit", 0.0}});
  return make_reward(name);
}

// The answer a sample votes for: Countdown's expression without spaces, or a
// math answer after LaTeX normalisation; nullopt when there is none.
std::optional<std::string> answer_key(const std::string& reward, std::string_view completion) {
  if (reward == "countdown") {
    std::string_view expression;
    if (!extract_countdown_answer(completion, expression)) return std::nullopt;
    std::string key;
    for (char c : expression)
      if (c != ' ') key += c;
    return key;
  }
  const size_t think_end = completion.rfind("</think>");
  const std::string_view after =
      think_end == std::string_view::npos ? completion : completion.substr(think_end);
  static const AnswerExtractor extractor({AnswerFormat::AnswerTag, AnswerFormat::Boxed});
  const auto found = extractor.extract(after);
  if (!found) return std::nullopt;
  return math::normalize_answer(found->text);
}

// Stops a request once its decoded text holds "</answer>"; the decoder state
// lives in the closure, which each request owns. `on_stop` is told when it fires.
std::function<bool(const std::vector<int32_t>&)> stop_at_answer_close(
    const Tokenizer& tokenizer, const std::function<void()>& on_stop) {
  struct State {
    IncrementalDecoder decoder;
    std::string text;
    size_t fed = 0;
  };
  auto state = std::make_shared<State>(State{IncrementalDecoder(tokenizer), {}, 0});
  return [state, on_stop](const std::vector<int32_t>& tokens) {
    const size_t before = state->text.size();
    for (; state->fed < tokens.size(); ++state->fed)
      state->text += state->decoder.feed(tokens[state->fed]);
    const size_t from = before >= kAnswerClose.size() ? before - kAnswerClose.size() + 1 : 0;
    const bool stop = state->text.find(kAnswerClose, from) != std::string::npos;
    if (stop) on_stop();
    return stop;
  };
}

double share(int64_t part, int64_t whole) {
  return whole == 0 ? 0.0 : double(part) / double(whole);
}

}  // namespace

EvalReport evaluate(const Model& model, const Tokenizer& tokenizer,
                    const std::vector<Problem>& problems, const EvalOptions& options,
                    const std::function<void(int64_t, int64_t)>& on_progress) {
  R1_CHECK(options.k >= 1, "eval: k must be at least 1, got {}", options.k);
  R1_CHECK(!problems.empty(), "eval: no problems to evaluate");
  const PromptTemplate& base_template = prompt_template(options.template_name);
  std::vector<int32_t> stop_ids;
  if (tokenizer.eos_id()) stop_ids.push_back(*tokenizer.eos_id());

  const int64_t total = int64_t(problems.size()) * options.k;
  int64_t done = 0;
  const auto finished_one = [&] {
    if (on_progress) on_progress(std::min(++done, total), total);
  };
  std::vector<GenerationRequest> requests;
  requests.reserve(problems.size() * size_t(options.k));
  for (size_t p = 0; p < problems.size(); ++p) {
    const std::vector<int32_t> prompt = tokenizer.encode(base_template.render(problems[p].prompt));
    for (int64_t s = 0; s < options.k; ++s) {
      GenerationRequest r;
      r.id = p * uint64_t(options.k) + uint64_t(s);
      r.prompt = prompt;
      r.sampling = options.sampling;
      r.max_new_tokens = options.max_new_tokens;
      r.stop_ids = stop_ids;
      r.stop_when = stop_at_answer_close(tokenizer, finished_one);
      requests.push_back(std::move(r));
    }
  }

  GeneratorOptions gen_options;
  gen_options.batch_size = options.batch_size;
  gen_options.seed = options.seed;
  gen_options.max_seq = context_needed(requests);
  Generator generator(model, gen_options);
  const std::vector<GenerationResult> results =
      generator.generate(requests, [&](const GenerationResult& r, int32_t token) {
        // A stop string is counted by its closure; end-of-text and the length limit here.
        const bool at_eos = std::find(stop_ids.begin(), stop_ids.end(), token) != stop_ids.end();
        if (at_eos || int64_t(r.tokens.size()) >= options.max_new_tokens) finished_one();
      });

  std::map<std::string, std::unique_ptr<Reward>> rewards;
  EvalReport report;
  report.problems = int64_t(problems.size());
  report.k = options.k;
  int64_t samples = 0, tokens = 0, reflective = 0, long_form = 0, mixed = 0;
  int64_t long_correct = 0, brief = 0, brief_correct = 0;
  for (size_t p = 0; p < problems.size(); ++p) {
    const Problem& problem = problems[p];
    const std::string reward_name = options.reward.empty() ? problem.reward : options.reward;
    auto& reward = rewards[reward_name];
    if (!reward) reward = accuracy_reward(reward_name);
    ProblemEval eval;
    eval.id = problem.id;
    std::vector<std::optional<std::string>> keys;
    std::vector<bool> correct;
    for (int64_t s = 0; s < options.k; ++s) {
      const GenerationResult& result = results[p * size_t(options.k) + size_t(s)];
      std::vector<int32_t> ids = result.tokens;
      if (!ids.empty() && !stop_ids.empty() && ids.back() == stop_ids.front()) ids.pop_back();
      std::string completion = tokenizer.decode(ids);
      const RewardInput input{problem.prompt, completion, problem.reference,
                              result.stop_reason == "length"};
      const bool ok = reward->score(input).value >= 1.0;
      const bool is_long = is_long_form(completion);
      correct.push_back(ok);
      keys.push_back(answer_key(reward_name, completion));
      eval.correct += ok;
      ++samples;
      tokens += int64_t(result.tokens.size());
      reflective += has_reflection(completion);
      mixed += is_language_mixed(chain_of_thought(completion));
      if (is_long) {
        ++long_form;
        long_correct += ok;
      } else {
        ++brief;
        brief_correct += ok;
      }
      eval.lengths.push_back(int64_t(result.tokens.size()));
      eval.completions.push_back(std::move(completion));
    }
    eval.sample_correct = correct;
    if (const auto winner = majority_vote(keys)) {
      eval.consensus_correct = correct[*winner];
      eval.consensus_answer = *keys[*winner];
    }
    report.pass_at_1 += share(eval.correct, options.k);
    report.cons_at_k += eval.consensus_correct;
    report.pass_at_k += pass_at_k(options.k, eval.correct, options.k);
    report.per_problem.push_back(std::move(eval));
  }
  const double n = double(problems.size());
  report.pass_at_1 /= n;
  report.cons_at_k /= n;
  report.pass_at_k /= n;
  report.response_length_mean = share(tokens, samples);
  report.reflection_rate = share(reflective, samples);
  report.long_form_rate = share(long_form, samples);
  report.language_mixing_rate = share(mixed, samples);
  report.long_form_accuracy = share(long_correct, long_form);
  report.brief_accuracy = share(brief_correct, brief);
  return report;
}

nlohmann::json to_json(const EvalReport& r, bool with_problems) {
  nlohmann::json j = {{"problems", r.problems},
                      {"k", r.k},
                      {"pass@1", r.pass_at_1},
                      {"cons@k", r.cons_at_k},
                      {"pass@k", r.pass_at_k},
                      {"response_length_mean", r.response_length_mean},
                      {"reflection_rate", r.reflection_rate},
                      {"long_form_rate", r.long_form_rate},
                      {"language_mixing_rate", r.language_mixing_rate},
                      {"long_form_accuracy", r.long_form_accuracy},
                      {"brief_accuracy", r.brief_accuracy}};
  if (with_problems) {
    nlohmann::json list = nlohmann::json::array();
    for (const ProblemEval& p : r.per_problem)
      list.push_back({{"id", p.id},
                      {"correct", p.correct},
                      {"consensus_correct", p.consensus_correct},
                      {"consensus_answer", p.consensus_answer},
                      {"lengths", p.lengths},
                      {"sample_correct", p.sample_correct},
                      {"completions", p.completions}});
    j["per_problem"] = std::move(list);
  }
  return j;
}

}  // namespace r1
