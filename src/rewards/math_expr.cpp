#include "rewards/math_expr.h"

#include <array>
#include <cctype>
#include <cmath>
#include <limits>

namespace r1::math {
namespace {

// Bounds that keep hostile answers (deep nesting, 2^{2^{2^…}}) cheap: beyond
// them the parser gives up (text comparison) or the exact evaluation declines
// (numeric comparison).
constexpr int kMaxDepth = 200;
constexpr size_t kMaxNumberDigits = 5000;
constexpr long kMaxExactExponent = 4096;
constexpr size_t kMaxExactBits = size_t{1} << 20;
constexpr unsigned long kMaxExactFactorial = 5000;

struct ParseFailure {};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Function names written without a backslash in plain-text answers ("sqrt(2)").
constexpr std::array<std::string_view, 16> kPlainFunctions = {
    "arcsin", "arccos", "arctan", "sqrt", "sinh", "cosh", "tanh", "sin",
    "cos",    "tan",    "cot",    "sec",  "csc",  "log",  "exp",  "ln"};

constexpr std::array<std::string_view, 17> kFunctions = {
    "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "sin", "cos", "tan",
    "cot",    "sec",    "csc",    "log",  "ln",   "exp",  "lg",  "arg"};

constexpr std::array<std::string_view, 36> kGreek = {
    "alpha",    "beta",    "gamma", "delta",  "epsilon", "varepsilon", "zeta",  "eta",   "theta",
    "vartheta", "iota",    "kappa", "lambda", "mu",      "nu",         "xi",    "rho",   "sigma",
    "tau",      "upsilon", "phi",   "varphi", "chi",     "psi",        "omega", "Gamma", "Delta",
    "Theta",    "Lambda",  "Xi",    "Sigma",  "Phi",     "Psi",        "Omega"};

template <size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::string_view n : names)
    if (n == name) return true;
  return false;
}

Expr make(Expr::Kind kind, std::vector<Expr> args = {}) {
  Expr e;
  e.kind = kind;
  e.args = std::move(args);
  return e;
}

Expr make_symbol(std::string name) {
  Expr e = make(Expr::Kind::Symbol);
  e.name = std::move(name);
  return e;
}

Expr make_number(mpq_class value) {
  Expr e = make(Expr::Kind::Number);
  e.number = std::move(value);
  return e;
}

bool is_integer_literal(const Expr& e) {
  return e.kind == Expr::Kind::Number && e.number.get_den() == 1 && e.number >= 0;
}

