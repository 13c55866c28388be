#include "rewards/math_answer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <set>

#include "core/rng.h"

namespace r1::math {
namespace {

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  if (s.find(from) == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  size_t start = 0;
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, start)) {
    out.append(s, start, pos - start).append(to);
    start = pos + from.size();
  }
  out.append(s, start, std::string::npos);
  s = std::move(out);
}

// Unicode math a model may write instead of LaTeX.
void replace_unicode(std::string& s) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kMap = {{
      {"\u2212", "-"},
      {"\u00d7", "\\times "},
      {"\u00b7", "\\cdot "},
      {"\u22c5", "\\cdot "},
      {"\u00f7", "\\div "},
      {"\u03c0", "\\pi "},
      {"\u221e", "\\infty "},
      {"\u221a", "\\sqrt"},
      {"\u00b0", "^\\circ"},
      {"\uff0c", ","},
      {"\u222a", "\\cup "},
      {"\u00a0", " "},
      {"\u2009", " "},
      {"\u00b1", "\\pm "},
  }};
  for (const auto& [from, to] : kMap) replace_all(s, from, to);
}

// Index of the '}' closing the '{' at `open`, skipping escaped \{ \}; npos if
// unbalanced.
size_t matching_brace(std::string_view s, size_t open) {
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] == '{') ++depth;
    if (s[i] == '}' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

std::string_view command_at(std::string_view s, size_t pos) {
  if (pos + 1 >= s.size() || s[pos] != '\\') return {};
  size_t end = pos + 1;
  if (is_letter(s[end])) {
    while (end < s.size() && is_letter(s[end])) ++end;
  } else {
    ++end;
  }
  return s.substr(pos + 1, end - pos - 1);
}

// Drops spacing, sizing and delimiter-size commands, dollars and degree signs.
std::string drop_presentation(std::string_view in) {
  static constexpr std::array<std::string_view, 22> kDropped = {
      "left",  "right", "bigl", "bigr",         "Bigl",      "Bigr", "big",   "Big", "biggl",
      "biggr", "bigg",  "Bigg", "displaystyle", "textstyle", "quad", "qquad", "!",   ",",
      ";",     ":",     " ",    "circ"};
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size();) {
    const char c = in[i];
    if (c == '$') {
      ++i;
      continue;
    }
    if (c == '~') {
      out += ' ';
      ++i;
      continue;
    }
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    const std::string_view cmd = command_at(in, i);
    if (cmd.empty()) {
      ++i;
      continue;
    }
    size_t next = i + 1 + cmd.size();
    if (std::find(kDropped.begin(), kDropped.end(), cmd) != kDropped.end()) {
      // \left. and \right. are invisible delimiters.
      if ((cmd == "left" || cmd == "right") && next < in.size() && in[next] == '.') ++next;
      if (cmd != "left" && cmd != "right" && cmd != "!") out += ' ';
    } else if (cmd == "%") {
      out += '%';
    } else if (cmd == "$" || cmd == "degree") {
    } else if (cmd == "lbrace" || cmd == "rbrace") {
      out += cmd == "lbrace" ? "\\{" : "\\}";
    } else if (cmd == "langle" || cmd == "rangle") {
      out += cmd == "langle" ? "(" : ")";
    } else {
      out.append(in.substr(i, next - i));
      // Keep "\cot x" from becoming "\cotx".
      if (is_letter(cmd.front()) && next < in.size() && is_letter(in[next])) out += ' ';
    }
    i = next;
  }
  return out;
}

bool is_text_command(std::string_view cmd) {
  return cmd == "text" || cmd == "mbox" || cmd == "textrm" || cmd == "textnormal" ||
         cmd == "textit" || cmd == "textup" || cmd == "textsf";
}

bool is_unwrapped_command(std::string_view cmd) {
  return cmd == "textbf" || cmd == "mathbf" || cmd == "mathrm" || cmd == "mathit" ||
         cmd == "boldsymbol" || cmd == "operatorname" || cmd == "boxed" || cmd == "fbox" ||
         cmd == "mathsf" || cmd == "bm";
}

