"""The plain-data codec between grader and child: round trips, and nothing executable gets through."""

import json
import math
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder import models as toy_models
from autograder.models import ToyLM
from autograder.sandbox import wire


def roundtrip(value, **hooks):
    frame = wire.pack({"v": value})
    tree, buffers = wire.read_frame(_Stream(frame))
    return wire.unpack(tree, buffers, **hooks)["v"]


class _Stream:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def read(self, n):
        chunk = self.data[self.pos:self.pos + n]
        self.pos += len(chunk)
        return chunk


def same(a, b):
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape and \
            np.array_equal(a, b, equal_nan=True)
    if isinstance(a, np.generic):
        return type(a) is type(b) and (a == b or (np.isnan(a) and np.isnan(b)))
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
                    st.binary(max_size=20), st.complex_numbers(allow_nan=False))
dtypes = st.sampled_from(["bool", "int8", "int32", "int64", "uint8", "uint64", "float16", "float32", "float64",
                          "complex128"])
arrays = dtypes.flatmap(lambda d: hnp.arrays(np.dtype(d), hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)))
values = st.recursive(st.one_of(scalars, arrays),
                      lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                                              st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                      max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(values)
def test_roundtrip_keeps_types_and_values(value):
    assert same(value, roundtrip(value))


def test_numpy_scalars_stay_numpy_scalars():
    for v in (np.float32(1.5), np.int64(7), np.float64(np.nan), np.bool_(True)):
        out = roundtrip(v)
        assert type(out) is type(v)


def test_zero_dimensional_array_keeps_its_shape():
    out = roundtrip(np.array(3.0))
    assert isinstance(out, np.ndarray) and out.shape == ()


def test_tensors_become_arrays():
    import torch

    out = roundtrip([torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor(3, dtype=torch.int64)])
    assert isinstance(out[0], np.ndarray) and out[0].dtype == np.float32 and out[0].tolist() == [1.0, 2.0]
    assert out[1].shape == () and int(out[1]) == 3
    bf = roundtrip(torch.tensor([1.5], dtype=torch.bfloat16))
    assert bf.dtype == np.float32 and bf.tolist() == [1.5]


class AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


def test_objects_with_hostile_eq_arrive_as_opaque():
    out = roundtrip(AlwaysEqual())
    assert isinstance(out, wire.Opaque)
    assert out != np.array([1.0]) and out != 1.0 and not (out == "anything")
    assert "AlwaysEqual" in out.type_name


def test_object_arrays_and_subclasses_do_not_carry_behaviour():
    out = roundtrip(np.array([AlwaysEqual()], dtype=object))
    assert isinstance(out, wire.Opaque)

    class Sneaky(float):
        def __eq__(self, other):
            return True

    v = roundtrip(Sneaky(2.0))
    assert type(v) is float and v == 2.0 and v != 3.0


def test_generator_travels_as_state():
    rng = np.random.default_rng(5)
    out = roundtrip(rng)
    assert isinstance(out, wire.RngState) and out.state == np.random.default_rng(5).bit_generator.state
    rebuilt = roundtrip(rng, make_rng=lambda s: np.random.Generator(np.random.PCG64()))
    assert isinstance(rebuilt, np.random.Generator)


def test_callables_are_ids_on_the_grader_side_and_opaque_otherwise():
    registered = []
    frame = wire.pack({"f": len}, register_callback=lambda fn: registered.append(fn) or 0)
    tree, buffers = wire.read_frame(_Stream(frame))
    assert registered == [len]
    out = wire.unpack(tree, buffers, make_callback=lambda i: ("callback", i))
    assert out["f"] == ("callback", 0)
    assert isinstance(roundtrip(len), wire.Opaque)


def test_toy_models_cross_as_parameters_and_only_the_child_rebuilds_them():
    lm = ToyLM(7, 3, scale=0.5, eos=6, eos_bias=1.0, masked=(0, 2))
    registered = []
    frame = wire.pack({"f": lm}, register_callback=lambda fn: registered.append(fn) or 0)
    tree, buffers = wire.read_frame(_Stream(frame))
    assert registered == [] and tree["f"]["$pf"] == "toy_lm"
    child = wire.unpack(tree, buffers, make_portable=toy_models.rebuild)["f"]
    assert isinstance(child, ToyLM) and child is not lm
    for seq in [(), (1,), [1, 5, 3], np.array([4, 4])]:
        assert np.array_equal(child(seq), lm(seq))
    assert np.isneginf(child([1])[[0, 2]]).all()
    grader = wire.unpack(tree, buffers)["f"]  # the grader never rebuilds what the child sends
    assert isinstance(grader, wire.Opaque) and grader.type_name == "toy_lm"


@pytest.mark.parametrize("tree", [
    {"v": {"$pf": "os.system", "p": {"$d": [["vocab", 3]]}}},               # not in the registry
    {"v": {"$pf": "toy_lm", "p": {"$d": [["vocab", "x"], ["seed", 1]]}}},   # not a number
    {"v": {"$pf": "toy_lm", "p": {"$d": [["command", "rm"]]}}},             # unknown parameter
    {"v": {"$pf": "toy_lm", "p": [1, 2]}},                                  # parameters not a dict
])
def test_toy_models_with_bad_names_or_parameters_are_rejected(tree):
    tree_, bufs = wire.read_frame(_Stream(forged(tree)))
    with pytest.raises(wire.WireError):
        wire.unpack(tree_, bufs, make_portable=toy_models.rebuild)


def forged(tree, buffers=()):
    meta = json.dumps([len(b) for b in buffers]).encode()
    header = json.dumps(tree).encode()
    body = meta + b"\n" + header
    return struct.pack("<2sxxII", b"AG", len(body), len(buffers)) + body + b"".join(buffers)


@pytest.mark.parametrize("tree, buffers", [
    ({"v": {"$a": 0, "dt": "|O", "sh": [1]}}, [b"\x00" * 8]),          # object dtype
    ({"v": {"$a": 0, "dt": "<f8", "sh": [3]}}, [b"\x00" * 8]),         # size mismatch
    ({"v": {"$a": 5, "dt": "<f8", "sh": [1]}}, [b"\x00" * 8]),         # bad buffer index
    ({"v": {"$pickle": "gASVAAAAAAAAAAB9lC4="}}, []),                 # unknown tag
    ({"v": {"$f": "__import__('os')"}}, []),                          # not a float literal
    ({"v": {"$cb": 0}}, []),                                          # callback where none allowed
    ([1, 2], []),                                                               # not a message
    ({"v": {"$d": [["k", 1, 2]]}}, []),                                         # malformed dict entry
])
def test_malformed_frames_are_rejected(tree, buffers):
    tree_, bufs = wire.read_frame(_Stream(forged(tree, buffers)))
    with pytest.raises(wire.WireError):
        wire.unpack(tree_, bufs)


def test_deep_nesting_and_oversized_frames_are_rejected():
    deep = {"v": [[]]}
    node = deep["v"]
    for _ in range(wire.MAX_DEPTH + 5):
        node.append([])
        node = node[-1]
    tree, bufs = wire.read_frame(_Stream(forged(deep)))
    with pytest.raises(wire.WireError):
        wire.unpack(tree, bufs)
    big = wire.pack({"v": np.zeros(1000)})
    with pytest.raises(wire.WireError):
        wire.read_frame(_Stream(big), limit=100)
    with pytest.raises(wire.WireError):
        wire.read_frame(_Stream(b"XX" + big[2:]))
    with pytest.raises(wire.WireError):
        wire.read_frame(_Stream(big[:-3]))