// Recursive descent over the characters of one answer. LaTeX's single-token
// arguments (\frac43, \sqrt2) need character-level access, so there is no
// separate token list.
class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Expr parse_all() {
    Expr e = parse_sum();
    skip_space();
    if (pos_ != s_.size()) throw ParseFailure{};
    return e;
  }

 private:
  struct DepthGuard {
    explicit DepthGuard(int& depth) : depth_(depth) {
      if (++depth_ > kMaxDepth) throw ParseFailure{};
    }
    ~DepthGuard() { --depth_; }
    int& depth_;
  };

  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  char peek() {
    skip_space();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void expect(char c) {
    if (!accept(c)) throw ParseFailure{};
  }
  // The command name at the cursor without consuming it ("frac" for \frac,
  // "{" for \{), or empty if the cursor is not on a backslash.
  std::string_view peek_command() {
    skip_space();
    if (pos_ >= s_.size() || s_[pos_] != '\\' || pos_ + 1 >= s_.size()) return {};
    size_t end = pos_ + 1;
    if (is_letter(s_[end])) {
      while (end < s_.size() && is_letter(s_[end])) ++end;
    } else {
      ++end;
    }
    return s_.substr(pos_ + 1, end - pos_ - 1);
  }
  std::string_view take_command() {
    std::string_view name = peek_command();
    pos_ += name.size() + 1;
    return name;
  }
  std::string_view peek_plain_function() {
    skip_space();
    for (std::string_view f : kPlainFunctions)
      if (s_.substr(pos_, f.size()) == f) return f;
    return {};
  }

  Expr parse_sum() {
    DepthGuard guard(depth_);
    std::vector<Expr> terms;
    terms.push_back(parse_signed());
    while (true) {
      const char c = peek();
      if (c != '+' && c != '-') break;
      ++pos_;
      Expr term = parse_signed();
      terms.push_back(c == '-' ? make(Expr::Kind::Neg, {std::move(term)}) : std::move(term));
    }
    return terms.size() == 1 ? std::move(terms[0]) : make(Expr::Kind::Add, std::move(terms));
  }

  Expr parse_signed() {
    DepthGuard guard(depth_);
    if (accept('-')) return make(Expr::Kind::Neg, {parse_signed()});
    if (accept('+')) return parse_signed();
    return parse_product();
  }

  bool starts_factor() {
    const char c = peek();
    if (is_digit(c) || c == '.' || is_letter(c) || c == '(' || c == '{') return true;
    if (c != '\\') return false;
    const std::string_view cmd = peek_command();
    return cmd != "cdot" && cmd != "times" && cmd != "div" && cmd != "}" && cmd != "rvert" &&
           cmd != "right";
  }

  Expr parse_product() {
    DepthGuard guard(depth_);
    Expr product = parse_power();
    bool single_integer = is_integer_literal(product);
    while (true) {
      const char c = peek();
      const std::string_view cmd = peek_command();
      if (c == '*' || cmd == "cdot" || cmd == "times") {
        c == '*' ? void(++pos_) : void(take_command());
        product = multiply(std::move(product), parse_signed_factor());
      } else if (c == '/' || cmd == "div") {
        c == '/' ? void(++pos_) : void(take_command());
        product = make(Expr::Kind::Div, {std::move(product), parse_signed_factor()});
      } else if (starts_factor()) {
        const bool fraction_next = cmd == "frac" || cmd == "dfrac" || cmd == "tfrac";
        Expr factor = parse_power();
        // A mixed number: 1\frac{4}{5} is 1 + 4/5, not 4/5.
        if (single_integer && fraction_next && factor.kind == Expr::Kind::Div &&
            is_integer_literal(factor.args[0]) && is_integer_literal(factor.args[1])) {
          product = make(Expr::Kind::Add, {std::move(product), std::move(factor)});
        } else {
          product = multiply(std::move(product), std::move(factor));
        }
      } else {
        break;
      }
      single_integer = false;
    }
    return product;
  }

  static Expr multiply(Expr left, Expr right) {
    if (left.kind == Expr::Kind::Mul) {
      left.args.push_back(std::move(right));
      return left;
    }
    return make(Expr::Kind::Mul, {std::move(left), std::move(right)});
  }

  Expr parse_signed_factor() {
    DepthGuard guard(depth_);
    if (accept('-')) return make(Expr::Kind::Neg, {parse_signed_factor()});
    if (accept('+')) return parse_signed_factor();
    return parse_power();
  }

  Expr parse_power() {
    DepthGuard guard(depth_);
    Expr base = parse_postfix();
    if (!accept('^')) return base;
    Expr exponent = parse_exponent();
    return make(Expr::Kind::Pow, {std::move(base), std::move(exponent)});
  }

  // x^{…}, x^2, x^10 (plain-text style: the whole number), x^-1, x^\pi.
  Expr parse_exponent() {
    DepthGuard guard(depth_);
    if (accept('-')) return make(Expr::Kind::Neg, {parse_exponent()});
    if (accept('+')) return parse_exponent();
    return parse_postfix();
  }

  Expr parse_postfix() {
    Expr e = parse_primary();
    while (peek() == '!' && !(pos_ + 1 < s_.size() && s_[pos_ + 1] == '=')) {
      ++pos_;
      e = make(Expr::Kind::Factorial, {std::move(e)});
    }
    return e;
  }

  // The raw text of a subscript after '_': {…} or one character.
  std::string parse_subscript_text() {
    skip_space();
    if (pos_ >= s_.size()) throw ParseFailure{};
    std::string out;
    if (s_[pos_] == '{') {
      int depth = 0;
      for (; pos_ < s_.size(); ++pos_) {
        const char c = s_[pos_];
        if (c == '{') ++depth;
        if (c == '}' && --depth == 0) break;
        if (!std::isspace(static_cast<unsigned char>(c)) && !(c == '{' && depth == 1)) out += c;
      }
      if (pos_ >= s_.size()) throw ParseFailure{};
      ++pos_;
    } else {
      out += s_[pos_++];
    }
    if (out.empty()) throw ParseFailure{};
    return out;
  }

  Expr parse_number(bool single_digit) {
    const size_t start = pos_;
    std::string digits;
    size_t decimals = 0;
    bool seen_point = false;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (is_digit(c)) {
        digits += c;
        if (seen_point) ++decimals;
      } else if (c == '.' && !seen_point && !single_digit) {
        seen_point = true;
      } else {
        break;
      }
      ++pos_;
      if (single_digit && !digits.empty()) break;
    }
    if (digits.empty() || digits.size() > kMaxNumberDigits) throw ParseFailure{};
    // 52_8 is a numeral in base 8: an opaque name, equal only to itself.
    if (peek() == '_') {
      const std::string numeral(s_.substr(start, pos_ - start));
      ++pos_;
      return make_symbol(numeral + "_" + parse_subscript_text());
    }
    mpz_class numerator(digits, 10), denominator;
    mpz_ui_pow_ui(denominator.get_mpz_t(), 10, decimals);
    mpq_class value(numerator, denominator);
    value.canonicalize();
    return make_number(std::move(value));
  }

  Expr parse_symbol(std::string name) {
    if (peek() == '_') {
      ++pos_;
      name += "_" + parse_subscript_text();
    }
    return make_symbol(std::move(name));
  }

  // A macro argument: {…} or a single token (\frac43, \sqrt2, \frac\pi2).
  Expr parse_argument() {
    DepthGuard guard(depth_);
    const char c = peek();
    if (c == '{') {
      ++pos_;
      Expr e = parse_sum();
      expect('}');
      return e;
    }
    if (is_digit(c)) return parse_number(/*single_digit=*/true);
    if (is_letter(c)) return parse_symbol(std::string(1, s_[pos_++]));
    if (c == '\\') return parse_command();
    throw ParseFailure{};
  }

  Expr parse_primary() {
    DepthGuard guard(depth_);
    const char c = peek();
    if (is_digit(c) || (c == '.' && pos_ + 1 < s_.size() && is_digit(s_[pos_ + 1])))
      return parse_number(/*single_digit=*/false);
    if (c == '(' || c == '[' || c == '{') {
      ++pos_;
      Expr e = parse_sum();
      expect(c == '(' ? ')' : c == '[' ? ']' : '}');
      return e;
    }
    if (c == '|') {
      ++pos_;
      Expr e = parse_sum();
      expect('|');
      return make_call("abs", std::move(e));
    }
    if (is_letter(c)) {
      const std::string_view function = peek_plain_function();
      if (!function.empty()) {
        pos_ += function.size();
        return parse_function(function);
      }
      if (s_.substr(pos_, 2) == "pi") {
        pos_ += 2;
        return make(Expr::Kind::Pi);
      }
      const char letter = s_[pos_++];
      if (letter == 'i' && peek() != '_') return make(Expr::Kind::ImagUnit);
      return parse_symbol(std::string(1, letter));
    }
    if (c == '\\') return parse_command();
    throw ParseFailure{};
  }

  static Expr make_call(std::string name, Expr arg) {
    Expr e = make(Expr::Kind::Call, {std::move(arg)});
    e.name = std::move(name);
    return e;
  }

  Expr parse_command() {
    const std::string_view cmd = take_command();
    if (cmd == "frac" || cmd == "dfrac" || cmd == "tfrac" || cmd == "cfrac") {
      Expr num = parse_argument();
      Expr den = parse_argument();
      return make(Expr::Kind::Div, {std::move(num), std::move(den)});
    }
    if (cmd == "sqrt") {
      Expr degree = make_number(2);
      if (accept('[')) {
        degree = parse_sum();
        expect(']');
      }
      return make(Expr::Kind::Root, {std::move(degree), parse_argument()});
    }
    if (cmd == "binom" || cmd == "dbinom" || cmd == "tbinom") {
      Expr n = parse_argument();
      Expr k = parse_argument();
      return make(Expr::Kind::Binomial, {std::move(n), std::move(k)});
    }
    if (cmd == "pi") return make(Expr::Kind::Pi);
    if (cmd == "infty" || cmd == "inf") return make(Expr::Kind::Infinity);
    if (cmd == "lvert" || cmd == "vert") {
      Expr e = parse_sum();
      const std::string_view close = take_command();
      if (close != "rvert" && close != "vert") throw ParseFailure{};
      return make_call("abs", std::move(e));
    }
    if (contains(kFunctions, cmd)) return parse_function(cmd);
    if (contains(kGreek, cmd)) return parse_symbol("\\" + std::string(cmd));
    throw ParseFailure{};
  }

  // sin x, sin(x), sin^2 x, log_2 8, \ln|x|.
  Expr parse_function(std::string_view name) {
    DepthGuard guard(depth_);
    if (name == "sqrt") return make(Expr::Kind::Root, {make_number(2), parse_function_argument()});
    std::optional<Expr> power, base;
    if (accept('^')) power = parse_exponent();
    if (accept('_')) base = parse_argument();
    if (!power && accept('^')) power = parse_exponent();
    Expr arg = parse_function_argument();
    std::string call_name(name);
    if (call_name == "lg") call_name = "log10";
    Expr value = make_call(call_name, std::move(arg));
    if (base) {
      value.name = "ln";
      value = make(Expr::Kind::Div, {std::move(value), make_call("ln", std::move(*base))});
    }
    if (power) value = make(Expr::Kind::Pow, {std::move(value), std::move(*power)});
    return value;
  }

  Expr parse_function_argument() {
    if (peek() == '(') {
      ++pos_;
      Expr e = parse_sum();
      expect(')');
      return e;
    }
    return parse_power();
  }

  std::string_view s_;
  size_t pos_ = 0;
  int depth_ = 0;
};

