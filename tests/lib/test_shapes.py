"""expand_dims, squeeze, swapaxes, moveaxis (views), ascontiguousarray,
asfortranarray, take, append, a.fill (lib/shapes.py), logspace and
geomspace (lib/ranges.py), triu_indices and tril_indices (lib/matrices.py)
in compiled code against NumPy; with leak checks."""

import numpy as np
import pytest
from numpy.exceptions import AxisError

import ember
from ember.errors import TypingError
from ember.runtime import stats

rng = np.random.default_rng(19)


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked arrays"


def check(got, want):
    assert len(got) == len(want)
    for k, (g, w) in enumerate(zip(got, want)):
        if isinstance(w, tuple):
            check(g, w)
        elif isinstance(w, np.ndarray):
            np.testing.assert_array_equal(g, w, strict=True, err_msg=str(k))
        else:
            assert g == w, (k, g, w)


@ember.njit
def views(a, i, j):
    return (np.expand_dims(a, i), np.expand_dims(a, -1), np.squeeze(np.expand_dims(a, j), j),
            np.swapaxes(a, i, j), a.swapaxes(0, -1), np.moveaxis(a, i, j),
            np.moveaxis(a, -1, 0), np.expand_dims(a, j).squeeze(axis=j))


@pytest.mark.parametrize("a", [
    np.arange(24.0).reshape(2, 3, 4),
    np.arange(48).reshape(4, 3, 4)[::2, :, 1::2],
    np.asfortranarray(rng.random((3, 2, 5)).astype(np.float32)),
    np.zeros((0, 2, 1), np.bool_),
])
@pytest.mark.parametrize("i, j", [(0, 2), (-1, 1), (1, 1)])
def test_views(a, i, j):
    check(views(a, i, j), views.py_func(a, i, j))


def test_views_share_memory():
    @ember.njit
    def write(a):
        np.swapaxes(a, 0, 1)[2, 0] = -1.0
        np.expand_dims(a, 0)[0, 0, 0] = -2.0
        np.moveaxis(a, 0, 1)[2, 1] = -3.0
        np.squeeze(a[None], 0)[1, 0] = -4.0
    a = np.zeros((2, 3))
    write(a)
    np.testing.assert_array_equal(a, [[-2.0, 0.0, -1.0], [-4.0, 0.0, -3.0]])


def test_view_errors():
    with pytest.raises(AxisError, match="axis 3 is out of bounds for array of dimension 3"):
        views(np.ones((2, 2)), 3, 0)
    with pytest.raises(ValueError, match="cannot select an axis to squeeze out"):
        @ember.njit
        def squeeze(a):
            return np.squeeze(a, 0)
        squeeze(np.ones((2, 1)))

    @ember.njit
    def squeeze_all(a):
        return np.squeeze(a)
    with pytest.raises(TypingError, match=r"squeeze\(\) does not support arguments"):
        squeeze_all(np.ones((2, 1)))


@ember.njit
def layouts(a):
    return np.ascontiguousarray(a), np.asfortranarray(a), np.ascontiguousarray(a, np.float64)


@pytest.mark.parametrize("a", [
    np.arange(6).reshape(2, 3), np.arange(12.0).reshape(3, 4).T, np.arange(10)[::3],
    np.arange(12).reshape(2, 6)[:, ::2],
])
def test_layouts(a):
    got, want = layouts(a), layouts.py_func(a)
    check(got, want)
    assert got[0].flags.c_contiguous and got[1].flags.f_contiguous


def test_layouts_of_0d():
    @ember.njit
    def of_0d(a):
        return np.ascontiguousarray(a[()]), np.asfortranarray(a[()])
    a = np.full((), 3.5)
    check(layouts(a), layouts.py_func(a))


@ember.njit
def taken(a, i):
    return np.take(a, i), a.take(i[0]), np.take(a, -1), np.take(a, 0)


@pytest.mark.parametrize("a", [rng.random((3, 4)), rng.integers(0, 9, (4, 6))[::2, ::-2]])
def test_take(a):
    i = np.array([[0, -1], [a.size - 1, 2]])
    check(taken(a, i), taken.py_func(a, i))
    with pytest.raises(IndexError, match=f"index 99 is out of bounds for axis 0 with size "
                                         f"{a.size}"):
        taken(a, np.array([0, 99]))


def test_append_and_fill():
    @ember.njit
    def appended(a, b, x):
        c = a.copy()
        c.fill(x)
        d = np.empty((2, 2))
        d.fill(7)
        e = a[:, ::2].copy()
        e[::2].fill(True)
        return (np.append(a, b), np.append(a, x), np.append(a, 3), np.append(a, a, axis=0),
                np.append(a, a, 1), np.append(b, a), c, d, e)
    a, b = np.arange(6).reshape(2, 3), rng.random((2, 2))
    check(appended(a, b, 2.5), appended.py_func(a, b, 2.5))

    @ember.njit
    def mismatch(a, b):
        return np.append(a, b, 0)
    with pytest.raises(ValueError, match="all the input array dimensions"):
        mismatch(a, np.ones((1, 2), np.int64))


@ember.njit
def ranges(start, stop, n):
    return (np.logspace(start, stop), np.logspace(start, stop, n, False), np.logspace(
        start, stop, num=n, base=2.0), np.geomspace(1, 1000, 4), np.geomspace(start, stop, n),
            np.geomspace(-stop, -start, n, endpoint=False))


@pytest.mark.filterwarnings("ignore:invalid value encountered in log10:RuntimeWarning")
@pytest.mark.parametrize("start, stop, n", [(0.5, 3.0, 7), (2.0, -1.0, 1), (1.0, 4.0, 0)])
def test_ranges(start, stop, n):
    """ember's power and log10 may differ from NumPy's in the last bit."""
    got, want = ranges(start, stop, n), ranges.py_func(start, stop, n)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=4e-16)
    with pytest.raises(ValueError, match="Geometric sequence cannot include zero"):
        ranges(0.0, 1.0, 3)


def test_triangle_indices():
    @ember.njit
    def triangles(n, k, m):
        return (np.triu_indices(n), np.triu_indices(n, k), np.tril_indices(n, k, m),
                np.tril_indices(n, -k), np.triu_indices(n, m=m))
    for args in [(4, 1, 6), (0, 0, 2), (3, -1, 2)]:
        check(triangles(*args), triangles.py_func(*args))


def test_flat():
    @ember.njit
    def flat(a, b):
        total = 0.0
        for x in a.flat:
            total += x
        a.flat[2] = -1.0
        c = np.zeros((2, 3))
        c.flat[4] = 9.0
        strided = 0.0
        for x in b.flat:
            strided += x
        return total, a.flat[5], c, b.flat[1], strided, len(a.flat), a.flat[-1]
    a, b = np.arange(12.0).reshape(3, 4), np.arange(10.0)[::3]
    expected_a = a.copy()
    want = flat.py_func(expected_a, b)
    check(flat(a, b), want)
    np.testing.assert_array_equal(a, expected_a)

    @ember.njit
    def fortran(a):
        return a.flat[0]
    with pytest.raises(TypingError, match="a.flat of a non-C-contiguous array"):
        fortran(np.ones((2, 2)).T)
