"""PyTorch baseline for the GRPO step benchmark (bench/bench_grpo.cpp).

    /usr/bin/python3 tools/bench_grpo_torch.py [--threads 2] [--steps 3] [--max-seconds 90] [--quick]

The same step as the C++ benchmark, on the reference model (tools/bench_common.py),
fp32, in three timed phases:
  generate  8 prompts × 8 samples, random 32-token prompts, 128 new tokens each
            at temperature 1 with a preallocated KV cache: the 8 prompts are
            prefilled in one batch and each prompt's cache copied to its 8
            samples; the sampled tokens' log-probs (π_old) are kept
  reward    the tokens decoded with the benchmark's token table, scored by the
            same rules in plain Python (math 1, format 0.1, language 0.1),
            group-normalised advantages
  train     the GRPO loss written from R1_NOTES.md (per-sequence 1/|o| mean,
            clip ε = 0.2, β = 0, μ = 1) over two micro-batches of 32 sequences
            by autograd, global-norm clipping at 1, one AdamW step (betas 0.9,
            0.99; no weight decay; foreach)
Each runtime setting (OMP_WAIT_POLICY, ATEN_CPU_CAPABILITY, OPENBLAS_CORETYPE)
runs in its own subprocess: a small warm-up step, then --steps timed steps (fewer past
--max-seconds, at least one). Prints one JSON line on stdout, {"best": the
per-phase median seconds of the setting with the fastest step, "settings":
[...]}; per-setting lines go to stderr.
"""

import json
import os
import re
import sys
import time

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS_DIR)
import bench_common  # noqa: E402
import torch  # noqa: E402
import torch_ref  # noqa: E402

PROMPTS, GROUP, PROMPT_LEN, NEW_TOKENS, MICRO_BATCH = 8, 8, 32, 128, 32
TEMPERATURE, LR, EPSILON, EPSILON_HIGH, MAX_GRAD_NORM, ADV_EPS = 1.0, 3e-4, 0.2, 0.2, 1.0, 1e-4
ANSWER = "7"
REWARD_WEIGHTS = {"math": 1.0, "format": 0.1, "language": 0.1}
# Token → text, as in bench/bench_grpo.cpp: past the table, token t is the
# letter 'a' + (t mod (len + 26)) − len.
PIECES = ["<think>", "</think>", "<answer>", "</answer>", "\\boxed{", "}", " ", " ", " ", "\n", "7", "12", "so", "wait"]
PIECES += ["是", "的"]

TAG = re.compile(r"<[^<>]*>")
LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
R1_ZERO_LAYOUT = re.compile(r"\s*<think>(.*)</think>\s*<answer>(.*)</answer>\s*", re.S)


def decode(tokens):
    n = len(PIECES) + 26
    return "".join(PIECES[k] if k < len(PIECES) else chr(ord("a") + k - len(PIECES)) for k in (t % n for t in tokens))


def last_boxed(text):
    """The content of the last \\boxed{…} with balanced braces, or None."""
    start = text.rfind("\\boxed{")
    while start >= 0:
        depth, i = 1, start + len("\\boxed{")
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        if depth == 0:
            return text[start + len("\\boxed{") : i - 1]
        start = text.rfind("\\boxed{", 0, start)
    return None


def math_reward(text):
    """1 when the last \\boxed{} after the last </think> (if any) holds the answer."""
    answer = last_boxed(text[text.rfind("</think>") + 1 :])
    return 1.0 if answer is not None and answer.strip() == ANSWER else 0.0


def format_reward(text):
    if any(text.count(tag) != 1 for tag in ("<think>", "</think>", "<answer>", "</answer>")):
        return 0.0
    m = R1_ZERO_LAYOUT.fullmatch(text)
    return 1.0 if m and m.group(1).strip() and m.group(2).strip() else 0.0


def language_reward(text):
    """Share of English words in the chain of thought (the target language is English)."""
    # The text after the first <think> (or from the start) up to the next </think>.
    open_ = text.find("<think>")
    start = 0 if open_ < 0 else open_ + len("<think>")
    close = text.find("</think>", start)
    cot = text[start:] if close < 0 else text[start:close]
    cot = LATEX_COMMAND.sub(" ", TAG.sub(" ", cot))
    english, chinese = len(ENGLISH_WORD.findall(cot)), len(CJK.findall(cot))
    return english / (english + chinese) if english + chinese else 0.0


def reward(text):
    return (
        REWARD_WEIGHTS["math"] * math_reward(text)
        + REWARD_WEIGHTS["format"] * format_reward(text)
        + REWARD_WEIGHTS["language"] * language_reward(text)
    )


def group_advantages(rewards, group):
    """(r − group mean) / (unbiased group std + eps); 0 for a group of equal rewards."""
    r = rewards.view(-1, group)
    std = r.std(dim=1, keepdim=True)
    adv = (r - r.mean(dim=1, keepdim=True)) / (std + ADV_EPS)
    return torch.where(std == 0, torch.zeros_like(adv), adv).view(-1)


