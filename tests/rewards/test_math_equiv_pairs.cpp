// The hand-written equivalence table: every expectation below was decided by
// hand from the mathematics (and the order rules in math_answer.h), never by
// running the checker. Each pair is also checked in the swapped order, since
// equivalence must be symmetric.
#include <gtest/gtest.h>

#include <string_view>

#include "rewards/math_answer.h"

namespace {

struct Pair {
  std::string_view reference;
  std::string_view candidate;
  bool equivalent;
};

constexpr Pair kPairs[] = {
    // Integers, signs, leading zeros, thousands separators.
    {"5", "5", true},
    {"5", "6", false},
    {"025", "25", true},
    {"-3", "-3", true},
    {"-3", "3", false},
    {"+7", "7", true},
    {"- 4", "-4", true},
    {"900,000", "900000", true},
    {"900{,}000", "900000", true},
    {"10,\\!080", "10080", true},
    {"11,\\! 111,\\! 111,\\! 100", "11111111100", true},
    {"11111111100", "11111111101", false},
    {"1,000,000", "1000000", true},
    {"1,000,000", "100000", false},
    {"-1,234", "-1234", true},
    {"1,234.5", "1234.5", true},
    {"1,2", "1.2", false},
    {"12345678901234567890", "12345678901234567890", true},
    {"12345678901234567890", "12345678901234567891", false},
    {"0", "-0", true},
    {"0", "0.0", true},
    // Decimals.
    {"1.25", "\\frac{5}{4}", true},
    {"1.25", "1.250", true},
    {"0.15", ".15", true},
    {".0000672", "6.72 \\times 10^{-5}", true},
    {"3.21", "3.2", false},
    {"0.5", "0.50", true},
    {"4.5", "\\frac92", true},
    {"326.5", "\\frac{653}{2}", true},
    {"0.333", "\\frac{1}{3}", false},
    {"0.1", "\\frac{1}{10}", true},
    {"2.0", "2", true},
    // Fractions: \frac, \dfrac, \tfrac, a/b, single-token arguments.
    {"\\frac{1}{2}", "0.5", true},
    {"\\frac{1}{2}", "1/2", true},
    {"\\frac{1}{2}", "\\dfrac{1}{2}", true},
    {"\\frac{1}{2}", "\\tfrac12", true},
    {"\\frac{2}{4}", "\\frac{1}{2}", true},
    {"\\frac{1}{2}", "\\frac{1}{3}", false},
    {"\\frac43", "\\frac{4}{3}", true},
    {"\\frac 59", "5/9", true},
    {"\\frac9{19}", "\\frac{9}{19}", true},
    {"\\frac{14}{3}", "4\\frac{2}{3}", true},
    {"1\\frac{4}{5}", "\\frac{9}{5}", true},
    {"1\\frac{4}{5}", "1.8", true},
    {"137 \\frac{1}{2}", "137.5", true},
    {"-\\frac{35}{9}", "\\frac{-35}{9}", true},
    {"-\\frac{35}{9}", "\\frac{35}{-9}", true},
    {"-\\frac{35}{9}", "\\frac{35}{9}", false},
    {"\\frac{3}{56}", "3/56", true},
    {"\\frac{243}{625}", "0.3888", true},
    {"\\frac{243}{625}", "0.389", false},
    {"\\frac{1}{4}", "\\frac14", true},
    {"\\frac{1997}{2}", "998.5", true},
    {"\\frac{2}{1005}", "\\frac{4}{2010}", true},
    {"\\frac{11+9a}{20}", "\\frac{11}{20}+\\frac{9a}{20}", true},
    {"\\frac{11+9a}{20}", "\\frac{11+9a}{21}", false},
    {"1/2/2", "1/4", true},
    // Percentages: the number of percent or the fraction.
    {"50\\%", "50", true},
    {"50\\%", "0.5", true},
    {"50\\%", "50%", true},
    {"50", "50\\%", true},
    {"50\\%", "5", false},
    {"12.5\\%", "\\frac{1}{8}", true},
    {"40\\%", "0.04", false},
    // Roots.
    {"\\sqrt{4}", "2", true},
    {"\\sqrt{2}", "1.41421356", false},
    {"\\sqrt{2}", "2^{1/2}", true},
    {"3\\sqrt{13}", "\\sqrt{117}", true},
    {"3\\sqrt{13}", "\\sqrt{39}", false},
    {"11\\sqrt2", "11\\sqrt{2}", true},
    {"\\frac{\\sqrt{3}}{3}", "\\frac{1}{\\sqrt{3}}", true},
    {"\\frac{\\sqrt{3}}{3}", "\\frac{\\sqrt{3}}{2}", false},
    {"2\\sqrt{5}", "\\sqrt{20}", true},
    {"\\sqrt[3]{8}", "2", true},
    {"\\sqrt[3]{-27}", "-3", true},
    {"\\sqrt{-4}", "2i", true},
    {"\\sqrt{\\frac{9}{4}}", "1.5", true},
    {"70 \\sqrt{2}", "\\sqrt{9800}", true},
    {"\\frac{3\\sqrt{3}}{4}", "\\frac{3}{4}\\sqrt{3}", true},
    {"1+2\\sqrt{3}", "2\\sqrt{3}+1", true},
    {"11 \\sqrt{5} + 11", "11(\\sqrt{5}+1)", true},
    {"\\sqrt{53}", "\\sqrt{54}", false},
    {"sqrt(2)", "\\sqrt{2}", true},
    {"\u221a2", "\\sqrt{2}", true},
    // π.
    {"\\pi", "\\pi", true},
    {"2\\pi", "\\pi+\\pi", true},
    {"288 \\pi", "288\\pi", true},
    {"\\frac{20000}{\\pi}", "20000/\\pi", true},
    {"18+2\\pi", "2\\pi+18", true},
    {"\\pi", "3.14", false},
    {"\\pi", "3.1415926", false},     // 1.7e-8 relative: beyond the tolerance
    {"\\pi", "3.14159265359", true},  // 7e-14 relative: within it
    {"7\\pi", "7 \\pi", true},
    {"\\frac{\\pi}{2}", "\\frac{1}{2}\\pi", true},
    {"\\left[ \\frac{\\pi^2}{8}, \\frac{5 \\pi^2}{4} \\right]",
     "[\\frac{\\pi^{2}}{8},\\frac{5\\pi^{2}}{4}]", true},
    {"\u03c0/2", "\\frac{\\pi}{2}", true},
    {"-\\frac{\\pi}{6}", "\\frac{-\\pi}{6}", true},
    {"-\\frac{\\pi}{6}", "\\frac{\\pi}{6}", false},
    // Degrees.
    {"90^\\circ", "90", true},
    {"90^{\\circ}", "90", true},
    {"90\u00b0", "90", true},
    {"30^\\circ", "30", true},
    {"30^\\circ", "60", false},
    {"145^\\circ", "145^\\circ", true},
    {"\\frac{270}7\\text{ degrees}", "\\frac{270}{7}", true},
    {"75^\\circ", "75 degrees", true},
    // Text, units, dollars.
    {"\\text{Evelyn}", "Evelyn", true},
    {"\\text{Evelyn}", "evelyn", true},
    {"\\text{Evelyn}", "Navin", false},
    {"\\text{east}", "east", true},
    {"\\text{even}", "\\text{odd}", false},
    {"\\text{ellipse}", "ellipse", true},
    {"5.4 \\text{ cents}", "5.4", true},
    {"864 \\mbox{ inches}^2", "864", true},
    {"15\\mbox{ cm}^2", "15", true},
    {"\\$32,\\!348", "32348", true},
    {"\\$18.90", "18.9", true},
    {"\\$36", "36", true},
    {"18 dollars", "18", true},
    {"18 dollars", "19", false},
    {"\\textbf{(113) }", "113", true},
    {"\\mathbf{127} ", "127", true},
    {"104.", "104", true},
    {"$42$", "42", true},
    {"2 \\text{ or } 3", "2, 3", true},
    // A second value must not hide in text or a list.
    {"5", "5 \\text{ (or 6)}", false},
    {"5", "5 \\text{ or } 6", false},
    {"5", "5 \\text{ apples}", true},
    {"5", "5, 6", false},
    // \left / \right and tuples (ordered).
    {"\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})", true},
    {"\\left( 3, \\frac{\\pi}{2} \\right)", "(\\frac{\\pi}{2}, 3)", false},
    {"(6,31,-1)", "(6, 31, -1)", true},
    {"(6,31,-1)", "(6,31,1)", false},
    {"(6,31,-1)", "(6,31)", false},
    {"(15,-29)", "(15, -29)", true},
    {"\\left( \\frac{3}{2}, -13 \\right)", "(1.5,-13)", true},
    {"(1,-16,-4,43)", "(1,-16,-4,43)", true},
    {"(1,-16,-4,43)", "(1,-16,43,-4)", false},
    {"(8,-2)", "(-2,8)", false},
    {"(2,4)", "(2,4)", true},
    {"(6,31,-1)", "6, 31, -1", true},
    {"\\langle 1, 2 \\rangle", "(1,2)", true},
    // Intervals: brackets matter, unions are unordered.
    {"[1,2)", "(1,2]", false},
    {"[1,2)", "[1,2)", true},
    {"[1,2]", "(1,2)", false},
    {"(3,4]", "(3,4]", true},
    {"(3,4]", "(3,4)", false},
    {"(2,\\infty)", "(2, \\infty)", true},
    {"(2,\\infty)", "(2,+\\infty)", true},
    {"(2,\\infty)", "(2,-\\infty)", false},
    {"(-\\infty, 0]", "(-\\infty,0]", true},
    {"(-\\infty, 0]", "(-\\infty,0)", false},
    {"(-\\infty, 2) \\cup (3, \\infty)", "(3,\\infty)\\cup(-\\infty,2)", true},
    {"(-\\infty, 2) \\cup (3, \\infty)", "(-\\infty,2]\\cup(3,\\infty)", false},
    {"(0,9) \\cup (9,36)", "(0,36)", false},
    {"x \\in [-2,7]", "[-2,7]", true},
    {"\\left(\\frac{3}{5},\\frac{8}{3}\\right]", "(0.6, \\frac83]", true},
    {"(-\\sqrt{3}, \\sqrt{3})", "(-\\sqrt3,\\sqrt3)", true},
    {"(5,\\infty)", "(5,\u221e)", true},
    // Sets (unordered).
    {"\\{1,2\\}", "\\{2,1\\}", true},
    {"\\{1,2\\}", "\\{1,3\\}", false},
    {"\\{1,2\\}", "\\{1,2,3\\}", false},
    {"\\{1,2\\}", "\\{1,1,2\\}", true},  // the same set
    {"1,2", "1,1,2", false},             // solution lists count multiplicity
    {"\\{1,2\\}", "1, 2", true},
    {"\\{1\\pm\\sqrt{5},-2\\}", "\\{-2, 1+\\sqrt5, 1-\\sqrt5\\}", true},
    {"\\{1\\pm\\sqrt{5},-2\\}", "\\{-2, 1+\\sqrt5\\}", false},
    {"\\emptyset", "\\varnothing", true},
    {"\\emptyset", "\\{0\\}", false},
    {"\\left\\{ 3, 4 \\right\\}", "\\{4,3\\}", true},
    // Bare lists and ± (unordered).
    {"1,-2", "-2,1", true},
    {"1,-2", "1,2", false},
    {"3, 5, 7", "7,5,3", true},
    {"3, 5, 7", "3,5", false},
    {"1 \\pm \\sqrt{19}", "1+\\sqrt{19}, 1-\\sqrt{19}", true},
    {"1 \\pm \\sqrt{19}", "1+\\sqrt{19}", false},
    {"3 \\pm 2 \\sqrt{2}", "3-2\\sqrt2, 3+2\\sqrt2", true},
    {"-2,1", "-2, 1", true},
    // Multiple-choice letters.
    {"\\text{(C)}", "C", true},
    {"\\text{(C)}", "(C)", true},
    {"\\text{(C)}", "\\textbf{(C)}", true},
    {"\\text{(C)}", "D", false},
    {"\\text{(E)}", "E", true},
    {"(B)", "\\text{(B)}", true},
    {"B", "b", false},
    // Algebraic expressions.
    {"p - q", "-q + p", true},
    {"p - q", "q - p", false},
    {"x^5 - x^4 + x^3 - x^2 + x - 1", "(x-1)(x^4+x^2+1)", true},
    {"x^5 - x^4 + x^3 - x^2 + x - 1", "x^5 - x^4 + x^3 - x^2 + x + 1", false},
    {"x^3+3x-6", "3x+x^3-6", true},
    {"2k+2", "2(k+1)", true},
    {"2k+2", "2k+1", false},
    {"(a+5)(b+2)", "ab+2a+5b+10", true},
    {"(a+5)(b+2)", "(a+2)(b+5)", false},
    {"-13x+3", "3-13x", true},
    {"15x - 80", "5(3x-16)", true},
    {"6r^2-4r-24", "2(3r^2-2r-12)", true},
    {"5r^5", "5r^{5}", true},
    {"5r^5", "5r^4", false},
    {"3R^2", "3R^2", true},
    {"3R^2", "3r^2", false},
    {"8n^2 + 4n + 1", "1+4n+8n^2", true},
    {"x^8 + x^7 + x^6 + x^5 + x^4 + x^3 + x^2 + x + 1", "\\frac{x^9-1}{x-1}", true},
    {"\\cot x", "\\frac{\\cos x}{\\sin x}", true},
    {"\\cot x", "\\tan x", false},
    {"\\sin^2 x + \\cos^2 x", "1", true},
    {"\\ln 8", "3\\ln 2", true},
    {"\\log_2 8", "3", true},
    {"e^{2x}", "(e^x)^2", true},
    {"x^{10}", "x^10", true},
    {"\\frac{x}{2}", "0.5x", true},
    {"\\frac{x+1}{x-1}", "\\frac{x-1}{x+1}", false},
    {"|x-1|", "|1-x|", true},
    {"5!", "120", true},
    {"\\binom{5}{2}", "10", true},
    {"\\dbinom{10}{3}", "120", true},
    {"2^{10}", "1024", true},
    {"2^{-2}", "0.25", true},
    {"\\alpha + \\beta", "\\beta + \\alpha", true},
    {"x_1 + x_2", "x_2 + x_1", true},
    {"x_1 + x_2", "x_1 + x_3", false},
    // Equations.
    {"x=5", "5", true},
    {"x = 5", "x=5", true},
    {"x=5", "6", false},
    {"y = 2x + 3", "y=3+2x", true},
    {"y = 2x + 3", "2x+3", true},
    {"y = -2x", "y=-2x", true},
    {"y = -2x", "y=2x", false},
    {"5x - 7y + 11z + 4 = 0", "-10x+14y-22z-8=0", true},
    {"5x - 7y + 11z + 4 = 0", "5x-7y+11z=4", false},
    {"5x - 7y + 11z + 4 = 0", "5x - 7y + 11z = -4", true},
    {"x=5", "y=5", false},
    // Complex numbers.
    {"6 - 5i", "6-5i", true},
    {"6 - 5i", "-5i+6", true},
    {"6 - 5i", "6+5i", false},
    {"1+2i", "i\\cdot 2 + 1", true},
    {"1 - 12i", "1-12i", true},
    {"1+274i", "1+274 i", true},
    {"i^2", "-1", true},
    {"\\frac{1}{i}", "-i", true},
    // Matrices and vectors.
    {"\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}",
     "\\begin{pmatrix}-1&0\\\\0&-1\\end{pmatrix}", true},
    {"\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}",
     "\\begin{pmatrix}-1&0\\\\0&1\\end{pmatrix}", false},
    {"\\begin{pmatrix} -1/3 \\\\ 2/3 \\\\ 5/3 \\end{pmatrix}",
     "\\begin{pmatrix} -\\frac13 \\\\ \\frac23 \\\\ \\frac53 \\end{pmatrix}", true},
    {"\\begin{pmatrix} -1/3 \\\\ 2/3 \\\\ 5/3 \\end{pmatrix}", "(-1/3, 2/3, 5/3)", true},
    {"\\begin{pmatrix} -1/3 \\\\ 2/3 \\\\ 5/3 \\end{pmatrix}", "(2/3, -1/3, 5/3)", false},
    {"\\begin{pmatrix} 1 & 2 \\end{pmatrix}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", false},
    {"\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", true},
    // Numerals in other bases are names, not values.
    {"52_8", "52_8", true},
    {"52_8", "42", false},
    {"4210_{5}", "4210_5", true},
    {"2516_8", "2516_9", false},
    // Unicode operators.
    {"\u22123", "-3", true},
    {"2\u00d73", "6", true},
    {"6\u00f73", "2", true},
    // Near misses of every kind.
    {"\\frac{1}{2}", "\\frac{2}{1}", false},
    {"\\frac{3}{2}", "\\frac{2}{3}", false},
    {"1.5", "1.05", false},
    {"2", "\\sqrt{2}", false},
    {"\\sqrt{2}", "\\sqrt{3}", false},
    {"2\\pi", "\\pi", false},
    {"x+1", "x-1", false},
    {"x^2", "2x", false},
    {"\\frac{1}{x}", "x", false},
    {"\\sin x", "\\cos x", false},
    {"3!", "3", false},
    {"\\binom{5}{2}", "\\binom{5}{3}", true},
    {"(1,2)", "[1,2]", false},
    {"(1,2)", "\\{1,2\\}", false},
    {"[1,2]", "1, 2", false},
    {"(-\\infty, 0]", "[0, \\infty)", false},
    {"\\infty", "-\\infty", false},
    {"\\infty", "10^{100}", false},
    {"0", "\\emptyset", false},
    {"1+i", "1-i", false},
    {"i", "-i", false},
    {"10\\%", "10.5", false},
    {"x=1", "x=-1", false},
    {"y=2x+3", "y=2x-3", false},
    {"\\text{(A)}", "\\text{(B)}", false},
    {"52_8", "52", false},
    // Hostile or empty candidates are simply not equivalent.
    {"5", "", false},
    {"5", "\\frac{", false},
    {"5", "((((((((5", false},
    {"5", "}}}}", false},
    {"5", "5/0", false},
    {"0", "1/0", false},
    {"2", "2^{2^{2^{2^{2^{2}}}}}", false},
};

std::string describe(const Pair& pair) {
  return std::string(pair.reference) + "  vs  " + std::string(pair.candidate);
}

TEST(MathEquivalenceTable, HasAtLeastTwoHundredPairs) {
  EXPECT_GE(std::size(kPairs), 200u);
}

TEST(MathEquivalenceTable, EveryPairAsExpected) {
  int failures = 0;
  for (const Pair& pair : kPairs) {
    const bool forward = r1::math::answers_equivalent(pair.reference, pair.candidate);
    const bool backward = r1::math::answers_equivalent(pair.candidate, pair.reference);
    EXPECT_EQ(forward, pair.equivalent) << describe(pair);
    EXPECT_EQ(backward, pair.equivalent) << "swapped: " << describe(pair);
    failures += (forward != pair.equivalent) + (backward != pair.equivalent);
  }
  EXPECT_EQ(failures, 0);
}

TEST(MathEquivalenceTable, EveryAnswerEqualsItself) {
  for (const Pair& pair : kPairs) {
    if (pair.reference.empty()) continue;
    EXPECT_TRUE(r1::math::answers_equivalent(pair.reference, pair.reference)) << pair.reference;
  }
}

}  // namespace