// \textbf{x} → x; \text{…} alone → its content; \text{ or } → ","; other
// \text{…} groups are units and are dropped with an exponent (\mbox{ cm}^2).
std::string resolve_text_groups(std::string s) {
  for (int guard = 0; guard < 64; ++guard) {
    size_t pos = std::string::npos;
    std::string_view cmd;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\') continue;
      cmd = command_at(s, i);
      if (is_text_command(cmd) || is_unwrapped_command(cmd)) {
        pos = i;
        break;
      }
      i += cmd.size();
    }
    if (pos == std::string::npos) break;
    size_t open = pos + 1 + cmd.size();
    while (open < s.size() && is_space(s[open])) ++open;
    const size_t close =
        open < s.size() && s[open] == '{' ? matching_brace(s, open) : std::string::npos;
    if (close == std::string::npos) {
      s.erase(pos, 1 + cmd.size());
      continue;
    }
    const std::string content = s.substr(open + 1, close - open - 1);
    size_t end = close + 1;
    std::string replacement = content;
    if (is_text_command(cmd)) {
      const bool alone = trim(std::string_view(s).substr(0, pos)).empty() &&
                         trim(std::string_view(s).substr(end)).empty();
      std::string lowered(trim(content));
      std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      if (lowered == "or" || lowered == "and" || lowered == ",") {
        replacement = ",";
      } else if (!alone && std::none_of(content.begin(), content.end(), is_digit)) {
        // A unit. Text holding digits ("5 \text{(or 6)}") is kept, so a
        // second value cannot hide in it; the answer then fails to parse.
        replacement = " ";
        if (end < s.size() && s[end] == '^') {
          if (end + 1 < s.size() && s[end + 1] == '{') {
            const size_t exponent_close = matching_brace(s, end + 1);
            if (exponent_close != std::string::npos) end = exponent_close + 1;
          } else if (end + 1 < s.size()) {
            end += 2;
          }
        }
      }
    }
    s.replace(pos, end - pos, replacement);
  }
  return s;
}

std::string collapse_spaces(std::string_view s) {
  std::string out;
  for (char c : trim(s)) {
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

constexpr std::array<std::string_view, 18> kFunctionWords = {
    "sin",  "cos", "tan",    "cot",    "sec",    "csc",  "log",  "ln",   "exp",
    "sqrt", "pi",  "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "frac"};

bool is_function_word(std::string_view word) {
  return std::find(kFunctionWords.begin(), kFunctionWords.end(), word) != kFunctionWords.end();
}

// "18 dollars" → "18", "5 cm^2" → "5": trailing plain words after a value.
std::string strip_trailing_unit_words(std::string s) {
  while (true) {
    const size_t space = s.rfind(' ');
    if (space == std::string::npos) return s;
    std::string_view word = std::string_view(s).substr(space + 1);
    if (word.size() >= 2 && word[word.size() - 2] == '^' && is_digit(word.back()))
      word.remove_suffix(2);
    const bool plain_word = word.size() >= 2 && std::all_of(word.begin(), word.end(), is_letter);
    const char before = space > 0 ? s[space - 1] : '\0';
    const bool after_value = is_digit(before) || before == '}' || before == ')' || before == '%';
    if (!plain_word || !after_value || is_function_word(word)) return s;
    s.erase(space);
  }
}

// Whole-answer prose such as "Evelyn", "even", "east", "no solution".
bool is_prose(std::string_view s) {
  bool has_word = false;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (is_letter(c)) {
      size_t end = i;
      while (end < s.size() && is_letter(s[end])) ++end;
      const std::string_view word = s.substr(i, end - i);
      if (word.size() >= 3 && !is_function_word(word)) has_word = true;
      i = end;
    } else if (c == ' ' || c == '\'' || c == '-' || c == '.') {
      ++i;
    } else {
      return false;
    }
  }
  return has_word;
}

// 900,000 / -1,234.5 with comma groups of exactly three digits and no space.
bool is_thousands_number(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  const size_t point = s.find('.');
  std::string_view integer = s.substr(0, point);
  if (point != std::string_view::npos) {
    const std::string_view fraction = s.substr(point + 1);
    if (fraction.empty() || !std::all_of(fraction.begin(), fraction.end(), is_digit)) return false;
  }
  const size_t first_comma = integer.find(',');
  if (first_comma == std::string_view::npos || first_comma == 0 || first_comma > 3) return false;
  for (size_t i = 0; i < integer.size(); ++i) {
    const bool comma_position = i >= first_comma && (i - first_comma) % 4 == 0;
    if (comma_position ? integer[i] != ',' : !is_digit(integer[i])) return false;
  }
  return (integer.size() - first_comma) % 4 == 0;
}

// Splits at `separator` outside brackets; \{ \} count as brackets.
std::vector<std::string_view> split_top_level(std::string_view s, std::string_view separator) {
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '{' || s[i + 1] == '}')) {
      depth += s[i + 1] == '{' ? 1 : -1;
      ++i;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (depth == 0 && s.compare(i, separator.size(), separator) == 0) {
      const bool command_prefix = separator[0] == '\\' && i + separator.size() < s.size() &&
                                  is_letter(s[i + separator.size()]);
      if (!command_prefix) {
        parts.push_back(trim(s.substr(start, i - start)));
        start = i + separator.size();
        i = start - 1;
      }
    }
  }
  parts.push_back(trim(s.substr(start)));
  return parts;
}