ExactValue exact_mul(const ExactValue& a, const ExactValue& b) {
  return {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
}

std::optional<ExactValue> exact_div(const ExactValue& a, const ExactValue& b) {
  const mpq_class norm = b.re * b.re + b.im * b.im;
  if (norm == 0) return std::nullopt;
  return ExactValue{(a.re * b.re + a.im * b.im) / norm, (a.im * b.re - a.re * b.im) / norm};
}

size_t exact_bits(const ExactValue& v) {
  return mpz_sizeinbase(v.re.get_num_mpz_t(), 2) + mpz_sizeinbase(v.re.get_den_mpz_t(), 2) +
         mpz_sizeinbase(v.im.get_num_mpz_t(), 2) + mpz_sizeinbase(v.im.get_den_mpz_t(), 2);
}

std::optional<long> small_integer(const ExactValue& v, long limit) {
  if (v.im != 0 || v.re.get_den() != 1) return std::nullopt;
  const mpz_class& n = v.re.get_num();
  if (n > limit || n < -limit) return std::nullopt;
  return n.get_si();
}

std::optional<ExactValue> exact_pow(const ExactValue& base, const ExactValue& exponent) {
  const std::optional<long> e = small_integer(exponent, kMaxExactExponent);
  if (!e) return std::nullopt;
  if (exact_bits(base) * static_cast<size_t>(std::labs(*e)) > kMaxExactBits) return std::nullopt;
  ExactValue result{1, 0}, square = base;
  for (long n = std::labs(*e); n > 0; n >>= 1) {
    if (n & 1) result = exact_mul(result, square);
    if (n > 1) square = exact_mul(square, square);
  }
  if (*e < 0) return exact_div(ExactValue{1, 0}, result);
  return result;
}

// The exact n-th root of a nonnegative integer, if it is one.
std::optional<mpz_class> exact_integer_root(const mpz_class& x, unsigned long n) {
  mpz_class root;
  if (mpz_root(root.get_mpz_t(), x.get_mpz_t(), n) == 0) return std::nullopt;
  return root;
}

std::optional<ExactValue> exact_root(const ExactValue& degree, const ExactValue& x) {
  const std::optional<long> n = small_integer(degree, 64);
  if (!n || *n < 2 || x.im != 0) return std::nullopt;
  const bool negative = x.re < 0;
  if (negative && *n % 2 == 0 && *n != 2) return std::nullopt;
  const mpq_class magnitude = abs(x.re);
  const auto num = exact_integer_root(magnitude.get_num(), *n);
  const auto den = exact_integer_root(magnitude.get_den(), *n);
  if (!num || !den) return std::nullopt;
  mpq_class root(*num, *den);
  root.canonicalize();
  if (!negative) return ExactValue{root, 0};
  if (*n == 2) return ExactValue{0, root};  // \sqrt{-4} = 2i
  return ExactValue{-root, 0};
}

double binomial_double(double n, double k) {
  return std::exp(std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1));
}

