"""Fields of every kind a spec can name, read and written from Python and from
compiled code, against the plain class."""

from collections import OrderedDict

import numpy as np
import pytest

import ember
from ember import boolean, complex128, float32, float64, int32, int64, uint8
from ember.runtime import stats
from ember.types import Tuple, UniTuple


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked memory"


class Scalars:
    def __init__(self, i, f, b, c, i32, f32, u8):
        self.i, self.f, self.b, self.c = i, f, b, c
        self.i32, self.f32, self.u8 = i32, f32, u8

    def combined(self):
        return self.i + self.f + (1 if self.b else 0) + self.c + self.i32 + self.f32 + self.u8


SCALAR_SPEC = [('i', int64), ('f', float64), ('b', boolean), ('c', complex128), ('i32', int32),
               ('f32', float32), ('u8', uint8)]


def test_scalar_fields():
    JitScalars = ember.jitclass(SCALAR_SPEC)(Scalars)
    args = (-3, 2.5, True, 1 - 2j, 7, 0.5, 200)
    plain, compiled = Scalars(*args), JitScalars(*args)
    assert compiled.combined() == plain.combined()
    for name, value in zip(["i", "f", "b", "c", "i32", "f32", "u8"], args):
        got = getattr(compiled, name)
        assert got == value and type(got) is type(value), name
    compiled.i, compiled.b, compiled.f = 10, False, 7  # Python ints convert to float64
    assert (compiled.i, compiled.b, compiled.f) == (10, False, 7.0)
    assert type(compiled.f) is float


class Arrays:
    def __init__(self, a, b, c, d, e):
        self.a, self.b, self.c, self.d, self.e = a, b, c, d, e

    def total(self):
        return self.a.sum() + self.b.sum() + self.c.sum() + self.d.sum() + self.e.sum()


def test_array_fields_of_every_dtype_ndim_and_layout():
    spec = OrderedDict(a=float64[:], b=int32[:, :], c=float64[::1, :], d=uint8[:, :, ::1],
                       e=boolean[:])
    JitArrays = ember.jitclass(spec)(Arrays)
    a = np.arange(10.0)[::3]
    b = np.arange(12, dtype=np.int32).reshape(3, 4)
    c = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    d = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    e = np.array([True, False, True])
    compiled = JitArrays(a, b, c, d, e)
    assert compiled.total() == Arrays(a, b, c, d, e).total()
    for name, value in zip("abcde", (a, b, c, d, e)):
        got = getattr(compiled, name)
        np.testing.assert_array_equal(got, value)
        assert got.dtype == value.dtype


def test_annotations_and_python_types():
    @ember.jitclass
    class Annotated:
        x: float
        n: int
        flag: bool
        data: float64[:]

        def __init__(self, x, n, data):
            self.x, self.n, self.flag, self.data = x, n, n > 2, data

        def value(self):
            return self.x * self.n + self.data[0] + self.flag

    compiled = Annotated(1.5, 3, np.array([4.0]))
    assert compiled.value() == 1.5 * 3 + 4.0 + 1
    assert ember.typeof(compiled).field_types["n"] == int64


class Pair:
    def __init__(self, t, mixed):
        self.t, self.mixed = t, mixed

    def first(self):
        return self.t[0] + self.mixed[0] + self.mixed[1].sum()


def test_tuple_fields():
    JitPair = ember.jitclass([('t', UniTuple(float64, 3)),
                              ('mixed', Tuple([int64, float64[:]]))])(Pair)
    arr = np.array([1.0, 2.0])
    compiled = JitPair((1.0, 2.0, 3.0), (4, arr))
    assert compiled.first() == Pair((1.0, 2.0, 3.0), (4, arr)).first()
    assert compiled.t == (1.0, 2.0, 3.0)
    assert compiled.mixed[0] == 4 and np.shares_memory(compiled.mixed[1], arr)


class Node:
    def __init__(self, value, child):
        self.value, self.child = value, child

    def total(self):
        return self.value + self.child.total()


class Leaf:
    def __init__(self, value, weights):
        self.value, self.weights = value, weights

    def total(self):
        return self.value * self.weights.sum()


def test_nested_instances():
    JitLeaf = ember.jitclass([('value', float64), ('weights', float64[:])])(Leaf)
    JitNode = ember.jitclass([('value', float64),
                              ('child', JitLeaf.class_type.instance_type)])(Node)
    weights = np.array([1.0, 2.0])
    leaf = JitLeaf(3.0, weights)
    node = JitNode(1.0, leaf)
    assert node.total() == Node(1.0, Leaf(3.0, weights)).total()
    assert isinstance(node.child, JitLeaf)
    node.child.value = 10.0  # the same native struct as `leaf`
    assert leaf.value == 10.0 and node.total() == 1.0 + 30.0
    node.child = JitLeaf(0.5, np.ones(4))
    assert node.total() == 3.0 and leaf.value == 10.0

    @ember.njit
    def build(v):
        return JitNode(v, JitLeaf(v, np.full(3, v)))

    built = build(2.0)
    assert built.total() == 2.0 + 2.0 * 6.0 and built.child.weights.sum() == 6.0
