"""Writes the GRPO loss parity fixture under tests/fixtures/grpo/.

Regenerate (from the repository root):

    /usr/bin/python3 tools/make_grpo_fixture.py

A small random qwen2-style policy (config.json, model.safetensors) and, for a
fixed rollout batch of 2 groups × 2 right-padded sequences, expected.safetensors:
the inputs of the loss (token ids, targets, completion spans, rewards, group
advantages, sampling-time and reference log-probs) and, for each aggregation
mode (grpo, dapo, dr_grpo), the loss and the gradient of every parameter.

The loss is written here straight from the formulas (DeepSeekMath eq. 3 with
the k3 KL, R1_NOTES.md) and differentiated by float64 autograd; it shares no
code with the C++ objective. The sampling-time log-probs are the policy's own
shifted so that the ratios ρ = π/π_old spread over [0.6, 1.6] (as after a few
updates with μ > 1), so clipping removes gradients on both sides, and β > 0.
"""

import argparse
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import torch_ref  # noqa: E402

OUT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "fixtures", "grpo")

SEED = 2001
HF = {
    "model_type": "qwen2",
    "architectures": ["Qwen2ForCausalLM"],
    "vocab_size": 61,
    "hidden_size": 32,
    "intermediate_size": 48,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "rms_norm_eps": 1e-6,
    "rope_theta": 1000000.0,
    "max_position_embeddings": 32,
    "tie_word_embeddings": False,
    "hidden_act": "silu",
    "torch_dtype": "float32",
}
# Rollouts: prompt and completion lengths differ so that spans start at
# different positions and rows are right-padded to different extents.
PROMPT_LENGTHS = [3, 5, 4, 2]
COMPLETION_LENGTHS = [5, 3, 6, 4]
REWARDS = [1.0, 0.0, 0.25, 1.0]
GROUP_SIZE = 2
TEMPERATURE = 0.8
LOSS = {"epsilon": 0.2, "epsilon_high": 0.28, "beta": 0.04, "entropy_coef": 0.01, "max_completion_length": 8}
MODES = ("grpo", "dapo", "dr_grpo")
# Ratios closer than this to a clip boundary are moved away from it: the C++
# fp32 log-probs differ from these by ~1e-5, which must not flip a clip decision.
BOUNDARY_MARGIN = 0.02


def group_advantages(rewards, group_size, eps=1e-4):
    """(r − group mean) / (unbiased group std + eps); 0 for a group of equal rewards."""
    advantages = []
    for g in range(0, len(rewards), group_size):
        group = rewards[g : g + group_size]
        mean = sum(group) / group_size
        std = math.sqrt(sum((r - mean) ** 2 for r in group) / (group_size - 1))
        advantages += [0.0 if std == 0 else (r - mean) / (std + eps) for r in group]
    return advantages


def make_batch(gen, vocab):
    """ids/targets (B,T) as the trainer packs them: row b holds prompt+completion
    shifted by one (ids[t] predicts targets[t] = seq[t+1]), zero-padded; the
    completion's log-probs sit at positions [P−1, P−1+|o|)."""
    seqs = [
        torch.randint(0, vocab, (p + c,), generator=gen).tolist() for p, c in zip(PROMPT_LENGTHS, COMPLETION_LENGTHS)
    ]
    T = max(len(s) for s in seqs) - 1
    ids = torch.zeros(len(seqs), T, dtype=torch.int64)
    targets = torch.zeros(len(seqs), T, dtype=torch.int64)
    for b, s in enumerate(seqs):
        ids[b, : len(s) - 1] = torch.tensor(s[:-1])
        targets[b, : len(s) - 1] = torch.tensor(s[1:])
    begins = torch.tensor([p - 1 for p in PROMPT_LENGTHS], dtype=torch.int64)
    lengths = torch.tensor(COMPLETION_LENGTHS, dtype=torch.int64)
    return ids, targets, begins, lengths


def token_stats(cfg, params, ids, targets):
    """Log-prob of each target and entropy of softmax(logits / temperature), (B,T)."""
    log_probs = torch.log_softmax(torch_ref.forward(cfg, params, ids) / TEMPERATURE, dim=-1)
    logprobs = log_probs.gather(-1, targets[..., None])[..., 0]
    entropy = -(log_probs.exp() * log_probs).sum(-1)
    return logprobs, entropy


def grpo_loss(mode, logprobs, entropy, old, ref, advantages, begins, lengths):
    """−J: per token min(ρA, clip(ρ, 1−ε, 1+ε_high)A) − β·k3 + c·H, aggregated per mode."""
    lo, hi = 1 - LOSS["epsilon"], 1 + LOSS["epsilon_high"]
    B = logprobs.shape[0]
    total_tokens = int(lengths.sum())
    objective = logprobs.new_zeros(())
    for b in range(B):
        span = slice(int(begins[b]), int(begins[b] + lengths[b]))
        logp, A = logprobs[b, span], advantages[b]
        ratio = torch.exp(logp - old[b, span])
        surrogate = torch.minimum(ratio * A, torch.clamp(ratio, lo, hi) * A)
        ref_over_pi = torch.exp(ref[b, span] - logp)
        kl = ref_over_pi - torch.log(ref_over_pi) - 1
        per_token = surrogate - LOSS["beta"] * kl + LOSS["entropy_coef"] * entropy[b, span]
        if mode == "grpo":
            objective = objective + per_token.sum() / int(lengths[b]) / B
        elif mode == "dapo":
            objective = objective + per_token.sum() / total_tokens
        else:
            objective = objective + per_token.sum() / (B * LOSS["max_completion_length"])
    return -objective


