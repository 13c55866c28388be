"""PyTorch baseline for the training benchmark.

    /usr/bin/python3 tools/bench_train_torch.py [--threads 2] [--steps 6] [--max-seconds 60] [--quick]

One training step on the reference model (tools/bench_common.py: llama, vocab
512, 6 layers, hidden 384, 6 heads, SwiGLU 1024, tied embeddings) is forward
over a 16 × 256 batch + cross-entropy + backward + AdamW, in fp32. Each runtime
setting (OMP_WAIT_POLICY, ATEN_CPU_CAPABILITY, OPENBLAS_CORETYPE) runs in its
own subprocess: a warm-up, then the median over --steps timed steps (fewer
past --max-seconds).
Prints one JSON line on stdout, {"tokens_per_s": best, "settings": [...]};
per-setting lines go to stderr.
"""

import json
import os
import sys
import time

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS_DIR)
import bench_common  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import torch_ref  # noqa: E402

BATCH, CONTEXT = 16, 256


def run_worker(args):
    torch.set_num_threads(args.threads)
    cfg = torch_ref.DecoderConfig.from_hf(bench_common.REFERENCE_MODEL)
    params = {n: p.requires_grad_(True) for n, p in torch_ref.random_params(cfg, seed=7).items()}
    decay = [p for p in params.values() if p.dim() >= 2]
    no_decay = [p for p in params.values() if p.dim() < 2]
    # foreach=True batches the update into a few multi-tensor kernels; on this
    # model it is the faster of torch's two CPU AdamW implementations.
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=3e-4,
        betas=(0.9, 0.95),
        eps=1e-8,
        foreach=args.foreach,
    )
    gen = torch.Generator().manual_seed(11)
    tokens = torch.randint(0, cfg.vocab_size, (BATCH, CONTEXT + 1), generator=gen)
    inputs, targets = tokens[:, :-1], tokens[:, 1:].reshape(-1)

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        logits = torch_ref.forward(cfg, params, inputs)
        loss = F.cross_entropy(logits.reshape(-1, cfg.vocab_size), targets)
        loss.backward()
        optimizer.step()
        return loss.item()

    losses = [train_step() for _ in range(args.warmup)]
    seconds = []
    # A setting that is several times slower than the others (a spinning wait
    # policy on a busy machine) stops at the time budget instead of dominating
    # the run; its median is still over real steps.
    while len(seconds) < args.steps and sum(seconds) < args.max_seconds:
        start = time.perf_counter()
        losses.append(train_step())
        seconds.append(time.perf_counter() - start)
    step_s = bench_common.median(seconds)
    capability = [line for line in torch.__config__.show().splitlines() if "CPU capability" in line]
    print(
        json.dumps(
            {
                "tokens_per_s": round(BATCH * CONTEXT / step_s, 1),
                "median_step_s": round(step_s, 4),
                "steps": len(seconds),
                "first_loss": round(losses[0], 4),
                "last_loss": round(losses[-1], 4),
                "cpu_capability_used": capability[0].split(":")[-1].strip() if capability else "unknown",
            }
        )
    )


def main():
    parser = bench_common.argument_parser(
        __doc__,
        "--steps",
        6,
        "timed steps per setting",
        max_seconds=60,
        max_seconds_help="timed-step budget per setting",
        quick_help="1 warm-up and 2 timed steps per setting",
    )
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps per setting (default %(default)s)")
    parser.add_argument(
        "--foreach",
        type=lambda s: s == "true",
        default=True,
        metavar="{true,false}",
        help="AdamW multi-tensor implementation (default true)",
    )
    args = parser.parse_args()
    if args.quick:
        args.warmup, args.steps = 1, 2
    if args.warmup < 0:
        parser.error("--warmup must be non-negative")
    worker_args = [
        *("--steps", str(args.steps), "--warmup", str(args.warmup)),
        *("--max-seconds", str(args.max_seconds), "--foreach", str(args.foreach).lower()),
    ]
    settings = bench_common.run_baseline(os.path.abspath(__file__), args, run_worker, worker_args)
    if not settings:
        return
    best = max(settings, key=lambda s: s["tokens_per_s"])
    print(json.dumps({"tokens_per_s": best["tokens_per_s"], "best": best, "settings": settings}))


if __name__ == "__main__":
    main()