std::complex<double> call_numeric(std::string_view name, std::complex<double> x) {
  using C = std::complex<double>;
  const bool real = x.imag() == 0;
  const double r = x.real();
  if (name == "abs") return std::abs(x);
  if (name == "sin") return real ? C(std::sin(r)) : std::sin(x);
  if (name == "cos") return real ? C(std::cos(r)) : std::cos(x);
  if (name == "tan") return real ? C(std::tan(r)) : std::tan(x);
  if (name == "cot") return real ? C(1 / std::tan(r)) : 1.0 / std::tan(x);
  if (name == "sec") return real ? C(1 / std::cos(r)) : 1.0 / std::cos(x);
  if (name == "csc") return real ? C(1 / std::sin(r)) : 1.0 / std::sin(x);
  if (name == "arcsin") return std::asin(x);
  if (name == "arccos") return std::acos(x);
  if (name == "arctan") return real ? C(std::atan(r)) : std::atan(x);
  if (name == "sinh") return std::sinh(x);
  if (name == "cosh") return std::cosh(x);
  if (name == "tanh") return std::tanh(x);
  if (name == "exp") return real ? C(std::exp(r)) : std::exp(x);
  if (name == "ln" || name == "log") return real && r > 0 ? C(std::log(r)) : std::log(x);
  if (name == "log10") return real && r > 0 ? C(std::log10(r)) : std::log10(x);
  if (name == "arg") return std::arg(x);
  return {std::numeric_limits<double>::quiet_NaN(), 0};
}

}  // namespace

