#include "tasks/corpus_solutions.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>

#include "core/check.h"

namespace r1 {
namespace {

// A phrase whose text is language-neutral (numbers and operators only).
Phrase neutral(const std::string& text) {
  return {text, text, true};
}
// An equation as a sentence: neutral except for the full stop.
Phrase statement(const std::string& equation) {
  return {equation + ".", equation + "。", true};
}

std::vector<int> digits_from_right(int64_t n) {
  std::vector<int> digits;
  do {
    digits.push_back(int(n % 10));
    n /= 10;
  } while (n > 0);
  return digits;
}

// Column addition: one phrase per column with its carry and the result digits
// so far ("5 + 9 + 1 = 15, write 5: 51, carry 1."). Each column prepends its
// digit to the previous partial result, so the final number is copied from
// the last column instead of gathered from the columns in reverse.
void add_by_columns(int64_t a, int64_t b, std::vector<Phrase>& out) {
  const std::vector<int> da = digits_from_right(a), db = digits_from_right(b);
  const size_t columns = std::max(da.size(), db.size());
  int carry = 0;
  std::string partial;
  for (size_t i = 0; i < columns; ++i) {
    std::vector<int> terms;
    if (i < da.size()) terms.push_back(da[i]);
    if (i < db.size()) terms.push_back(db[i]);
    if (carry) terms.push_back(1);
    const int sum = [&] {
      int s = 0;
      for (int t : terms) s += t;
      return s;
    }();
    const bool last = i + 1 == columns;
    const int written = sum >= 10 && !last ? sum % 10 : sum;
    partial = std::to_string(written) + partial;
    const std::string expr = fmt::format("{} = {}", fmt::join(terms, " + "), sum);
    const std::string head = terms.size() == 1 ? "" : expr + ", ";
    const std::string head_zh = terms.size() == 1 ? "" : expr + "，";
    if (written != sum) {
      out.push_back({fmt::format("{}write {}: {}, carry 1.", head, written, partial),
                     fmt::format("{}写 {}：{}，进 1。", head_zh, written, partial)});
    } else {
      out.push_back({fmt::format("{}write {}: {}.", head, written, partial),
                     fmt::format("{}写 {}：{}。", head_zh, written, partial)});
    }
    carry = sum >= 10 ? 1 : 0;
  }
}

// Column subtraction (a ≥ b): one phrase per column with its borrow and the
// result digits so far, as in add_by_columns.
void subtract_by_columns(int64_t a, int64_t b, std::vector<Phrase>& out) {
  const std::vector<int> da = digits_from_right(a), db = digits_from_right(b);
  int borrow = 0;
  std::string partial;
  for (size_t i = 0; i < da.size(); ++i) {
    const int y = i < db.size() ? db[i] : 0;
    const int x = da[i] - borrow;
    std::string expr = std::to_string(da[i]);
    if (borrow) expr += " - 1";
    if (i < db.size()) expr += fmt::format(" - {}", y);
    // The top digit of the result may be 0; it is dropped in the final number.
    if (x >= y) {
      partial = std::to_string(x - y) + partial;
      out.push_back(i < db.size() || borrow
                        ? Phrase{fmt::format("{} = {}: {}.", expr, x - y, partial),
                                 fmt::format("{} = {}：{}。", expr, x - y, partial), true}
                        : Phrase{fmt::format("write {}: {}.", x, partial),
                                 fmt::format("写 {}：{}。", x, partial)});
      borrow = 0;
    } else {
      partial = std::to_string(x + 10 - y) + partial;
      out.push_back({fmt::format("{} < 0, borrow 10: {} - {} = {}: {}.", expr, x + 10, y,
                                 x + 10 - y, partial),
                     fmt::format("{} 不够减，借 10：{} - {} = {}：{}。", expr, x + 10, y,
                                 x + 10 - y, partial)});
      borrow = 1;
    }
  }
}

// a × d for one digit d: one phrase per digit of a.
void multiply_by_digit(int64_t a, int d, std::vector<Phrase>& out) {
  if (d <= 1) {
    out.push_back(statement(fmt::format("{} * {} = {}", a, d, a * d)));
    return;
  }
  const std::vector<int> da = digits_from_right(a);
  int carry = 0;
  for (size_t i = 0; i < da.size(); ++i) {
    const int product = da[i] * d + carry;
    const std::string expr = carry ? fmt::format("{} * {} + {} = {}", da[i], d, carry, product)
                                   : fmt::format("{} * {} = {}", da[i], d, product);
    const bool last = i + 1 == da.size();
    if (product >= 10 && !last) {
      out.push_back({fmt::format("{}, write {}, carry {}.", expr, product % 10, product / 10),
                     fmt::format("{}，写 {} 进 {}。", expr, product % 10, product / 10)});
    } else {
      out.push_back(
          {fmt::format("{}, write {}.", expr, product), fmt::format("{}，写 {}。", expr, product)});
    }
    carry = product / 10;
  }
  out.push_back(statement(fmt::format("{} * {} = {}", a, d, a * d)));
}

// Long multiplication by a factor of at most two digits (the generators' cap
// for worked products); longer factors are stated partial product by partial
// product without the digit work.
void multiply_by_columns(int64_t a, int64_t b, std::vector<Phrase>& out) {
  const std::vector<int> db = digits_from_right(b);
  if (db.size() == 1) {
    multiply_by_digit(a, db[0], out);
    return;
  }
  int64_t total = 0, place = 1;
  std::vector<int64_t> partials;
  for (int d : db) {
    if (db.size() == 2) multiply_by_digit(a, d, out);
    if (place > 1 || db.size() > 2) {
      out.push_back(statement(fmt::format("{} * {} = {}", a, int64_t(d) * place, a * d * place)));
    }
    partials.push_back(a * d * place);
    total += a * d * place;
    place *= 10;
  }
  out.push_back(statement(fmt::format("{} = {}", fmt::join(partials, " + "), total)));
}

void arithmetic_steps(int64_t a, char op, int64_t b, std::vector<Phrase>& out) {
  if (op == '+') {
    out.push_back({"Add digit by digit from the right.", "从个位起逐位相加。"});
    add_by_columns(a, b, out);
  } else if (op == '-') {
    out.push_back({"Subtract digit by digit from the right.", "从个位起逐位相减。"});
    subtract_by_columns(a, b, out);
  } else if (op == '*') {
    out.push_back({"Multiply digit by digit.", "逐位相乘。"});
    multiply_by_columns(a, b, out);
  } else {
    out.push_back({fmt::format("{} / {} = {}, because {} * {} = {}.", a, b, a / b, b, a / b, a),
                   fmt::format("{} / {} = {}，因为 {} * {} = {}。", a, b, a / b, b, a / b, a)});
  }
}

struct Step {
  int64_t a, b, result;
  char op;
};

Step parse_step(const std::string& text) {
  long long a = 0, b = 0, r = 0;
  char op = 0;
  R1_CHECK(std::sscanf(text.c_str(), "%lld %c %lld = %lld", &a, &op, &b, &r) == 4,
           "word problem step '{}': expected 'a op b = r'", text);
  return {a, b, r, op};
}

const std::string& answer_of(const Problem& p) {
  return p.reference.at("answer").get_ref<const std::string&>();
}

// ---- Countdown ------------------------------------------------------------

// A plausible but wrong guess: the numbers in the given order joined by + and
// -, evaluated left to right; steps show its true value.
struct CountdownGuess {
  std::string expression;
  std::vector<std::string> steps;
  int64_t value;
};

CountdownGuess countdown_guess(const Problem& p, Rng& rng) {
  const std::vector<int64_t> numbers = p.reference.at("numbers");
  const int64_t target = p.reference.at("target");
  std::vector<char> ops(numbers.size() - 1);
  for (char& op : ops) op = rng.below(2) ? '+' : '-';
  const auto evaluate = [&] {
    int64_t value = numbers[0];
    for (size_t i = 0; i < ops.size(); ++i)
      value += ops[i] == '+' ? numbers[i + 1] : -numbers[i + 1];
    return value;
  };
  // Flipping one sign changes the value by 2·n ≠ 0, so this makes it a miss.
  if (evaluate() == target) ops[0] = ops[0] == '+' ? '-' : '+';
  CountdownGuess guess{std::to_string(numbers[0]), {}, numbers[0]};
  for (size_t i = 0; i < ops.size(); ++i) {
    const int64_t next = guess.value + (ops[i] == '+' ? numbers[i + 1] : -numbers[i + 1]);
    guess.expression += fmt::format(" {} {}", ops[i], numbers[i + 1]);
    guess.steps.push_back(fmt::format("{} {} {} = {}", guess.value, ops[i], numbers[i + 1], next));
    guess.value = next;
  }
  return guess;
}

void countdown_rejected_try(const CountdownGuess& guess, int64_t target, std::vector<Phrase>& out) {
  out.push_back(
      {fmt::format("Try {}: {}, not {}.", guess.expression, fmt::join(guess.steps, ", "), target),
       fmt::format("试 {}：{}，不是 {}。", guess.expression, fmt::join(guess.steps, "，"),
                   target)});
}

void countdown_witness_steps(const Problem& p, std::vector<Phrase>& out) {
  const std::vector<std::string> steps = p.reference.at("steps");
  out.push_back({fmt::format("Try: {}.", fmt::join(steps, ", ")),
                 fmt::format("试：{}。", fmt::join(steps, "，"))});
  out.push_back(
      {fmt::format("So {} = {}.", answer_of(p), p.reference.at("target").get<int64_t>()),
       fmt::format("所以 {} = {}。", answer_of(p), p.reference.at("target").get<int64_t>())});
}

// ---- Linear equations -----------------------------------------------------

struct Linear {
  int64_t a, b, c, x;
};

Linear linear_of(const Problem& p) {
  return {p.reference.at("a"), p.reference.at("b"), p.reference.at("c"), std::stoll(answer_of(p))};
}

std::string substituted(const Linear& e, int64_t x) {
  const std::string shown = x < 0 ? fmt::format("({})", x) : std::to_string(x);
  return fmt::format("{} * {} {} {}", e.a, shown, e.b < 0 ? '-' : '+', std::abs(e.b));
}

void linear_steps(const Linear& e, std::vector<Phrase>& out) {
  const int64_t rhs = e.c - e.b;
  if (e.b > 0) {
    out.push_back({fmt::format("Subtract {} from both sides: {}x = {}.", e.b, e.a, rhs),
                   fmt::format("两边减去 {}：{}x = {}。", e.b, e.a, rhs)});
  } else {
    out.push_back({fmt::format("Add {} to both sides: {}x = {}.", -e.b, e.a, rhs),
                   fmt::format("两边加上 {}：{}x = {}。", -e.b, e.a, rhs)});
  }
  out.push_back({fmt::format("Divide both sides by {}: x = {}.", e.a, e.x),
                 fmt::format("两边除以 {}：x = {}。", e.a, e.x)});
}

// ---- Word problems --------------------------------------------------------

void word_steps(const Problem& p, std::vector<Phrase>& out) {
  const std::string& expression = p.reference.at("expression").get_ref<const std::string&>();
  out.push_back({fmt::format("We need {}.", expression), fmt::format("列式：{}。", expression)});
  const nlohmann::json& steps = p.reference.at("steps");
  for (const auto& text : steps) {
    const Step s = parse_step(text.get<std::string>());
    arithmetic_steps(s.a, s.op, s.b, out);
    // The closing "So …" states a one-step result; intermediate ones are stated here.
    if (steps.size() > 1)
      out.push_back(statement(fmt::format("{} {} {} = {}", s.a, s.op, s.b, s.result)));
  }
}

// ---- Chained sums ---------------------------------------------------------

// A running sum, one small addition per step: "5 + 2 = 7. 7 + 4 = 11.", or
// with the problem's "worded" flag (task option) in words of the chain of
// thought's language: "5 plus 2 is 7." / "5 加 2 得 7。".
void sum_steps(const Problem& p, std::vector<Phrase>& out) {
  const std::vector<int64_t> terms = p.reference.at("terms");
  const bool worded = p.reference.value("worded", false);
  int64_t total = terms[0];
  for (size_t i = 1; i < terms.size(); ++i) {
    const int64_t next = total + terms[i];
    out.push_back(worded ? Phrase{fmt::format("{} plus {} is {}.", total, terms[i], next),
                                  fmt::format("{} 加 {} 得 {}。", total, terms[i], next)}
                         : statement(fmt::format("{} + {} = {}", total, terms[i], next)));
    total = next;
  }
}

// The one-line form of a problem with `result` claimed as its value.
std::string claim(const std::string& task, const Problem& p, const std::string& result) {
  if (task == "arithmetic") {
    return fmt::format("{} {} {} = {}", p.reference.at("a").get<int64_t>(),
                       p.reference.at("op").get<std::string>(), p.reference.at("b").get<int64_t>(),
                       result);
  }
  if (task == "linear") return "x = " + result;
  if (task == "word" || task == "sum") {
    return fmt::format("{} = {}", p.reference.at("expression").get<std::string>(), result);
  }
  fail("corpus: no worked solutions for task '{}'", task);
}

void reasoning_steps(const std::string& task, const Problem& p, std::vector<Phrase>& out) {
  if (task == "arithmetic") {
    const int64_t a = p.reference.at("a"), b = p.reference.at("b");
    arithmetic_steps(a, p.reference.at("op").get<std::string>()[0], b, out);
  } else if (task == "linear") {
    linear_steps(linear_of(p), out);
  } else if (task == "word") {
    word_steps(p, out);
  } else if (task == "sum") {
    sum_steps(p, out);
  } else {
    fail("corpus: no worked solutions for task '{}'", task);
  }
}

}  // namespace

std::string perturb_number(const std::string& number, Rng& rng) {
  const size_t first = !number.empty() && number[0] == '-' ? 1 : 0;
  R1_CHECK(number.size() > first, "perturb_number: '{}' is not an integer", number);
  std::string out = number;
  const size_t at = first + rng.below(number.size() - first);
  // No new leading zero: "0x" would not be how anyone writes a number.
  const bool leading = at == first && number.size() - first > 1;
  char digit;
  do digit = char('0' + rng.below(10));
  while (digit == number[at] || (leading && digit == '0'));
  out[at] = digit;
  return out;
}

WorkedSolution short_solution(const std::string& task, const Problem& p, bool wrong, Rng& rng) {
  if (task == "countdown") {
    const int64_t target = p.reference.at("target");
    const std::string expression = wrong ? countdown_guess(p, rng).expression : answer_of(p);
    return {{neutral(fmt::format("{} = {}", expression, target))}, expression, !wrong};
  }
  const std::string answer = wrong ? perturb_number(answer_of(p), rng) : answer_of(p);
  return {{neutral(claim(task, p, answer))}, answer, !wrong};
}

WorkedSolution long_solution(const std::string& task, const Problem& p, Rng& rng) {
  WorkedSolution solution;
  solution.answer = answer_of(p);
  std::vector<Phrase>& out = solution.thought;
  if (task == "countdown") {
    // Half of the searches first reject a try, the way a search reads.
    if (rng.below(2))
      countdown_rejected_try(countdown_guess(p, rng), p.reference.at("target"), out);
    countdown_witness_steps(p, out);
    return solution;
  }
  reasoning_steps(task, p, out);
  if (task == "linear") {
    const Linear e = linear_of(p);
    out.push_back({fmt::format("Check: {} = {}.", substituted(e, e.x), e.c),
                   fmt::format("检验：{} = {}。", substituted(e, e.x), e.c)});
  } else {
    out.push_back({fmt::format("So {}.", claim(task, p, solution.answer)),
                   fmt::format("所以 {}。", claim(task, p, solution.answer))});
  }
  return solution;
}

WorkedSolution self_check_solution(const std::string& task, const Problem& p, Rng& rng) {
  WorkedSolution solution;
  solution.answer = answer_of(p);
  std::vector<Phrase>& out = solution.thought;
  const Phrase wait{"Wait, let me verify.", "等等，让我验证一下。"};
  if (task == "countdown") {
    const int64_t target = p.reference.at("target");
    const CountdownGuess guess = countdown_guess(p, rng);
    out.push_back(statement(fmt::format("{} = {}", guess.expression, target)));
    out.push_back(wait);
    out.push_back({fmt::format("{}, not {}. That is wrong.", fmt::join(guess.steps, ", "), target),
                   fmt::format("{}，不是 {}。算错了。", fmt::join(guess.steps, "，"), target)});
    countdown_witness_steps(p, out);
    return solution;
  }
  const std::string guess = perturb_number(solution.answer, rng);
  out.push_back(statement(claim(task, p, guess)));
  out.push_back(wait);
  if (task == "linear") {
    // Substituting the guess is the natural check, and it exposes the error.
    const Linear e = linear_of(p);
    const int64_t x = std::stoll(guess);
    out.push_back(
        {fmt::format("{} = {}, not {}. That is wrong.", substituted(e, x), e.a * x + e.b, e.c),
         fmt::format("{} = {}，不是 {}。算错了。", substituted(e, x), e.a * x + e.b, e.c)});
  }
  reasoning_steps(task, p, out);
  out.push_back({fmt::format("So {}, not {}.", claim(task, p, solution.answer), guess),
                 fmt::format("所以 {}，不是 {}。", claim(task, p, solution.answer), guess)});
  return solution;
}

}  // namespace r1