// True when the bracket opening at s[0] closes at the last character.
bool enclosed(std::string_view s, size_t open_length, size_t close_length) {
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '{' || s[i + 1] == '}')) {
      depth += s[i + 1] == '{' ? 1 : -1;
      ++i;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      --depth;
    }
    if (depth == 0) return i + 1 == s.size() && s.size() >= open_length + close_length;
  }
  return false;
}

Answer make_text(std::string_view s, bool prose) {
  Answer a;
  a.kind = Answer::Kind::Text;
  for (char c : s) {
    if (prose && c == ' ' && !a.key.empty() && a.key.back() == ' ') continue;
    if (!prose && is_space(c)) continue;
    a.key += prose ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
  }
  return a;
}

Answer parse_structure(std::string_view s, int depth);

size_t count_occurrences(std::string_view s, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = s.find(needle); pos != std::string_view::npos; pos = s.find(needle, pos + 1))
    ++n;
  return n;
}

Answer make_collection(Answer::Kind kind, const std::vector<std::string_view>& parts, int depth) {
  Answer a;
  a.kind = kind;
  if (parts.size() > kMaxCollectionItems) return make_text("", false);
  for (std::string_view part : parts) {
    Answer item = parse_structure(part, depth + 1);
    // ± inside an unordered collection adds both values to it.
    if ((kind == Answer::Kind::Set || kind == Answer::Kind::List) &&
        item.kind == Answer::Kind::List) {
      for (Answer& sub : item.items) a.items.push_back(std::move(sub));
    } else {
      a.items.push_back(std::move(item));
    }
  }
  return a;
}

Answer parse_matrix(std::string_view body, int depth) {
  Answer a;
  a.kind = Answer::Kind::Matrix;
  std::vector<std::string_view> rows = split_top_level(body, "\\\\");
  if (!rows.empty() && rows.back().empty()) rows.pop_back();
  for (std::string_view row : rows) {
    const std::vector<std::string_view> cells = split_top_level(row, "&");
    if (a.columns == 0) a.columns = cells.size();
    if (cells.size() != a.columns) return make_text(body, false);
    for (std::string_view cell : cells) a.items.push_back(parse_structure(cell, depth + 1));
  }
  return a;
}

Answer parse_structure_kind(std::string_view s, int depth);

// Every node keeps its normalised text as the fallback key.
Answer parse_structure(std::string_view s, int depth) {
  Answer a = parse_structure_kind(s, depth);
  if (a.key.empty()) a.key = make_text(s, false).key;
  return a;
}

