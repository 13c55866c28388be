// Baseline for bench/bench_tokenizer_encode: Hugging Face's JavaScript
// tokenizer (@huggingface/tokenizers) encoding the same corpus, 1 thread.
// Usage: node tools/tokenizer_bench_hf.mjs NPM_DIR MODEL_DIR CORPUS_JSONL REPEATS
// Prints one line: "cold_mb_s warm_median_mb_s token_count".
import { readFileSync } from "node:fs";
import path from "node:path";

const [npmDir, modelDir, corpusFile, repeatsArg] = process.argv.slice(2);
const { Tokenizer } = await import(path.join(npmDir, "node_modules", "@huggingface", "tokenizers", "dist", "tokenizers.mjs"));
const tokenizer = new Tokenizer(JSON.parse(readFileSync(path.join(modelDir, "tokenizer.json"), "utf8")),
                                JSON.parse(readFileSync(path.join(modelDir, "tokenizer_config.json"), "utf8")));
const texts = readFileSync(corpusFile, "utf8").split("\n").filter((l) => l).map((l) => JSON.parse(l));
const megabytes = texts.reduce((n, t) => n + Buffer.byteLength(t, "utf8"), 0) / 1e6;

function pass() {
  const start = process.hrtime.bigint();
  let count = 0;
  for (const text of texts) count += tokenizer.encode(text, { add_special_tokens: false }).ids.length;
  return [Number(process.hrtime.bigint() - start) / 1e9, count];
}
const [coldSeconds, count] = pass();
const times = [];
for (let i = 0; i < Number(repeatsArg); ++i) times.push(pass()[0]);
times.sort((a, b) => a - b);
console.log(`${megabytes / coldSeconds} ${megabytes / times[Math.floor(times.length / 2)]} ${count}`);
