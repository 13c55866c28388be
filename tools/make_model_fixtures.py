"""Writes the whole-model parity fixtures under tests/fixtures/model/.

Regenerate (from the repository root):

    /usr/bin/python3 tools/make_model_fixtures.py

For each variant it writes <variant>/config.json (Hugging Face keys),
<variant>/model.safetensors (random F32 weights from a fixed seed) and
<variant>/expected.safetensors: a fixed batch, its logits, per-token log-probs
and entropies, the loss, every parameter gradient, the global gradient norm and
the weights after gradient clipping and one AdamW step. Everything is computed
in float64 from the stored fp32 weights and inputs, then stored as fp32, so the
C++ fp32 results are compared against a reference far more precise than they
are. Before writing, the script checks its own reference: autograd against
central finite differences, the AdamW step against a hand-written one, and the
KV-cache forward against the full forward.
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

OUT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "fixtures", "model")

ADAMW = {"lr": 1e-2, "beta1": 0.9, "beta2": 0.95, "eps": 1e-8, "weight_decay": 0.1}
# torch.nn.utils.clip_grad_norm_ divides by (norm + 1e-6); the C++ side must too.
CLIP_EPS = 1e-6

VARIANTS = {
    "llama_gqa_tied": dict(
        seed=1001,
        batch=3,
        seq_len=11,
        hf={
            "model_type": "llama",
            "architectures": ["LlamaForCausalLM"],
            "vocab_size": 97,
            "hidden_size": 48,
            "intermediate_size": 80,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "rms_norm_eps": 1e-5,
            "rope_theta": 10000.0,
            "max_position_embeddings": 64,
            "tie_word_embeddings": True,
            "attention_bias": False,
        },
    ),
    "llama_mha_bias_untied": dict(
        seed=1002,
        batch=2,
        seq_len=7,
        hf={
            "model_type": "llama",
            "architectures": ["LlamaForCausalLM"],
            "vocab_size": 61,
            "hidden_size": 32,
            "intermediate_size": 56,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 4,
            "rms_norm_eps": 1e-5,
            "rope_theta": 500000.0,
            "max_position_embeddings": 64,
            "tie_word_embeddings": False,
            "attention_bias": True,
        },
    ),
    "qwen2_bias_untied": dict(
        seed=1003,
        batch=2,
        seq_len=13,
        hf={
            "model_type": "qwen2",
            "architectures": ["Qwen2ForCausalLM"],
            "vocab_size": 83,
            "hidden_size": 48,
            "intermediate_size": 72,
            "num_hidden_layers": 2,
            "num_attention_heads": 6,
            "num_key_value_heads": 2,
            "rms_norm_eps": 1e-6,
            "rope_theta": 1000000.0,
            "max_position_embeddings": 64,
            "tie_word_embeddings": False,
        },
    ),
    "qwen3_qknorm": dict(
        seed=1004,
        batch=2,
        seq_len=9,
        hf={
            "model_type": "qwen3",
            "architectures": ["Qwen3ForCausalLM"],
            "vocab_size": 71,
            "hidden_size": 40,
            "intermediate_size": 64,
            "num_hidden_layers": 3,
            "num_attention_heads": 4,
            "num_key_value_heads": 1,
            "head_dim": 16,
            "rms_norm_eps": 1e-6,
            "rope_theta": 1000000.0,
            "max_position_embeddings": 64,
            "tie_word_embeddings": False,
            "attention_bias": False,
        },
    ),
}


def full_hf_config(hf):
    return {**hf, "hidden_act": "silu", "torch_dtype": "float32"}


def make_batch(cfg, batch, seq_len, gen):
    """Token ids, targets and per-token weights; the weights are rounded to fp32
    first because the C++ side reads them from the fp32 file."""
    input_ids = torch.randint(0, cfg.vocab_size, (batch, seq_len), generator=gen)
    targets = torch.randint(0, cfg.vocab_size, (batch, seq_len), generator=gen)
    # Like RL advantages: signed, and exactly zero on masked tokens.
    loss_weights = torch.randn(batch, seq_len, generator=gen)
    loss_weights[torch.rand(batch, seq_len, generator=gen) < 0.25] = 0.0
    entropy_weights = 0.05 * torch.randn(batch, seq_len, generator=gen)
    return input_ids, targets, loss_weights.float(), entropy_weights.float()


def token_stats(cfg, params, input_ids, targets):
    """logits (B,T,V), log-prob of each target (B,T) and softmax entropy (B,T)."""
    logits = torch_ref.forward(cfg, params, input_ids)
    log_probs = torch.log_softmax(logits, dim=-1)
    logprobs = log_probs.gather(-1, targets[..., None])[..., 0]
    entropy = -(log_probs.exp() * log_probs).sum(-1)
    return logits, logprobs, entropy


def weighted_loss(logprobs, entropy, loss_weights, entropy_weights):
    # Σ_{b,t} ( −w·log π(target) − e·H ): a policy-gradient term weighted per token
    # (SFT masks, RL advantages) plus an entropy bonus.
    return (-loss_weights * logprobs - entropy_weights * entropy).sum()


def adamw_reference(params, grads, decay_names):
    """One AdamW step from zero moments (step 1), written out by hand.

    torch.optim.AdamW: p ← p·(1 − lr·wd); m = (1−β1)·g; v = (1−β2)·g²;
    p ← p − lr/(1−β1) · m / (sqrt(v)/sqrt(1−β2) + eps).
    """
    lr, b1, b2, eps, wd = (ADAMW[k] for k in ("lr", "beta1", "beta2", "eps", "weight_decay"))
    updated = {}
    for name, p in params.items():
        g = grads[name]
        m = (1 - b1) * g
        v = (1 - b2) * g * g
        decayed = p * (1 - lr * wd) if name in decay_names else p
        denom = v.sqrt() / math.sqrt(1 - b2) + eps
        updated[name] = decayed - lr / (1 - b1) * m / denom
    return updated


def clip_and_step_torch(params, grads, decay_names, max_grad_norm):
    """The same update via torch.nn.utils.clip_grad_norm_ and torch.optim.AdamW."""
    leaves = {name: p.detach().clone().requires_grad_(True) for name, p in params.items()}
    for name, leaf in leaves.items():
        leaf.grad = grads[name].clone()
    torch.nn.utils.clip_grad_norm_(list(leaves.values()), max_grad_norm)
    groups = [
        {"params": [leaves[n] for n in leaves if n in decay_names], "weight_decay": ADAMW["weight_decay"]},
        {"params": [leaves[n] for n in leaves if n not in decay_names], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(
        groups, lr=ADAMW["lr"], betas=(ADAMW["beta1"], ADAMW["beta2"]), eps=ADAMW["eps"], foreach=False
    )
    opt.step()
    return {name: leaf.detach() for name, leaf in leaves.items()}


def param_kind(name):
    # "model.layers.3.mlp.up_proj.weight" -> "layers.mlp.up_proj.weight"
    parts = name.split(".")
    if parts[:2] == ["model", "layers"]:
        return "layers." + ".".join(parts[3:])
    return name


def check_finite_differences(cfg, params, loss_fn, grads, gen, coords_per_kind=2, step=1e-5):
    """Central differences in float64 on a few coordinates of every parameter kind.

    With step 1e-5 the truncation error (~step²) and the rounding error
    (~1e-16·|loss|/step) are both near 1e-10, so 1e-7 + 1e-6·|g| is a bound
    that only a wrong gradient can break.
    """
    by_kind = {}
    for name in params:
        by_kind.setdefault(param_kind(name), []).append(name)
    worst = 0.0
    for kind, names in by_kind.items():
        name = names[int(torch.randint(len(names), (1,), generator=gen))]
        flat = params[name].view(-1)
        for _ in range(coords_per_kind):
            index = int(torch.randint(flat.numel(), (1,), generator=gen))
            saved = flat[index].item()
            with torch.no_grad():
                flat[index] = saved + step
                loss_plus = loss_fn().item()
                flat[index] = saved - step
                loss_minus = loss_fn().item()
                flat[index] = saved
            numeric = (loss_plus - loss_minus) / (2 * step)
            analytic = grads[name].view(-1)[index].item()
            error = abs(numeric - analytic)
            bound = 1e-7 + 1e-6 * abs(analytic)
            if error > bound:
                raise AssertionError(
                    f"gradient check failed for {name}[{index}]: autograd {analytic!r}, "
                    f"finite difference {numeric!r}"
                )
            worst = max(worst, error / bound)
    return len(by_kind), worst


def check_kv_cache(cfg, params, input_ids):
    """Prefill half the sequence, then decode one token at a time: the logits
    must match the full causal forward (this is the path generation uses)."""
    batch, seq_len = input_ids.shape
    with torch.no_grad():
        full = torch_ref.forward(cfg, params, input_ids)
        cache = torch_ref.KVCache(cfg, batch, seq_len, dtype=full.dtype)
        prefix = seq_len // 2
        pieces = [torch_ref.forward(cfg, params, input_ids[:, :prefix], cache, 0)]
        for pos in range(prefix, seq_len):
            pieces.append(torch_ref.forward(cfg, params, input_ids[:, pos : pos + 1], cache, pos))
    error = (torch.cat(pieces, dim=1) - full).abs().max().item()
    if error > 1e-12:
        raise AssertionError(f"KV-cache forward differs from the full forward by {error}")
    return error


def check_causal(cfg, params, input_ids):
    """Changing the last token must not change any earlier logits."""
    with torch.no_grad():
        before = torch_ref.forward(cfg, params, input_ids)
        changed = input_ids.clone()
        changed[:, -1] = (changed[:, -1] + 1) % cfg.vocab_size
        after = torch_ref.forward(cfg, params, changed)
    if not torch.equal(before[:, :-1], after[:, :-1]) or torch.equal(before[:, -1], after[:, -1]):
        raise AssertionError("causal mask check failed")


def build_variant(name, spec, out_dir):
    hf = full_hf_config(spec["hf"])
    cfg = torch_ref.DecoderConfig.from_hf(hf, f"{name}/config.json")
    gen = torch.Generator().manual_seed(spec["seed"])
    variant_dir = os.path.join(out_dir, name)
    os.makedirs(variant_dir, exist_ok=True)

    with open(os.path.join(variant_dir, "config.json"), "w") as f:
        json.dump(hf, f, indent=2)
        f.write("\n")
    model_path = os.path.join(variant_dir, "model.safetensors")
    safetensors_io.save(model_path, torch_ref.random_params(cfg, spec["seed"]), {"format": "pt"})

    # Work from what was written, so the reference sees exactly the file's bits.
    stored, _ = safetensors_io.load(model_path)
    torch_ref.check_params(cfg, stored, model_path)
    params = {n: t.to(torch.float64).requires_grad_(True) for n, t in stored.items()}

    input_ids, targets, loss_weights, entropy_weights = make_batch(cfg, spec["batch"], spec["seq_len"], gen)
    lw64, ew64 = loss_weights.double(), entropy_weights.double()
    logits, logprobs, entropy = token_stats(cfg, params, input_ids, targets)
    loss = weighted_loss(logprobs, entropy, lw64, ew64)
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in params.items()}
    grad_norm = math.sqrt(sum(float((g * g).sum()) for g in grads.values()))

    def loss_fn():
        _, lp, ent = token_stats(cfg, params, input_ids, targets)
        return weighted_loss(lp, ent, lw64, ew64)

    kinds, fd_worst = check_finite_differences(cfg, params, loss_fn, grads, gen)
    check_causal(cfg, params, input_ids)
    kv_error = check_kv_cache(cfg, params, input_ids)

    # Half the norm, rounded to 3 digits: clipping is active and the threshold
    # is an exactly representable decimal in the metadata.
    max_grad_norm = float(f"{0.5 * grad_norm:.3g}")
    clip_coef = min(1.0, max_grad_norm / (grad_norm + CLIP_EPS))
    decay_names = {n for n, p in params.items() if p.dim() >= 2}
    detached = {n: p.detach() for n, p in params.items()}
    updated = clip_and_step_torch(detached, grads, decay_names, max_grad_norm)
    by_hand = adamw_reference(detached, {n: g * clip_coef for n, g in grads.items()}, decay_names)
    adamw_error = max((updated[n] - by_hand[n]).abs().max().item() for n in params)
    if adamw_error > 1e-14:
        raise AssertionError(f"{name}: hand-written AdamW differs from torch.optim.AdamW by {adamw_error}")

    expected = {
        "input_ids": input_ids,
        "targets": targets,
        "loss_weights": loss_weights,
        "entropy_weights": entropy_weights,
        "logits": logits.detach().float(),
        "logprobs": logprobs.detach().float(),
        "entropy": entropy.detach().float(),
        "loss": loss.detach().reshape(1).float(),
        "grad_norm": torch.tensor([grad_norm], dtype=torch.float32),
    }
    for n in params:
        expected["grad." + n] = grads[n].float()
        expected["updated." + n] = updated[n].float()
    metadata = {
        "lr": repr(ADAMW["lr"]),
        "beta1": repr(ADAMW["beta1"]),
        "beta2": repr(ADAMW["beta2"]),
        "eps": repr(ADAMW["eps"]),
        "weight_decay": repr(ADAMW["weight_decay"]),
        "max_grad_norm": repr(max_grad_norm),
        "B": str(spec["batch"]),
        "T": str(spec["seq_len"]),
    }
    safetensors_io.save(os.path.join(variant_dir, "expected.safetensors"), expected, metadata)

    n_params = sum(p.numel() for p in params.values())
    size_kb = sum(os.path.getsize(os.path.join(variant_dir, f)) for f in os.listdir(variant_dir)) / 1024
    print(
        f"{name}: {n_params} params, loss {loss.item():.6f}, grad_norm {grad_norm:.6f}, "
        f"max_grad_norm {max_grad_norm}, clip {clip_coef:.4f}; "
        f"finite differences ok on {kinds} kinds (worst error {fd_worst:.1e} of bound), "
        f"AdamW vs torch {adamw_error:.1e}, KV cache {kv_error:.1e}; {size_kb:.0f} KiB"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=OUT_DIR, help="output directory (default: %(default)s)")
    parser.add_argument("--only", choices=sorted(VARIANTS), help="write one variant only")
    args = parser.parse_args()
    torch.set_num_threads(1)  # reductions that do not depend on the core count
    for name, spec in VARIANTS.items():
        if args.only in (None, name):
            build_variant(name, spec, args.out)


if __name__ == "__main__":
    main()