Answer parse_structure_kind(std::string_view s, int depth) {
  s = trim(s);
  if (depth > 16 || s.empty()) return make_text(s, false);
  if (is_prose(s)) return make_text(s, true);
  std::string text(s);
  if (is_thousands_number(s)) {
    text.erase(std::remove(text.begin(), text.end(), ','), text.end());
    s = text;
  }
  if (s == "\\emptyset" || s == "\\varnothing" || s == "\\{\\}") {
    Answer a;
    a.kind = Answer::Kind::Set;
    return a;
  }
  if (auto parts = split_top_level(s, "\\cup"); parts.size() > 1)
    return make_collection(Answer::Kind::Union, parts, depth);
  if (starts_with(s, "\\{") && s.size() >= 4 && s.substr(s.size() - 2) == "\\}" &&
      enclosed(s, 2, 2))
    return make_collection(Answer::Kind::Set, split_top_level(s.substr(2, s.size() - 4), ","),
                           depth);
  for (std::string_view env : {"pmatrix", "bmatrix", "matrix"}) {
    const std::string begin = "\\begin{" + std::string(env) + "}";
    const std::string end = "\\end{" + std::string(env) + "}";
    if (starts_with(s, begin) && s.size() >= begin.size() + end.size() &&
        s.substr(s.size() - end.size()) == end)
      return parse_matrix(s.substr(begin.size(), s.size() - begin.size() - end.size()), depth);
  }
  if ((s.front() == '(' || s.front() == '[') && (s.back() == ')' || s.back() == ']') &&
      enclosed(s, 1, 1)) {
    const auto parts = split_top_level(s.substr(1, s.size() - 2), ",");
    if (parts.size() > 1) {
      Answer a = make_collection(Answer::Kind::Tuple, parts, depth);
      a.open = s.front();
      a.close = s.back();
      return a;
    }
  }
  if (auto parts = split_top_level(s, ","); parts.size() > 1)
    return make_collection(Answer::Kind::List, parts, depth);
  // Each ± doubles the values; more than two is not an answer but an attack.
  if (count_occurrences(s, "\\pm") + count_occurrences(s, "\\mp") > 2) return make_text(s, false);
  for (std::string_view sign : {"\\pm", "\\mp"}) {
    const size_t pos = s.find(sign);
    if (pos != std::string_view::npos && !(pos + 3 < s.size() && is_letter(s[pos + 3]))) {
      const std::string head(s.substr(0, pos)), tail(s.substr(pos + 3));
      return make_collection(Answer::Kind::List, {head + "+" + tail, head + "-" + tail}, depth);
    }
  }
  if (auto parts = split_top_level(s, "="); parts.size() == 2) {
    const bool inequality = s.find("<=") != std::string_view::npos ||
                            s.find(">=") != std::string_view::npos ||
                            s.find("!=") != std::string_view::npos;
    if (!inequality) {
      Answer a;
      a.kind = Answer::Kind::Equation;
      a.items.push_back(parse_structure(parts[0], depth + 1));
      a.items.push_back(parse_structure(parts[1], depth + 1));
      return a;
    }
  }
  Answer a;
  a.kind = Answer::Kind::Scalar;
  std::string_view body = s;
  if (!body.empty() && body.back() == '%') {
    a.percent = true;
    body = trim(body.substr(0, body.size() - 1));
  }
  a.expr = parse_expr(body);
  if (!a.expr) return make_text(s, false);
  return a;
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

// Variable values at random point `point`: a pure function of (point, name),
// so both sides of a comparison see the same values.
Bindings random_bindings(const std::set<std::string>& symbols, int point) {
  Bindings bindings;
  for (const std::string& name : symbols) {
    Rng rng(0x5eedULL, static_cast<uint64_t>(point), fnv1a(name));
    bindings[name] = 0.5 + 2 * rng.uniform_double();
  }
  return bindings;
}

bool finite(std::complex<double> v) {
  return std::isfinite(v.real()) && std::isfinite(v.imag());
}

bool close(std::complex<double> a, std::complex<double> b) {
  return std::abs(a - b) <=
         kRelativeTolerance * std::max(std::abs(a), std::abs(b)) + kAbsoluteTolerance;
}

std::set<std::string> symbols_of(const Expr& a, const Expr& b) {
  std::set<std::string> symbols;
  collect_symbols(a, symbols);
  collect_symbols(b, symbols);
  return symbols;
}

bool expressions_equal(const Expr& a, const Expr& b) {
  const int infinity_a = infinity_sign(a), infinity_b = infinity_sign(b);
  if (infinity_a != 0 || infinity_b != 0) return infinity_a == infinity_b;
  const std::optional<ExactValue> exact_a = eval_exact(a);
  const std::optional<ExactValue> exact_b = exact_a ? eval_exact(b) : std::nullopt;
  if (exact_a && exact_b) return *exact_a == *exact_b;
  const std::set<std::string> symbols = symbols_of(a, b);
  int compared = 0;
  for (int point = 0; point < kNumericPoints; ++point) {
    const Bindings bindings = random_bindings(symbols, point);
    const std::complex<double> va = eval_numeric(a, bindings), vb = eval_numeric(b, bindings);
    if (!finite(va) || !finite(vb)) continue;
    if (!close(va, vb)) return false;
    ++compared;
  }
  return compared > 0;
}

Expr scaled(const Expr& e, int divide_by_100) {
  if (!divide_by_100) return e;
  Expr hundred;
  hundred.number = 100;
  Expr out;
  out.kind = Expr::Kind::Div;
  out.args = {e, hundred};
  return out;
}

// 50% matches 50% and 50 and 0.5: the reference may give either the number of
// percent or the fraction.
bool scalars_equal(const Answer& a, const Answer& b) {
  if (a.percent == b.percent) return expressions_equal(*a.expr, *b.expr);
  const Answer& with_percent = a.percent ? a : b;
  const Answer& without = a.percent ? b : a;
  return expressions_equal(*with_percent.expr, *without.expr) ||
         expressions_equal(scaled(*with_percent.expr, 1), *without.expr);
}

bool is_lone_symbol(const Answer& a) {
  return a.kind == Answer::Kind::Scalar && !a.percent && a.expr->kind == Expr::Kind::Symbol;
}

Expr difference(const Answer& equation) {
  Expr d;
  d.kind = Expr::Kind::Add;
  Expr negated;
  negated.kind = Expr::Kind::Neg;
  negated.args = {*equation.items[1].expr};
  d.args = {*equation.items[0].expr, negated};
  return d;
}

// 5x - 7y + 11z + 4 = 0 and -10x + 14y - 22z = 8: (lhs − rhs) proportional.
bool equations_proportional(const Answer& a, const Answer& b) {
  for (const Answer* eq : {&a, &b})
    for (const Answer& side : eq->items)
      if (side.kind != Answer::Kind::Scalar || side.percent) return false;
  const Expr da = difference(a), db = difference(b);
  const std::set<std::string> symbols = symbols_of(da, db);
  if (symbols.empty()) return false;
  std::optional<std::complex<double>> ratio;
  int compared = 0;
  for (int point = 0; point < kNumericPoints; ++point) {
    const Bindings bindings = random_bindings(symbols, point);
    const std::complex<double> va = eval_numeric(da, bindings), vb = eval_numeric(db, bindings);
    if (!finite(va) || !finite(vb)) continue;
    if (std::abs(vb) <= kAbsoluteTolerance || std::abs(va) <= kAbsoluteTolerance) {
      if (!close(va, vb)) return false;
      continue;
    }
    if (!ratio) ratio = va / vb;
    if (!close(va / vb, *ratio)) return false;
    ++compared;
  }
  return compared > 0;
}

bool equations_equal(const Answer& a, const Answer& b) {
  const Answer &a_lhs = a.items[0], &a_rhs = a.items[1], &b_lhs = b.items[0], &b_rhs = b.items[1];
  if (is_lone_symbol(a_lhs) && is_lone_symbol(b_lhs) && a_lhs.expr->name == b_lhs.expr->name)
    return equivalent(a_rhs, b_rhs);
  return equations_proportional(a, b);
}

bool ordered_equal(const std::vector<Answer>& a, const std::vector<Answer>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!equivalent(a[i], b[i])) return false;
  return true;
}

