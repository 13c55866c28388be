"""Plain PyTorch reference of the Hugging Face decoder families llama, qwen2, qwen3.

Written from the Hugging Face `modeling_llama.py`, `modeling_qwen2.py` and
`modeling_qwen3.py` definitions, op for op, without importing `transformers`:
it is the independent side of the C++ model's parity tests and the PyTorch
side of the training and generation benchmarks.

Parameters are a dict {HF tensor name: tensor}; linear weights are
(out_features, in_features). Every function works in whatever floating dtype
the parameters have (the fixtures use float64, the benchmarks float32).
"""

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

MODEL_TYPES = ("llama", "qwen2", "qwen3")


@dataclass(frozen=True)
class DecoderConfig:
    model_type: str
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    head_dim: int
    rms_norm_eps: float
    rope_theta: float
    max_position_embeddings: int
    tie_word_embeddings: bool
    qkv_bias: bool  # bias on q_proj, k_proj, v_proj
    o_bias: bool  # bias on o_proj
    qk_norm: bool  # per-head RMSNorm of q and k before RoPE (qwen3)

    @staticmethod
    def from_hf(hf, source="config.json"):
        """Reads a Hugging Face config.json dict, with the HF class defaults."""
        model_type = hf.get("model_type")
        if model_type not in MODEL_TYPES:
            raise ValueError(f"{source}: model_type {model_type!r}: expected one of {MODEL_TYPES}")
        if hf.get("hidden_act", "silu") != "silu":
            raise ValueError(f"{source}: hidden_act {hf['hidden_act']!r}: only 'silu' is supported")
        if hf.get("rope_scaling") is not None:
            raise ValueError(f"{source}: rope_scaling {hf['rope_scaling']!r}: only null is supported")
        if hf.get("mlp_bias", False) or hf.get("use_sliding_window", False):
            raise ValueError(f"{source}: mlp_bias and use_sliding_window must be false")

        def required(key):
            if key not in hf:
                raise ValueError(f"{source}: missing required key '{key}'")
            return hf[key]

        hidden = int(required("hidden_size"))
        heads = int(required("num_attention_heads"))
        kv_heads = int(hf.get("num_key_value_heads", heads))
        if heads % kv_heads != 0:
            raise ValueError(
                f"{source}: num_attention_heads {heads} is not a multiple of num_key_value_heads {kv_heads}"
            )
        # Qwen3Config declares head_dim = 128 by default; llama and qwen2 derive it.
        default_head_dim = 128 if model_type == "qwen3" else hidden // heads
        head_dim = int(hf.get("head_dim") or default_head_dim)
        if head_dim % 2 != 0:
            raise ValueError(f"{source}: head_dim {head_dim} must be even for rotary embeddings")
        attention_bias = bool(hf.get("attention_bias", False))
        return DecoderConfig(
            model_type=model_type,
            vocab_size=int(required("vocab_size")),
            hidden_size=hidden,
            intermediate_size=int(required("intermediate_size")),
            num_hidden_layers=int(required("num_hidden_layers")),
            num_attention_heads=heads,
            num_key_value_heads=kv_heads,
            head_dim=head_dim,
            rms_norm_eps=float(hf.get("rms_norm_eps", 1e-6)),
            rope_theta=float(hf.get("rope_theta", 10000.0)),
            max_position_embeddings=int(hf.get("max_position_embeddings", 2048)),
            tie_word_embeddings=bool(hf.get("tie_word_embeddings", False)),
            # Qwen2Attention hard-codes bias=True on q/k/v and False on o; llama
            # and qwen3 put `attention_bias` on all four projections.
            qkv_bias=True if model_type == "qwen2" else attention_bias,
            o_bias=False if model_type == "qwen2" else attention_bias,
            qk_norm=model_type == "qwen3",
        )