def sampling_logprobs(logprobs, begins, lengths, gen):
    """old = logp − log ρ with ρ uniform in [0.6, 1.6], kept off the clip boundaries."""
    lo, hi = 1 - LOSS["epsilon"], 1 + LOSS["epsilon_high"]
    ratio = 0.6 + torch.rand(logprobs.shape, generator=gen, dtype=torch.float64)
    for boundary in (lo, hi):
        near = (ratio - boundary).abs() < BOUNDARY_MARGIN
        ratio[near] = boundary + torch.sign(ratio[near] - boundary + 1e-12) * BOUNDARY_MARGIN
    old = (logprobs - torch.log(ratio)).float()
    for b in range(logprobs.shape[0]):
        old[b, int(begins[b] + lengths[b]) :] = 0.0  # padding is never read
    return old


def check_clipping(logprobs, old, advantages, begins, lengths):
    """Both clip sides must remove gradients somewhere, or the fixture tests nothing."""
    lo, hi = 1 - LOSS["epsilon"], 1 + LOSS["epsilon_high"]
    cut_high = cut_low = kept = 0
    for b in range(logprobs.shape[0]):
        span = slice(int(begins[b]), int(begins[b] + lengths[b]))
        ratio = torch.exp(logprobs[b, span] - old[b, span].double())
        A = advantages[b]
        cut_high += int(((ratio > hi) & (A >= 0)).sum())
        cut_low += int(((ratio < lo) & (A < 0)).sum())
        kept += int(((ratio >= lo) & (ratio <= hi)).sum())
        margin = min((ratio - lo).abs().min().item(), (ratio - hi).abs().min().item())
        if margin < 0.5 * BOUNDARY_MARGIN:
            raise AssertionError(f"row {b}: a ratio lies within {margin} of a clip boundary")
    if cut_high == 0 or cut_low == 0 or kept == 0:
        raise AssertionError(f"clipping not exercised: cut above {cut_high}, below {cut_low}, inside {kept}")
    return cut_high, cut_low, kept


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=OUT_DIR, help="output directory (default: %(default)s)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    cfg = torch_ref.DecoderConfig.from_hf(HF, "grpo/config.json")
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(HF, f, indent=2)
        f.write("\n")
    model_path = os.path.join(args.out, "model.safetensors")
    safetensors_io.save(model_path, torch_ref.random_params(cfg, SEED), {"format": "pt"})
    stored, _ = safetensors_io.load(model_path)
    torch_ref.check_params(cfg, stored, model_path)

    gen = torch.Generator().manual_seed(SEED)
    ids, targets, begins, lengths = make_batch(gen, cfg.vocab_size)
    # Rounded to fp32 as the C++ side reads them; the reference uses the rounded values.
    advantages = torch.tensor(group_advantages(REWARDS, GROUP_SIZE), dtype=torch.float32)
    with torch.no_grad():
        logprobs, _ = token_stats(cfg, {n: t.double() for n, t in stored.items()}, ids, targets)
    old = sampling_logprobs(logprobs, begins, lengths, gen)
    ref = (logprobs + 0.3 * torch.randn(logprobs.shape, generator=gen, dtype=torch.float64)).float()
    cut_high, cut_low, kept = check_clipping(logprobs, old, advantages.tolist(), begins, lengths)

    expected = {
        "input_ids": ids,
        "targets": targets,
        "span_begin": begins,
        "span_length": lengths,
        "rewards": torch.tensor(REWARDS, dtype=torch.float32),
        "advantages": advantages,
        "old_logprobs": old,
        "ref_logprobs": ref,
    }
    for mode in MODES:
        params = {n: t.double().requires_grad_(True) for n, t in stored.items()}
        lp, ent = token_stats(cfg, params, ids, targets)
        loss = grpo_loss(mode, lp, ent, old.double(), ref.double(), advantages.double().tolist(), begins, lengths)
        loss.backward()
        expected[f"loss.{mode}"] = loss.detach().reshape(1).float()
        for n, p in params.items():
            expected[f"grad.{mode}.{n}"] = p.grad.float()
        print(f"{mode}: loss {loss.item():.6f}")
    metadata = {k: repr(v) for k, v in LOSS.items()}
    metadata.update(
        {
            "B": str(ids.shape[0]),
            "T": str(ids.shape[1]),
            "group_size": str(GROUP_SIZE),
            "temperature": repr(TEMPERATURE),
        }
    )
    safetensors_io.save(os.path.join(args.out, "expected.safetensors"), expected, metadata)
    size_kb = sum(os.path.getsize(os.path.join(args.out, f)) for f in os.listdir(args.out)) / 1024
    print(f"tokens clipped above {cut_high}, below {cut_low}, inside the range {kept}; {size_kb:.0f} KiB")


if __name__ == "__main__":
    main()
