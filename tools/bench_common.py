"""Shared pieces of the PyTorch baselines: the reference model, their command
line, and the search over the runtime settings that decide how fast PyTorch
runs on a CPU.

OMP_WAIT_POLICY, ATEN_CPU_CAPABILITY and OPENBLAS_CORETYPE are read once, when
libgomp, ATen and OpenBLAS (Debian's PyTorch runs its matrix products on it)
load, so every setting runs in a fresh subprocess (the script re-invoked with
--worker) whose environment is set before `import torch`.
"""

import argparse
import json
import os
import subprocess
import sys

# The benchmark model of the training and generation benchmarks (llama family).
REFERENCE_MODEL = {
    "model_type": "llama",
    "architectures": ["LlamaForCausalLM"],
    "vocab_size": 512,
    "hidden_size": 384,
    "intermediate_size": 1024,
    "num_hidden_layers": 6,
    "num_attention_heads": 6,
    "num_key_value_heads": 6,
    "rms_norm_eps": 1e-5,
    "rope_theta": 10000.0,
    "max_position_embeddings": 256,
    "tie_word_embeddings": True,
    "attention_bias": False,
    "hidden_act": "silu",
    "torch_dtype": "float32",
}

WAIT_POLICIES = ("passive", "active")


def cpu_has_avx512():
    try:
        with open("/proc/cpuinfo") as f:
            return " avx512f " in f.read().replace("\n", " ")
    except OSError:
        return False


def cpu_capabilities():
    """ATen kernel sets worth trying: PyTorch 1.13 picks AVX2 by default even on
    AVX-512 machines, and only ATEN_CPU_CAPABILITY=avx512 enables the wider ones."""
    return ("default", "avx512") if cpu_has_avx512() else ("default",)


def blas_coretypes():
    """OpenBLAS kernel sets worth trying: the one the environment pins with
    OPENBLAS_CORETYPE, if it pins one, and "auto", OpenBLAS's own choice for
    this CPU (an AVX2 core type pinned on an AVX-512 machine halves its SGEMM
    speed)."""
    pinned = os.environ.get("OPENBLAS_CORETYPE")
    return (pinned, "auto") if pinned else ("auto",)


def positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive integer")
    return value


def argument_parser(doc, count_flag, count_default, count_help, max_seconds, max_seconds_help, quick_help):
    """The options every baseline has: --threads, the number of timed runs
    (count_flag, at least 1), --max-seconds, --quick and the hidden --worker
    of search_settings. The description is the first paragraph of doc."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--threads", type=positive_int, default=2, help="torch.set_num_threads (default %(default)s)")
    parser.add_argument(
        count_flag, type=positive_int, default=count_default, help=f"{count_help} (default %(default)s)"
    )
    parser.add_argument(
        "--max-seconds", type=float, default=max_seconds, help=f"{max_seconds_help} (default %(default)s)"
    )
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument(
        "--setting",
        type=setting,
        help="run only this POLICY,CAPABILITY,CORETYPE (e.g. active,avx512,auto) instead of "
        "searching them all: a caller timing several rounds searches once",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    return parser


def setting(text):
    """POLICY,CAPABILITY,CORETYPE as --setting takes it, checked against what
    this machine and environment can run."""
    parts = text.split(",")
    if (
        len(parts) != 3
        or parts[0] not in WAIT_POLICIES
        or parts[1] not in cpu_capabilities()
        or parts[2] not in blas_coretypes()
    ):
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected POLICY,CAPABILITY,CORETYPE with POLICY one of {', '.join(WAIT_POLICIES)}, "
            f"CAPABILITY one of {', '.join(cpu_capabilities())} and CORETYPE one of {', '.join(blas_coretypes())}"
        )
    return tuple(parts)


def run_baseline(script, args, run_worker, worker_args):
    """As --worker, runs run_worker(args) and returns None; otherwise returns
    search_settings(script, worker_args, args.threads)."""
    if args.worker:
        run_worker(args)
        return None
    return search_settings(script, worker_args, args.threads, args.setting)


def run_common_baseline(doc, script, run_worker, count, budget):
    """The command line of a baseline with only the common options: count =
    (flag, default, help) of the timed runs, budget = (default, help) of
    --max-seconds; --quick means one timed run. Parses it and returns
    run_baseline's result."""
    flag, default, count_help = count
    parser = argument_parser(doc, flag, default, count_help, *budget, "one timed run per setting")
    args = parser.parse_args()
    dest = flag.lstrip("-").replace("-", "_")
    if args.quick:
        setattr(args, dest, 1)
    worker_args = [flag, str(getattr(args, dest)), "--max-seconds", str(args.max_seconds)]
    return run_baseline(os.path.abspath(script), args, run_worker, worker_args)


def search_settings(script, worker_args, threads, only=None):
    """Runs `script --worker ...` once per (wait policy, ATen capability,
    OpenBLAS core type), or for `only` that one, and returns the list of
    per-setting results (each the worker's JSON line plus its setting)."""
    results = []
    for policy in WAIT_POLICIES:
        for capability in cpu_capabilities():
            for coretype in blas_coretypes():
                if only and (policy, capability, coretype) != only:
                    continue
                env = dict(os.environ, OMP_WAIT_POLICY=policy, OMP_NUM_THREADS=str(threads))
                if capability == "default":
                    env.pop("ATEN_CPU_CAPABILITY", None)
                else:
                    env["ATEN_CPU_CAPABILITY"] = capability
                if coretype == "auto":
                    env.pop("OPENBLAS_CORETYPE", None)
                cmd = [sys.executable, script, "--worker", "--threads", str(threads), *worker_args]
                proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
                if proc.returncode != 0:
                    sys.stderr.write(proc.stderr)
                    raise RuntimeError(
                        f"worker failed for OMP_WAIT_POLICY={policy} ATEN_CPU_CAPABILITY={capability} "
                        f"OPENBLAS_CORETYPE={coretype}"
                    )
                result = json.loads(proc.stdout.strip().splitlines()[-1])
                result = {
                    "omp_wait_policy": policy,
                    "aten_cpu_capability": capability,
                    "openblas_coretype": coretype,
                    "threads": threads,
                    **result,
                }
                print(json.dumps(result), file=sys.stderr)
                results.append(result)
    return results


def median(values):
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else 0.5 * (ordered[mid - 1] + ordered[mid])