def param_shapes(cfg):
    """{HF tensor name: shape} in the order the HF modules declare them."""
    q_out = cfg.num_attention_heads * cfg.head_dim
    kv_out = cfg.num_key_value_heads * cfg.head_dim
    hidden, inter = cfg.hidden_size, cfg.intermediate_size
    shapes = {"model.embed_tokens.weight": (cfg.vocab_size, hidden)}
    for i in range(cfg.num_hidden_layers):
        p = f"model.layers.{i}."
        shapes[p + "input_layernorm.weight"] = (hidden,)
        for proj, out in (("q_proj", q_out), ("k_proj", kv_out), ("v_proj", kv_out)):
            shapes[p + f"self_attn.{proj}.weight"] = (out, hidden)
            if cfg.qkv_bias:
                shapes[p + f"self_attn.{proj}.bias"] = (out,)
        shapes[p + "self_attn.o_proj.weight"] = (hidden, q_out)
        if cfg.o_bias:
            shapes[p + "self_attn.o_proj.bias"] = (hidden,)
        if cfg.qk_norm:
            shapes[p + "self_attn.q_norm.weight"] = (cfg.head_dim,)
            shapes[p + "self_attn.k_norm.weight"] = (cfg.head_dim,)
        shapes[p + "post_attention_layernorm.weight"] = (hidden,)
        shapes[p + "mlp.gate_proj.weight"] = (inter, hidden)
        shapes[p + "mlp.up_proj.weight"] = (inter, hidden)
        shapes[p + "mlp.down_proj.weight"] = (hidden, inter)
    shapes["model.norm.weight"] = (hidden,)
    if not cfg.tie_word_embeddings:
        shapes["lm_head.weight"] = (cfg.vocab_size, hidden)
    return shapes


def random_params(cfg, seed, dtype=torch.float32):
    """Random weights that keep activations O(1) through the network.

    Linear weights ~ N(0, 1/in_features) so each projection roughly preserves
    the scale of its (RMS-normalised) input; embeddings ~ N(0, 0.2²); norm
    weights 1 + 0.1·N and biases 0.1·N so that neither is a no-op in a test.
    """
    gen = torch.Generator().manual_seed(seed)
    params = {}
    for name, shape in param_shapes(cfg).items():
        noise = torch.randn(shape, generator=gen, dtype=torch.float64)
        if name.endswith("norm.weight"):
            value = 1.0 + 0.1 * noise
        elif name.endswith(".bias"):
            value = 0.1 * noise
        elif name == "model.embed_tokens.weight":
            value = 0.2 * noise
        else:
            value = noise / math.sqrt(shape[1])
        params[name] = value.to(dtype)
    return params


def check_params(cfg, params, source="model.safetensors"):
    """Raises a ValueError naming the first missing, unexpected or misshapen tensor."""
    expected = param_shapes(cfg)
    for name, shape in expected.items():
        if name not in params:
            raise ValueError(f"{source}: missing tensor '{name}' of shape {list(shape)}")
        if tuple(params[name].shape) != shape:
            raise ValueError(
                f"{source}: tensor '{name}' has shape {list(params[name].shape)}, expected {list(shape)}"
            )
    for name in params:
        if name not in expected:
            raise ValueError(f"{source}: unexpected tensor '{name}' for this config")


def rms_norm(x, weight, eps):
    # LlamaRMSNorm: normalise in at least float32, cast back, then scale.
    compute_dtype = torch.promote_types(x.dtype, torch.float32)
    h = x.to(compute_dtype)
    variance = h.pow(2).mean(-1, keepdim=True)
    h = h * torch.rsqrt(variance + eps)
    return weight * h.to(x.dtype)


