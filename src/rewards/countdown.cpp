#include "rewards/countdown.h"

#include <fmt/format.h>
#include <gmpxx.h>

#include <algorithm>

#include "core/check.h"

namespace r1 {
namespace {

// Bounds that keep a hostile answer cheap: the expression of a Countdown puzzle
// is a few dozen characters, and recursion depth is bounded by the nesting.
constexpr size_t kMaxExpressionBytes = 1000;
constexpr int kMaxNestingDepth = 100;

// GMP rationals rather than int64 fractions: a completion may contain literals
// or products of any size before the number check rejects it, and exactness
// must not depend on overflow checks being right in every operator.
class ExpressionParser {
 public:
  explicit ExpressionParser(std::string_view text) : text_(text) {}

  // Parses the whole text; false on any syntax error (error() says where).
  bool parse(mpq_class& value) {
    if (!parse_sum(value, 0)) return false;
    skip_spaces();
    if (pos_ != text_.size()) return syntax_error("unexpected character");
    return true;
  }

  const std::vector<mpz_class>& literals() const { return literals_; }
  bool divided_by_zero() const { return divided_by_zero_; }
  const std::string& error() const { return error_; }

 private:
  bool parse_sum(mpq_class& value, int depth) {
    if (!parse_product(value, depth)) return false;
    for (;;) {
      skip_spaces();
      if (consume("+")) {
        mpq_class rhs;
        if (!parse_product(rhs, depth)) return false;
        value += rhs;
      } else if (consume("-")) {
        mpq_class rhs;
        if (!parse_product(rhs, depth)) return false;
        value -= rhs;
      } else {
        return true;
      }
    }
  }

  bool parse_product(mpq_class& value, int depth) {
    if (!parse_unary(value, depth)) return false;
    for (;;) {
      skip_spaces();
      if (consume("*") || consume("×")) {
        mpq_class rhs;
        if (!parse_unary(rhs, depth)) return false;
        value *= rhs;
      } else if (consume("/") || consume("÷")) {
        mpq_class rhs;
        if (!parse_unary(rhs, depth)) return false;
        if (rhs == 0) {
          // Keep parsing so syntax and number errors still take precedence.
          divided_by_zero_ = true;
          value = 0;
        } else {
          value /= rhs;
        }
      } else {
        return true;
      }
    }
  }

  bool parse_unary(mpq_class& value, int depth) {
    if (depth > kMaxNestingDepth) return syntax_error("nesting deeper than 100");
    skip_spaces();
    if (consume("-")) {
      if (!parse_unary(value, depth + 1)) return false;
      value = -value;
      return true;
    }
    if (consume("+")) return parse_unary(value, depth + 1);
    return parse_primary(value, depth);
  }

  bool parse_primary(mpq_class& value, int depth) {
    skip_spaces();
    if (consume("(")) {
      if (!parse_sum(value, depth + 1)) return false;
      skip_spaces();
      if (!consume(")")) return syntax_error("missing ')'");
      return true;
    }
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    if (pos_ == start) {
      return syntax_error(pos_ == text_.size() ? "expression ends early" : "expected a number");
    }
    const mpz_class literal(std::string(text_.substr(start, pos_ - start)), 10);
    literals_.push_back(literal);
    value = literal;
    return true;
  }

  void skip_spaces() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool consume(std::string_view token) {
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }

  bool syntax_error(std::string_view what) {
    if (error_.empty()) error_ = fmt::format("{} at byte {}", what, pos_);
    return false;
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::vector<mpz_class> literals_;
  bool divided_by_zero_ = false;
  std::string error_;
};

std::string join_numbers(const std::vector<mpz_class>& numbers) {
  std::string out = "[";
  for (size_t i = 0; i < numbers.size(); ++i) {
    if (i) out += ", ";
    // Echoing a 900-digit literal back would bury the reason.
    const std::string digits = numbers[i].get_str();
    out += digits.size() <= 20 ? digits : digits.substr(0, 20) + "…";
  }
  return out + "]";
}

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

CountdownCheck make_check(CountdownVerdict verdict, std::string detail) {
  return CountdownCheck{verdict, std::move(detail)};
}

}  // namespace

CountdownCheck check_countdown_expression(std::string_view expression,
                                          const std::vector<int64_t>& numbers, int64_t target) {
  if (expression.size() > kMaxExpressionBytes) {
    return make_check(
        CountdownVerdict::not_an_expression,
        fmt::format("answer is {} bytes, more than {}", expression.size(), kMaxExpressionBytes));
  }
  // "expr = target" is how people write a Countdown solution; the right side
  // must then be the target itself.
  std::string_view lhs = trim(expression);
  if (const size_t eq = lhs.find('='); eq != std::string_view::npos) {
    const std::string_view rhs = trim(lhs.substr(eq + 1));
    lhs = trim(lhs.substr(0, eq));
    if (rhs != std::to_string(target)) {
      return make_check(CountdownVerdict::wrong_value,
                        fmt::format("right side of '=' is '{}', expected the target {}",
                                    rhs.substr(0, 40), target));
    }
  }
  if (lhs.empty()) return make_check(CountdownVerdict::not_an_expression, "empty answer");

  ExpressionParser parser(lhs);
  mpq_class value;
  if (!parser.parse(value)) {
    return make_check(CountdownVerdict::not_an_expression, "not an expression: " + parser.error());
  }

  std::vector<mpz_class> used = parser.literals();
  std::vector<mpz_class> given;
  for (int64_t n : numbers) given.emplace_back(std::to_string(n), 10);
  std::sort(used.begin(), used.end());
  std::sort(given.begin(), given.end());
  if (used != given) {
    return make_check(CountdownVerdict::wrong_numbers,
                      fmt::format("uses {}, given {}", join_numbers(used), join_numbers(given)));
  }
  if (parser.divided_by_zero()) {
    return make_check(CountdownVerdict::division_by_zero, "division by zero");
  }
  if (value != mpq_class(std::to_string(target), 10)) {
    return make_check(CountdownVerdict::wrong_value,
                      fmt::format("value {} ≠ target {}", value.get_str(), target));
  }
  return make_check(CountdownVerdict::correct, fmt::format("= {}", target));
}

bool extract_countdown_answer(std::string_view completion, std::string_view& answer) {
  constexpr std::string_view kOpen = "<answer>", kClose = "</answer>";
  const size_t close = completion.rfind(kClose);
  if (close == std::string_view::npos) return false;
  const size_t open = completion.substr(0, close).rfind(kOpen);
  if (open == std::string_view::npos) return false;
  answer = completion.substr(open + kOpen.size(), close - open - kOpen.size());
  return true;
}

namespace {

int64_t read_integer(const nlohmann::json& value, std::string_view field) {
  R1_CHECK(value.is_number_integer(), "countdown reference: field '{}' must be an integer, got {}",
           field, value.dump());
  return value.get<int64_t>();
}

class CountdownReward : public Reward {
 public:
  explicit CountdownReward(double partial_credit) : partial_credit_(partial_credit) {}

  std::string name() const override { return "countdown"; }

  RewardResult score(const RewardInput& input) const override {
    const nlohmann::json& ref = input.reference;
    R1_CHECK(ref.is_object() && ref.contains("numbers") && ref.contains("target"),
             "countdown reference: expected an object with 'numbers' and 'target', got {}",
             ref.dump().substr(0, 200));
    const nlohmann::json& numbers_json = ref["numbers"];
    R1_CHECK(numbers_json.is_array() && !numbers_json.empty(),
             "countdown reference: field 'numbers' must be a non-empty array of integers, got {}",
             numbers_json.dump().substr(0, 200));
    std::vector<int64_t> numbers;
    for (const nlohmann::json& n : numbers_json) numbers.push_back(read_integer(n, "numbers"));
    const int64_t target = read_integer(ref["target"], "target");

    std::string_view answer;
    if (!extract_countdown_answer(input.completion, answer)) {
      return {0.0, "no <answer>…</answer>"};
    }
    const CountdownCheck check = check_countdown_expression(answer, numbers, target);
    if (check.verdict == CountdownVerdict::correct) return {1.0, "correct: " + check.detail};
    return {partial_credit_, check.detail};
  }

 private:
  double partial_credit_;
};

}  // namespace

std::unique_ptr<Reward> make_countdown_reward(const nlohmann::json& options) {
  R1_CHECK(options.is_null() || options.is_object(),
           "countdown reward options: expected an object, got {}", options.dump());
  double partial_credit = 0.1;
  if (options.is_object()) {
    for (const auto& [key, value] : options.items()) {
      R1_CHECK(key == "partial_credit",
               "countdown reward options: unknown key '{}' (known: partial_credit)", key);
      R1_CHECK(value.is_number() && value.get<double>() >= 0 && value.get<double>() <= 1,
               "countdown reward options: 'partial_credit' must be a number in [0, 1], got {}",
               value.dump());
      partial_credit = value.get<double>();
    }
  }
  return std::make_unique<CountdownReward>(partial_credit);
}

}  // namespace r1
