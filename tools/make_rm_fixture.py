"""Writes the reward-model (Bradley–Terry) parity fixture under tests/fixtures/rm/.

Regenerate (from the repository root):

    /usr/bin/python3 tools/make_rm_fixture.py

A small random qwen2-style sequence classifier (Hugging Face
Qwen2ForSequenceClassification with num_labels = 1: the decoder trunk and a
bias-free `score` head on the final-norm hidden state), as config.json and
model.safetensors, and, for a fixed batch of 2 preference pairs (4 right-padded
rows: chosen sides, then rejected sides, of different lengths),
expected.safetensors: the input ids, the row lengths, each row's score (the
head's value at its last token, as HF pools at the last non-padding token), the
loss L = mean_i −log σ(r_chosen,i − r_rejected,i) (TRL RewardTrainer) and the
gradient of every parameter, from float64 autograd. It shares no code with the
C++ trainer.
"""

import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
import torch_ref  # noqa: E402

OUT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "fixtures", "rm")

SEED = 3001
HF = {
    "model_type": "qwen2",
    "architectures": ["Qwen2ForSequenceClassification"],
    "vocab_size": 61,
    "hidden_size": 32,
    "intermediate_size": 48,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "rms_norm_eps": 1e-6,
    "rope_theta": 1000000.0,
    "max_position_embeddings": 32,
    "tie_word_embeddings": True,
    "hidden_act": "silu",
    "torch_dtype": "float32",
    "id2label": {"0": "LABEL_0"},
    "label2id": {"LABEL_0": 0},
}
# Rows 0..1: the chosen sides of pairs 0 and 1; rows 2..3: their rejected sides.
LENGTHS = [5, 7, 6, 3]


def scores_of(cfg, params, ids, lengths):
    """Each row's value at its last token: the trunk with `score` as its head."""
    head_cfg = torch_ref.DecoderConfig.from_hf({**HF, "tie_word_embeddings": False}, "rm/config.json")
    trunk = {n: t for n, t in params.items() if n != "score.weight"}
    trunk["lm_head.weight"] = params["score.weight"]
    values = torch_ref.forward(head_cfg, trunk, ids)[..., 0]  # (B, T)
    return values[torch.arange(ids.shape[0]), torch.tensor(lengths) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=OUT_DIR, help="output directory (default: %(default)s)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    cfg = torch_ref.DecoderConfig.from_hf(HF, "rm/config.json")
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(HF, f, indent=2)
        f.write("\n")
    gen = torch.Generator().manual_seed(SEED)
    params = torch_ref.random_params(cfg, SEED)
    # Large enough that the scores differ by O(1): σ away from 1/2, both signs.
    params["score.weight"] = (0.15 * torch.randn(1, cfg.hidden_size, generator=gen, dtype=torch.float64)).float()
    model_path = os.path.join(args.out, "model.safetensors")
    safetensors_io.save(model_path, params, {"format": "pt"})
    stored, _ = safetensors_io.load(model_path)

    T = max(LENGTHS)
    ids = torch.zeros(len(LENGTHS), T, dtype=torch.int64)
    for b, n in enumerate(LENGTHS):
        ids[b, :n] = torch.randint(1, cfg.vocab_size, (n,), generator=gen)
    p64 = {n: t.double().requires_grad_(True) for n, t in stored.items()}
    scores = scores_of(cfg, p64, ids, LENGTHS)
    n = len(LENGTHS) // 2
    loss = -F.logsigmoid(scores[:n] - scores[n:]).mean()
    loss.backward()
    expected = {
        "input_ids": ids,
        "lengths": torch.tensor(LENGTHS, dtype=torch.int64),
        "scores": scores.detach().float(),
        "loss": loss.detach().reshape(1).float(),
    }
    for name, p in p64.items():
        expected[f"grad.{name}"] = p.grad.float()
    safetensors_io.save(os.path.join(args.out, "expected.safetensors"), expected, {"B": str(len(LENGTHS)), "T": str(T)})
    margins = (scores[:n] - scores[n:]).tolist()
    print(f"scores {[round(s, 4) for s in scores.tolist()]}, margins {[round(m, 4) for m in margins]}, loss {loss.item():.6f}")


if __name__ == "__main__":
    main()