std::optional<Expr> parse_expr(std::string_view text) {
  try {
    return Parser(text).parse_all();
  } catch (const ParseFailure&) {
    return std::nullopt;
  }
}

std::optional<ExactValue> eval_exact(const Expr& e) {
  using K = Expr::Kind;
  switch (e.kind) {
    case K::Number:
      return ExactValue{e.number, 0};
    case K::ImagUnit:
      return ExactValue{0, 1};
    case K::Symbol:
    case K::Pi:
    case K::Infinity:
    case K::Call:
      return std::nullopt;
    case K::Neg: {
      auto v = eval_exact(e.args[0]);
      if (!v) return std::nullopt;
      return ExactValue{-v->re, -v->im};
    }
    case K::Add:
    case K::Mul: {
      ExactValue acc = e.kind == K::Add ? ExactValue{0, 0} : ExactValue{1, 0};
      for (const Expr& arg : e.args) {
        auto v = eval_exact(arg);
        if (!v) return std::nullopt;
        if (e.kind == K::Add) {
          acc.re += v->re;
          acc.im += v->im;
        } else {
          if (exact_bits(acc) + exact_bits(*v) > kMaxExactBits) return std::nullopt;
          acc = exact_mul(acc, *v);
        }
      }
      return acc;
    }
    case K::Div: {
      auto a = eval_exact(e.args[0]);
      auto b = a ? eval_exact(e.args[1]) : std::nullopt;
      if (!b) return std::nullopt;
      return exact_div(*a, *b);
    }
    case K::Pow: {
      auto a = eval_exact(e.args[0]);
      auto b = a ? eval_exact(e.args[1]) : std::nullopt;
      if (!b) return std::nullopt;
      return exact_pow(*a, *b);
    }
    case K::Root: {
      auto n = eval_exact(e.args[0]);
      auto x = n ? eval_exact(e.args[1]) : std::nullopt;
      if (!x) return std::nullopt;
      return exact_root(*n, *x);
    }
    case K::Factorial: {
      auto v = eval_exact(e.args[0]);
      const auto n = v ? small_integer(*v, kMaxExactFactorial) : std::nullopt;
      if (!n || *n < 0) return std::nullopt;
      mpz_class result;
      mpz_fac_ui(result.get_mpz_t(), static_cast<unsigned long>(*n));
      return ExactValue{mpq_class(result), 0};
    }
    case K::Binomial: {
      auto nv = eval_exact(e.args[0]);
      auto kv = nv ? eval_exact(e.args[1]) : std::nullopt;
      const auto n = nv ? small_integer(*nv, 1000000) : std::nullopt;
      const auto k = kv ? small_integer(*kv, kMaxExactFactorial) : std::nullopt;
      if (!n || !k) return std::nullopt;
      if (*k < 0) return ExactValue{0, 0};
      mpz_class result;
      mpz_bin_ui(result.get_mpz_t(), mpz_class(*n).get_mpz_t(), static_cast<unsigned long>(*k));
      return ExactValue{mpq_class(result), 0};
    }
  }
  return std::nullopt;
}