def generate(cfg, params, prompts, group, new_tokens, gen):
    """Samples new_tokens for each prompt `group` times: (tokens, log-probs), each (B·G, new_tokens)."""
    batch, prompt_len = prompts.shape
    n = batch * group
    cache = torch_ref.KVCache(cfg, n, prompt_len + new_tokens)
    logits = torch_ref.forward(cfg, params, prompts, cache, 0)[:, -1]
    for layer in range(cfg.num_hidden_layers):
        for store in (cache.keys, cache.values):
            store[layer][:, :, :prompt_len] = store[layer][:batch, :, :prompt_len].repeat_interleave(group, dim=0)
    logits = logits.repeat_interleave(group, dim=0)
    tokens = torch.empty(n, new_tokens, dtype=torch.long)
    logprobs = torch.empty(n, new_tokens)
    for i in range(new_tokens):
        log_probs = torch.log_softmax(logits / TEMPERATURE, dim=-1)
        token = torch.multinomial(log_probs.exp(), 1, generator=gen)
        tokens[:, i] = token[:, 0]
        logprobs[:, i] = log_probs.gather(-1, token)[:, 0]
        if i + 1 < new_tokens:
            logits = torch_ref.forward(cfg, params, token, cache, prompt_len + i)[:, -1]
    return tokens, logprobs


def grpo_loss(logprobs, old_logprobs, advantages, lengths, num_sequences):
    """−J of DeepSeekMath eq. 3 with β = 0: −1/G Σ_i 1/|o_i| Σ_t min(ρ·Â, clip(ρ, 1−ε, 1+ε_high)·Â)."""
    ratio = torch.exp(logprobs - old_logprobs)
    a = advantages[:, None]
    surrogate = torch.minimum(ratio * a, torch.clamp(ratio, 1 - EPSILON, 1 + EPSILON_HIGH) * a)
    return -(surrogate.sum(dim=1) / lengths).sum() / num_sequences


def grpo_step(cfg, params, optimizer, gen, prompts, group, new_tokens):
    """One GRPO step; returns the seconds of its three phases."""
    start = time.perf_counter()
    with torch.no_grad():
        completions, old = generate(cfg, params, prompts, group, new_tokens, gen)
    generated = time.perf_counter()
    rewards = torch.tensor([reward(decode(c)) for c in completions.tolist()])
    advantages = group_advantages(rewards, group)
    rewarded = time.perf_counter()
    seqs = torch.cat([prompts.repeat_interleave(group, dim=0), completions], dim=1)
    n, prompt_len = seqs.shape[0], prompts.shape[1]
    lengths = torch.full((n,), float(new_tokens))
    for begin in range(0, n, MICRO_BATCH):
        rows = slice(begin, min(n, begin + MICRO_BATCH))
        logits = torch_ref.forward(cfg, params, seqs[rows, :-1])[:, prompt_len - 1 :]
        log_probs = torch.log_softmax(logits / TEMPERATURE, dim=-1)
        logprobs = log_probs.gather(-1, seqs[rows, prompt_len:, None])[..., 0]
        grpo_loss(logprobs, old[rows], advantages[rows], lengths[rows], n).backward()
    torch.nn.utils.clip_grad_norm_(list(params.values()), MAX_GRAD_NORM)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    trained = time.perf_counter()
    return {"generate_s": generated - start, "reward_s": rewarded - generated, "train_s": trained - rewarded}


def run_worker(args):
    torch.set_num_threads(args.threads)
    cfg = torch_ref.DecoderConfig.from_hf(bench_common.REFERENCE_MODEL)
    params = {n: p.requires_grad_(True) for n, p in torch_ref.random_params(cfg, seed=7).items()}
    optimizer = torch.optim.AdamW(
        params.values(), lr=LR, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.0, foreach=True
    )
    gen = torch.Generator().manual_seed(13)

    def prompts(count):
        return torch.randint(0, cfg.vocab_size, (count, PROMPT_LEN), generator=gen)

    grpo_step(cfg, params, optimizer, gen, prompts(2), 2, 8)  # warm-up
    steps = []
    while not steps or (len(steps) < args.steps and sum(sum(s.values()) for s in steps) < args.max_seconds):
        steps.append(grpo_step(cfg, params, optimizer, gen, prompts(PROMPTS), GROUP, NEW_TOKENS))
    result = {key: round(bench_common.median([s[key] for s in steps]), 4) for key in steps[0]}
    result["step_s"] = round(bench_common.median([sum(s.values()) for s in steps]), 4)
    result["tokens_per_s"] = round(PROMPTS * GROUP * NEW_TOKENS / result["step_s"], 1)
    result["steps"] = len(steps)
    print(json.dumps(result))


def main():
    count, budget = ("--steps", 3, "timed steps per setting"), (90, "timed-step budget per setting")
    settings = bench_common.run_common_baseline(__doc__, __file__, run_worker, count, budget)
    if settings:
        print(json.dumps({"best": min(settings, key=lambda s: s["step_s"]), "settings": settings}))


if __name__ == "__main__":
    main()