def rope_cos_sin(cfg, positions, dtype):
    """cos and sin of shape (len(positions), head_dim) in HF's duplicated layout.

    inv_freq[i] = 1 / theta^(2i / head_dim); the angle table is concatenated with
    itself, so dims i and i + head_dim/2 share one frequency. Computed in float64
    whatever `dtype` is, so the reference angles are exact to double precision.
    """
    hd = cfg.head_dim
    inv_freq = 1.0 / (cfg.rope_theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    freqs = positions.to(torch.float64)[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(dtype), emb.sin().to(dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def apply_rope(x, cos, sin):
    # x is (B, heads, T, head_dim); cos and sin are (T, head_dim).
    return x * cos + rotate_half(x) * sin


def repeat_kv(x, n_rep):
    # (B, kv_heads, T, hd) -> (B, kv_heads * n_rep, T, hd); query head h reads
    # kv head h // n_rep, as HF's expand + reshape does.
    if n_rep == 1:
        return x
    b, kv, t, hd = x.shape
    return x[:, :, None, :, :].expand(b, kv, n_rep, t, hd).reshape(b, kv * n_rep, t, hd)


class KVCache:
    """Preallocated keys and values (after RoPE) for every layer."""

    def __init__(self, cfg, batch, max_len, dtype=torch.float32):
        shape = (batch, cfg.num_key_value_heads, max_len, cfg.head_dim)
        self.keys = [torch.zeros(shape, dtype=dtype) for _ in range(cfg.num_hidden_layers)]
        self.values = [torch.zeros(shape, dtype=dtype) for _ in range(cfg.num_hidden_layers)]
        self.max_len = max_len


def attention(cfg, params, prefix, x, cos, sin, layer, cache, start_pos):
    # x is (B, T, hidden); returns (B, T, hidden).
    b, t, _ = x.shape
    heads, kv_heads, hd = cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim
    a = prefix + "self_attn."
    q = F.linear(x, params[a + "q_proj.weight"], params.get(a + "q_proj.bias"))
    k = F.linear(x, params[a + "k_proj.weight"], params.get(a + "k_proj.bias"))
    v = F.linear(x, params[a + "v_proj.weight"], params.get(a + "v_proj.bias"))
    q = q.view(b, t, heads, hd)
    k = k.view(b, t, kv_heads, hd)
    v = v.view(b, t, kv_heads, hd)
    if cfg.qk_norm:
        q = rms_norm(q, params[a + "q_norm.weight"], cfg.rms_norm_eps)
        k = rms_norm(k, params[a + "k_norm.weight"], cfg.rms_norm_eps)
    q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
    q = apply_rope(q, cos, sin)
    k = apply_rope(k, cos, sin)
    if cache is not None:
        end = start_pos + t
        cache.keys[layer][:b, :, start_pos:end] = k
        cache.values[layer][:b, :, start_pos:end] = v
        k = cache.keys[layer][:b, :, :end]
        v = cache.values[layer][:b, :, :end]
    k = repeat_kv(k, heads // kv_heads)
    v = repeat_kv(v, heads // kv_heads)
    # Scaling q instead of the (T × keys) scores is the same product with a
    # quarter of the multiplications at benchmark sizes.
    scores = torch.matmul(q * hd**-0.5, k.transpose(-1, -2))
    # Query at absolute position start_pos + i sees keys 0 .. start_pos + i.
    key_len = k.shape[-2]
    query_pos = torch.arange(start_pos, start_pos + t)[:, None]
    future = torch.arange(key_len)[None, :] > query_pos
    if future.any():
        scores = scores.masked_fill(future, float("-inf"))
    probs = torch.softmax(scores, dim=-1, dtype=torch.promote_types(scores.dtype, torch.float32))
    out = torch.matmul(probs.to(v.dtype), v)
    out = out.transpose(1, 2).reshape(b, t, heads * hd)
    return F.linear(out, params[a + "o_proj.weight"], params.get(a + "o_proj.bias"))


def mlp(params, prefix, x):
    m = prefix + "mlp."
    gate = F.linear(x, params[m + "gate_proj.weight"])
    up = F.linear(x, params[m + "up_proj.weight"])
    return F.linear(F.silu(gate) * up, params[m + "down_proj.weight"])


def forward(cfg, params, input_ids, cache=None, start_pos=0):
    """Logits (B, T, vocab) for input_ids (B, T) at positions start_pos .. start_pos+T-1."""
    _, t = input_ids.shape
    embed = params["model.embed_tokens.weight"]
    x = F.embedding(input_ids, embed)
    positions = torch.arange(start_pos, start_pos + t)
    cos, sin = rope_cos_sin(cfg, positions, x.dtype)
    for i in range(cfg.num_hidden_layers):
        p = f"model.layers.{i}."
        h = rms_norm(x, params[p + "input_layernorm.weight"], cfg.rms_norm_eps)
        x = x + attention(cfg, params, p, h, cos, sin, i, cache, start_pos)
        h = rms_norm(x, params[p + "post_attention_layernorm.weight"], cfg.rms_norm_eps)
        x = x + mlp(params, p, h)
    x = rms_norm(x, params["model.norm.weight"], cfg.rms_norm_eps)
    head = embed if cfg.tie_word_embeddings else params["lm_head.weight"]
    return F.linear(x, head)
