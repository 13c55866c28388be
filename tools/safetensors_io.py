"""Minimal reader and writer for the Hugging Face safetensors format.

Layout: an 8-byte little-endian header length N, N bytes of JSON
{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}},
then the raw little-endian tensor bytes; offsets are relative to the end of the
header. Written here because the `safetensors` Python package is not a Debian
package, and the oracle scripts must run with nothing but python3-torch.
"""

import json
import struct

import numpy as np
import torch

# safetensors dtype name -> (numpy little-endian dtype, torch dtype)
_DTYPES = {
    "F64": (np.dtype("<f8"), torch.float64),
    "F32": (np.dtype("<f4"), torch.float32),
    "F16": (np.dtype("<f2"), torch.float16),
    "I64": (np.dtype("<i8"), torch.int64),
    "I32": (np.dtype("<i4"), torch.int32),
    "U8": (np.dtype("u1"), torch.uint8),
}
_NAME_OF_TORCH_DTYPE = {torch_dtype: name for name, (_, torch_dtype) in _DTYPES.items()}

# The reference implementation rejects headers above 100 MB; so do we, which
# turns a garbage length field into a clear error instead of a huge allocation.
_MAX_HEADER_BYTES = 100_000_000


class SafetensorsError(ValueError):
    pass


def save(path, tensors, metadata=None):
    """Writes {name: torch.Tensor} to `path`; metadata values must be strings."""
    header = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        tensor = tensors[name].detach().cpu().contiguous()
        if tensor.dtype not in _NAME_OF_TORCH_DTYPE:
            raise SafetensorsError(f"{path}: tensor '{name}' has unsupported dtype {tensor.dtype}")
        dtype_name = _NAME_OF_TORCH_DTYPE[tensor.dtype]
        data = tensor.numpy().astype(_DTYPES[dtype_name][0], copy=False).tobytes()
        header[name] = {
            "dtype": dtype_name,
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        chunks.append(data)
        offset += len(data)
    if metadata:
        for key, value in metadata.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise SafetensorsError(f"{path}: metadata {key!r}: {value!r} must map str to str")
        header["__metadata__"] = dict(metadata)
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    # Pad with spaces so the data section starts 8-byte aligned, as the reference
    # writer does; readers may then map tensors in place.
    header_bytes += b" " * (-len(header_bytes) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for data in chunks:
            f.write(data)


def load(path):
    """Returns ({name: torch.Tensor}, metadata dict) read from `path`."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise SafetensorsError(f"{path}: file is {len(blob)} bytes, shorter than the 8-byte header length")
    (header_len,) = struct.unpack("<Q", blob[:8])
    if header_len > _MAX_HEADER_BYTES:
        raise SafetensorsError(f"{path}: header length {header_len} exceeds the {_MAX_HEADER_BYTES}-byte limit")
    if 8 + header_len > len(blob):
        raise SafetensorsError(f"{path}: header length {header_len} runs past the end of the {len(blob)}-byte file")
    try:
        header = json.loads(blob[8 : 8 + header_len].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorsError(f"{path}: header is not valid UTF-8 JSON: {e}") from None
    if not isinstance(header, dict):
        raise SafetensorsError(f"{path}: header must be a JSON object")
    data = memoryview(blob)[8 + header_len :]
    metadata = header.pop("__metadata__", None) or {}
    tensors = {}
    for name, info in header.items():
        tensors[name] = _read_tensor(path, name, info, data)
    return tensors, metadata


def _read_tensor(path, name, info, data):
    try:
        dtype_name = info["dtype"]
        shape = [int(d) for d in info["shape"]]
        begin, end = (int(o) for o in info["data_offsets"])
    except (KeyError, TypeError, ValueError):
        raise SafetensorsError(
            f"{path}: tensor '{name}': expected fields dtype, shape and data_offsets [begin, end]"
        ) from None
    if dtype_name not in _DTYPES:
        raise SafetensorsError(f"{path}: tensor '{name}': unsupported dtype '{dtype_name}'")
    np_dtype, _ = _DTYPES[dtype_name]
    numel = int(np.prod(shape, dtype=np.int64))
    if not 0 <= begin <= end <= len(data):
        raise SafetensorsError(
            f"{path}: tensor '{name}': data_offsets [{begin}, {end}] outside the {len(data)}-byte data section"
        )
    if end - begin != numel * np_dtype.itemsize:
        raise SafetensorsError(
            f"{path}: tensor '{name}': {end - begin} bytes, expected {numel * np_dtype.itemsize} "
            f"for {dtype_name} {shape}"
        )
    array = np.frombuffer(data[begin:end], dtype=np_dtype).reshape(shape)
    return torch.from_numpy(array.astype(np_dtype.newbyteorder("="), copy=True))