bool contains_equivalent(const std::vector<Answer>& items, const Answer& item) {
  return std::any_of(items.begin(), items.end(),
                     [&](const Answer& other) { return equivalent(item, other); });
}

// Set equality: each side's elements all occur in the other.
bool same_elements(const std::vector<Answer>& a, const std::vector<Answer>& b) {
  for (const Answer& item : a)
    if (!contains_equivalent(b, item)) return false;
  for (const Answer& item : b)
    if (!contains_equivalent(a, item)) return false;
  return true;
}

// Multiset equality: every element pairs with a distinct equivalent element.
bool unordered_equal(const std::vector<Answer>& a, const std::vector<Answer>& b) {
  if (a.size() != b.size()) return false;
  std::vector<bool> used(b.size(), false);
  for (const Answer& item : a) {
    bool matched = false;
    for (size_t j = 0; j < b.size() && !matched; ++j) {
      if (!used[j] && equivalent(item, b[j])) used[j] = matched = true;
    }
    if (!matched) return false;
  }
  return true;
}

bool is_vector(const Answer& a) {
  return a.kind == Answer::Kind::Matrix && (a.columns == 1 || a.columns == a.items.size());
}

bool structures_equal(const Answer& a, const Answer& b) {
  using K = Answer::Kind;
  if (a.kind == K::Equation && b.kind == K::Equation) return equations_equal(a, b);
  // x = 5 matches 5.
  if (a.kind == K::Equation && b.kind != K::Equation) {
    if (is_lone_symbol(a.items[0])) return equivalent(a.items[1], b);
    if (is_lone_symbol(a.items[1])) return equivalent(a.items[0], b);
    return false;
  }
  if (b.kind == K::Equation) return structures_equal(b, a);
  switch (a.kind) {
    case K::Scalar:
      return b.kind == K::Scalar && scalars_equal(a, b);
    case K::Text:
      return false;  // only the key comparison applies
    case K::Tuple:
      if (b.kind == K::Tuple)
        return a.open == b.open && a.close == b.close && ordered_equal(a.items, b.items);
      if (b.kind == K::List || is_vector(b))
        return a.open == '(' && a.close == ')' && ordered_equal(a.items, b.items);
      return false;
    case K::Set:
    case K::List:
      // A set written with a repeated element is the same set; a list of
      // solutions counts multiplicity.
      if (a.kind == K::Set && b.kind == K::Set) return same_elements(a.items, b.items);
      if (b.kind == K::Set || b.kind == K::List) return unordered_equal(a.items, b.items);
      return b.kind == K::Tuple && structures_equal(b, a);
    case K::Union:
      return b.kind == K::Union && unordered_equal(a.items, b.items);
    case K::Matrix:
      if (b.kind == K::Matrix) return a.columns == b.columns && ordered_equal(a.items, b.items);
      return is_vector(a) && b.kind == K::Tuple && structures_equal(b, a);
    case K::Equation:
      return false;
  }
  return false;
}

}  // namespace

