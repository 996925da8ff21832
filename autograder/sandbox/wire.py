"""Plain-data messages between the grader and the sandboxed child.

A frame is an 8-byte prefix (magic, header length, buffer count), a JSON header and raw byte
buffers. Values are JSON trees with tagged nodes for tuples, dicts, arrays, scalars and the few
objects that must cross the boundary (a NumPy ``Generator`` as its bit-generator state, a callback
as an integer id, a test's portable model as its name and parameters, an object that stays in the
child as a handle id). Decoding never calls ``pickle``, ``eval`` or any constructor chosen by the
sender: arrays are rebuilt with ``np.frombuffer`` from a fixed whitelist of numeric dtypes, only the
child rebuilds portable models (from the fixed registry ``autograder.models``), and only the child
resolves a handle id to its object. A frame's size, its header's size and its number of nodes are
capped before and while decoding, so a hostile peer cannot make the reader hold more than the cap.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

MAGIC = b"AG"
_PREFIX = struct.Struct("<2sxxII")  # magic, pad, header length, number of buffers
MAX_HEADER_BYTES = 8 * 1024 * 1024
MAX_BUFFERS = 100_000
MAX_FRAME_BYTES = 64 * 1024 * 1024
MAX_NODES = 1_000_000
MAX_DEPTH = 100
MAX_REPR = 200

ALLOWED_DTYPES = {
    np.dtype(t).str: np.dtype(t)
    for t in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
              "float16", "float32", "float64", "complex64", "complex128")
}


class Reader(Protocol):
    """Anything frames are read from: a buffered socket file, an in-memory datagram, a deadline-bound reader."""

    def read(self, n: int, /) -> bytes: ...


class WireError(Exception):
    """A frame or value that does not follow the protocol."""


@dataclass(frozen=True)
class Opaque:
    """Stands for a value the child could not express as plain data (only its type and a short repr)."""

    type_name: str
    text: str

    def __repr__(self) -> str:
        return f"<{self.type_name} object: {self.text}>"


class HandleRef:
    """An object that stays in the child: its id there, the child generation it belongs to, and what the
    child said about its type (untrusted, for messages only)."""

    __slots__ = ("handle_id", "generation", "type_name", "bases")

    def __init__(self, handle_id: int, generation: int = 0, type_name: str = "", bases: tuple[str, ...] = ()) -> None:
        self.handle_id, self.generation, self.type_name, self.bases = handle_id, generation, type_name, bases

    def __repr__(self) -> str:
        return f"<{self.type_name or 'object'} in the sandbox>"


@dataclass(frozen=True)
class RngState:
    """A ``numpy.random.Generator`` in transit: the name of its bit generator and its state."""

    bit_generator: str
    state: dict


def _type_name(obj: Any) -> str:
    return _type_name_of(type(obj))


def _type_name_of(cls: type) -> str:
    module = getattr(cls, "__module__", "") or ""
    return f"{module}.{cls.__qualname__}" if module not in ("builtins", "") else cls.__qualname__


def _safe_repr(obj: Any) -> str:
    try:
        text = object.__repr__(obj)
    except Exception:  # noqa: BLE001 - any failure just means no repr
        text = "?"
    return text[:MAX_REPR]


def _as_array(obj: Any) -> np.ndarray | None:
    """Convert tensors (NumPy, TensorFlow, Keras, PyTorch, JAX) to an ndarray, or None if it is not one."""
    if not hasattr(obj, "__array__"):
        return None
    try:
        if (type(obj).__module__ or "").startswith("torch") and hasattr(obj, "detach"):
            obj = obj.detach().cpu()
            if str(obj.dtype) == "torch.bfloat16":
                obj = obj.float()
            return np.asarray(obj.numpy())
        return np.asarray(obj)
    except Exception:  # noqa: BLE001 - not convertible: the caller keeps it as an object
        return None


def _plain_array(arr: np.ndarray) -> np.ndarray | None:
    """Native-endian, contiguous, whitelisted dtype; None for object or structured arrays."""
    dtype = arr.dtype
    if dtype.hasobject or dtype.fields is not None:
        return None
    if dtype.kind in "biufc" and dtype.str not in ALLOWED_DTYPES:
        dtype = dtype.newbyteorder("=")
    if dtype.str not in ALLOWED_DTYPES:
        try:
            arr = arr.astype(np.float64)  # e.g. bfloat16 or float128
        except (TypeError, ValueError):
            return None
        dtype = arr.dtype
    return np.asarray(arr, dtype=dtype, order="C")


class Encoder:
    """Turns a value into a JSON-compatible tree plus byte buffers.

    ``register_callback`` gives a callable an integer id (grader side: the child calls back);
    ``register_handle`` keeps any other object that is not plain data and gives it an id (child side:
    the grader receives a handle). Without them such objects cross as ``Opaque`` descriptions.
    """

    def __init__(self, register_callback: Callable[[Any], int] | None = None,
                 register_handle: Callable[[Any], int] | None = None) -> None:
        self.buffers: list[bytes] = []
        self._register_callback = register_callback
        self._register_handle = register_handle

    def encode(self, obj: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            return {"$o": "nested too deeply", "r": ""}
        t = type(obj)
        if obj is None or t is bool or t is str:
            return obj
        if t is int:
            return obj
        if t is float:
            return obj if math.isfinite(obj) else {"$f": repr(obj)}
        if t is list:
            return [self.encode(x, depth + 1) for x in obj]
        if t is tuple:
            return {"$t": [self.encode(x, depth + 1) for x in obj]}
        if t is dict:
            return {"$d": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in obj.items()]}
        if t is bytes:
            self.buffers.append(obj)
            return {"$b": len(self.buffers) - 1}
        if t is complex:
            return {"$c": [self.encode(obj.real), self.encode(obj.imag)]}
        if isinstance(obj, np.random.Generator):
            bg = obj.bit_generator
            return {"$rng": type(bg).__name__, "state": self.encode(bg.state, depth + 1)}
        if isinstance(obj, RngState):
            return {"$rng": obj.bit_generator, "state": self.encode(obj.state, depth + 1)}
        if isinstance(obj, HandleRef):
            return {"$h": obj.handle_id}
        if isinstance(obj, np.generic):
            return self._array(np.asarray(obj), scalar=True, fallback=obj)
        if isinstance(obj, np.ndarray):
            return self._array(obj, scalar=False, fallback=obj)
        if isinstance(obj, bool):
            return bool(obj)
        if isinstance(obj, int):
            return int.__index__(obj)
        if isinstance(obj, float):
            return self.encode(float.__float__(obj), depth)
        if isinstance(obj, str):
            return str.__str__(obj)
        if isinstance(obj, (list, tuple)):
            return self.encode(list(obj) if isinstance(obj, list) else tuple(obj), depth)
        if isinstance(obj, dict):
            return self.encode(dict(obj), depth)
        arr = _as_array(obj)
        if arr is not None:
            return self._array(arr, scalar=False, fallback=obj)
        wire_name = getattr(t, "wire_name", None)
        if type(wire_name) is str and hasattr(obj, "wire_params"):
            return {"$pf": wire_name, "p": self.encode(obj.wire_params(), depth + 1)}
        if self._register_callback is not None and callable(obj):
            return {"$cb": self._register_callback(obj)}
        return self._object(obj, _safe_repr(obj))

    def _object(self, obj: Any, text: str) -> Any:
        if self._register_handle is not None:
            bases = [_type_name_of(c) for c in type(obj).__mro__[1:4]]
            return {"$h": self._register_handle(obj), "t": _type_name(obj), "b": bases}
        return {"$o": _type_name(obj), "r": text}

    def _array(self, arr: np.ndarray, scalar: bool, fallback: Any) -> Any:
        plain = _plain_array(np.asarray(arr))
        if plain is None:
            return self._object(fallback, f"array of dtype {arr.dtype}")
        self.buffers.append(plain.tobytes())
        return {"$s" if scalar else "$a": len(self.buffers) - 1, "dt": plain.dtype.str, "sh": list(plain.shape)}


class Decoder:
    """Rebuilds a value from a tree and its buffers. Hooks handle callbacks and generators."""

    def __init__(self, buffers: list[bytes], make_callback: Callable[[int], Any] | None = None,
                 make_rng: Callable[[RngState], Any] | None = None,
                 make_portable: Callable[[str, Any], Any] | None = None,
                 make_handle: Callable[[int, str, tuple[str, ...]], Any] | None = None) -> None:
        self.buffers = buffers
        self._make_callback = make_callback
        self._make_rng = make_rng
        self._make_portable = make_portable
        self._make_handle = make_handle
        self._nodes = 0

    def decode(self, node: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError("value nested too deeply")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise WireError(f"value has more than {MAX_NODES} parts")
        t = type(node)
        if node is None or t in (bool, int, float, str):
            return node
        if t is list:
            return [self.decode(x, depth + 1) for x in node]
        if t is not dict or len(node) == 0:
            raise WireError(f"unexpected node {t.__name__}")
        if "$t" in node:
            return tuple(self.decode(x, depth + 1) for x in _list(node["$t"]))
        if "$d" in node:
            out = {}
            for pair in _list(node["$d"]):
                if type(pair) is not list or len(pair) != 2:
                    raise WireError("bad dict entry")
                key = self.decode(pair[0], depth + 1)
                try:
                    out[key] = self.decode(pair[1], depth + 1)
                except TypeError as exc:  # unhashable key
                    raise WireError("unhashable dict key") from exc
            return out
        if "$f" in node:
            text = node["$f"]
            if text not in ("nan", "inf", "-inf"):
                raise WireError("bad float")
            return float(text)
        if "$c" in node:
            re, im = _list(node["$c"])
            return complex(self.decode(re, depth + 1), self.decode(im, depth + 1))
        if "$a" in node or "$s" in node:
            return self._array(node)
        if "$b" in node:
            return self._buffer(node["$b"])
        if "$o" in node:
            return Opaque(str(node["$o"])[:MAX_REPR], str(node.get("r", ""))[:MAX_REPR])
        if "$rng" in node:
            state = RngState(str(node["$rng"]), self.decode(node["state"], depth + 1))
            return self._make_rng(state) if self._make_rng else state
        if "$cb" in node:
            if self._make_callback is None or type(node["$cb"]) is not int:
                raise WireError("unexpected callback")
            return self._make_callback(node["$cb"])
        if "$pf" in node:
            name = str(node["$pf"])[:MAX_REPR]
            if self._make_portable is None:
                return Opaque(name, "a portable model")
            try:
                return self._make_portable(name, self.decode(node.get("p"), depth + 1))
            except (TypeError, ValueError) as exc:
                raise WireError(f"bad portable model {name!r}") from exc
        if "$h" in node:
            if self._make_handle is None or type(node["$h"]) is not int:
                raise WireError("unexpected handle")
            bases = node.get("b")
            bases = tuple(str(b)[:MAX_REPR] for b in bases[:8]) if type(bases) is list else ()
            return self._make_handle(node["$h"], str(node.get("t", ""))[:MAX_REPR], bases)
        raise WireError("unknown tag")

    def _buffer(self, index: Any) -> bytes:
        if type(index) is not int or not 0 <= index < len(self.buffers):
            raise WireError("bad buffer index")
        return self.buffers[index]

    def _array(self, node: dict) -> Any:
        scalar = "$s" in node
        raw = self._buffer(node["$s" if scalar else "$a"])
        dtype = ALLOWED_DTYPES.get(str(node.get("dt")))
        shape = node.get("sh")
        if dtype is None:
            raise WireError("dtype not allowed")
        if type(shape) is not list or not all(type(d) is int and d >= 0 for d in shape) or len(shape) > 32:
            raise WireError("bad shape")
        count = math.prod(shape)
        if count * dtype.itemsize != len(raw):
            raise WireError("array size does not match its buffer")
        arr = np.frombuffer(raw, dtype=dtype, count=count).reshape(shape).copy()
        return arr[()] if scalar else arr


def _list(x: Any) -> list:
    if type(x) is not list:
        raise WireError("expected a list")
    return x


def pack(message: dict[str, Any], register_callback: Callable[[Any], int] | None = None,
         register_handle: Callable[[Any], int] | None = None) -> bytes:
    """Encode a message (field names to values) into one frame: a JSON object of encoded values."""
    enc = Encoder(register_callback, register_handle)
    tree = {str(k): enc.encode(v) for k, v in message.items()}
    header = json.dumps(tree, separators=(",", ":"), allow_nan=False).encode()
    sizes = [len(b) for b in enc.buffers]
    meta = json.dumps(sizes).encode()
    body = b"".join([meta, b"\n", header, *enc.buffers])
    return _PREFIX.pack(MAGIC, len(meta) + 1 + len(header), len(sizes)) + body


def read_frame(stream: Reader, limit: int = MAX_FRAME_BYTES) -> tuple[Any, list[bytes]]:
    """Read one frame: the JSON tree and its buffers. Raises EOFError at a clean end of stream."""
    prefix = _read_exact(stream, _PREFIX.size, allow_eof=True)
    magic, header_len, nbuf = _PREFIX.unpack(prefix)
    if magic != MAGIC or nbuf > MAX_BUFFERS:
        raise WireError("bad frame prefix")
    if header_len > min(MAX_HEADER_BYTES, limit):
        raise WireError(f"message larger than {min(MAX_HEADER_BYTES, limit) // (1024 * 1024)} MiB")
    head = _read_exact(stream, header_len)
    meta, _, header = head.partition(b"\n")
    try:
        sizes = json.loads(meta)
        tree = json.loads(header)
    except (ValueError, RecursionError) as exc:
        raise WireError("frame header is not valid JSON") from exc
    if type(sizes) is not list or len(sizes) != nbuf or not all(type(s) is int and s >= 0 for s in sizes):
        raise WireError("bad buffer table")
    if header_len + sum(sizes) > limit:
        raise WireError(f"message larger than {limit // (1024 * 1024)} MiB")
    return tree, [_read_exact(stream, s) for s in sizes]


def unpack(tree: Any, buffers: list[bytes], make_callback: Callable[[int], Any] | None = None,
           make_rng: Callable[[RngState], Any] | None = None,
           make_portable: Callable[[str, Any], Any] | None = None,
           make_handle: Callable[[int, str, tuple[str, ...]], Any] | None = None) -> dict:
    """Decode a frame's tree (a JSON object of encoded values) into a message dict."""
    if type(tree) is not dict:
        raise WireError("a message must be a JSON object")
    decoder = Decoder(buffers, make_callback, make_rng, make_portable, make_handle)
    try:
        return {key: decoder.decode(value) for key, value in tree.items()}
    except RecursionError as exc:
        raise WireError("value nested too deeply") from exc


def _read_exact(stream: Reader, n: int, allow_eof: bool = False) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            if allow_eof and got == 0:
                raise EOFError
            raise WireError("stream ended inside a frame")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def read(self, n: int) -> bytes:
        chunk = self.data[self.pos:self.pos + n]
        self.pos += len(chunk)
        return chunk


def unpack_bytes(data: bytes, **hooks: Any) -> dict:
    """Decode one whole frame held in memory (a datagram of a control or status socket)."""
    tree, buffers = read_frame(_BytesReader(data))
    return unpack(tree, buffers, **hooks)