std::complex<double> eval_numeric(const Expr& e, const Bindings& bindings) {
  using K = Expr::Kind;
  using C = std::complex<double>;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  switch (e.kind) {
    case K::Number:
      return e.number.get_d();
    case K::ImagUnit:
      return {0, 1};
    case K::Pi:
      return M_PI;
    case K::Infinity:
      return kNaN;
    case K::Symbol: {
      const auto it = bindings.find(e.name);
      return it == bindings.end() ? C(kNaN) : C(it->second);
    }
    case K::Neg:
      return -eval_numeric(e.args[0], bindings);
    case K::Add: {
      C sum = 0;
      for (const Expr& arg : e.args) sum += eval_numeric(arg, bindings);
      return sum;
    }
    case K::Mul: {
      C product = 1;
      for (const Expr& arg : e.args) product *= eval_numeric(arg, bindings);
      return product;
    }
    case K::Div:
      return eval_numeric(e.args[0], bindings) / eval_numeric(e.args[1], bindings);
    case K::Pow: {
      const C base = eval_numeric(e.args[0], bindings);
      const C exponent = eval_numeric(e.args[1], bindings);
      const bool real = base.imag() == 0 && exponent.imag() == 0;
      if (real && (base.real() >= 0 || std::nearbyint(exponent.real()) == exponent.real()))
        return std::pow(base.real(), exponent.real());
      return std::pow(base, exponent);
    }
    case K::Root: {
      const C degree = eval_numeric(e.args[0], bindings);
      const C x = eval_numeric(e.args[1], bindings);
      if (degree == C(2))
        return x.imag() == 0 && x.real() >= 0 ? C(std::sqrt(x.real())) : std::sqrt(x);
      const double n = degree.real();
      const bool odd_integer = degree.imag() == 0 && std::nearbyint(n) == n && std::fmod(n, 2) != 0;
      if (x.imag() == 0 && x.real() < 0 && odd_integer) return -std::pow(-x.real(), 1 / n);
      if (x.imag() == 0 && x.real() >= 0 && degree.imag() == 0) return std::pow(x.real(), 1 / n);
      return std::pow(x, 1.0 / degree);
    }
    case K::Call:
      return call_numeric(e.name, eval_numeric(e.args[0], bindings));
    case K::Factorial: {
      const C x = eval_numeric(e.args[0], bindings);
      return x.imag() == 0 ? C(std::tgamma(x.real() + 1)) : C(kNaN);
    }
    case K::Binomial: {
      const C n = eval_numeric(e.args[0], bindings);
      const C k = eval_numeric(e.args[1], bindings);
      if (n.imag() != 0 || k.imag() != 0) return kNaN;
      return binomial_double(n.real(), k.real());
    }
  }
  return kNaN;
}

void collect_symbols(const Expr& e, std::set<std::string>& out) {
  if (e.kind == Expr::Kind::Symbol) out.insert(e.name);
  for (const Expr& arg : e.args) collect_symbols(arg, out);
}

int infinity_sign(const Expr& e) {
  if (e.kind == Expr::Kind::Infinity) return 1;
  if (e.kind == Expr::Kind::Neg) return -infinity_sign(e.args[0]);
  return 0;
}

}  // namespace r1::math