std::string normalize_answer(std::string_view answer) {
  std::string s(trim(answer));
  replace_unicode(s);
  for (std::string_view degree : {"^{\\circ}", "^\\circ", "^{\\degree}", "^\\degree"})
    replace_all(s, degree, "");
  // LaTeX thousands separators: 10,\!080 and 1{,}000.
  replace_all(s, "{,}", ",");
  if (s.find(",\\!") != std::string::npos) {
    std::string joined;
    for (size_t i = 0; i < s.size(); ++i) {
      joined += s[i];
      if (s.compare(i, 3, ",\\!") != 0) continue;
      i += 2;
      while (i + 1 < s.size() && is_space(s[i + 1])) ++i;
    }
    s = std::move(joined);
  }
  s = resolve_text_groups(drop_presentation(s));
  s = collapse_spaces(s);
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  // "x \in [-2,7]" is the interval.
  if (s.size() > 4 && is_letter(s[0])) {
    size_t i = 1;
    while (i < s.size() && s[i] == ' ') ++i;
    if (s.compare(i, 3, "\\in") == 0 && (i + 3 == s.size() || !is_letter(s[i + 3])))
      s = std::string(trim(std::string_view(s).substr(i + 3)));
  }
  return strip_trailing_unit_words(s);
}

Answer parse_answer(std::string_view answer) {
  if (answer.size() > kMaxAnswerBytes) return make_text(answer, false);
  const std::string normalized = normalize_answer(answer);
  return parse_structure(normalized, 0);
}

bool equivalent(const Answer& reference, const Answer& candidate) {
  if (reference.kind == Answer::Kind::Text || candidate.kind == Answer::Kind::Text) {
    if (!reference.key.empty() && reference.key == candidate.key) return true;
  } else if (structures_equal(reference, candidate)) {
    return true;
  }
  return !reference.key.empty() && reference.key == candidate.key;
}

bool answers_equivalent(std::string_view reference, std::string_view candidate) {
  return equivalent(parse_answer(reference), parse_answer(candidate));
}

}  // namespace r1::math
