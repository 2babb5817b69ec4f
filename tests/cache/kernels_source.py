"""Module texts the cache tests write to a temporary folder and run in fresh
processes (kept here as strings so each test edits its own copy)."""

KERNELS = '''
import json
import sys

import numpy as np

import ember

TABLE = np.array([1.5, -2.0, 3.25, 0.5])


@ember.njit(cache=True)
def scalar(x, n):
    return x * n + 1


@ember.njit(cache=True)
def arrays(a):
    out = np.empty_like(a)
    for i in range(a.shape[0]):
        out[i] = a[i] * 2.0 + TABLE[i % 4]
    return out


@ember.njit(cache=True)
def checked(x):
    if x < 0:
        raise ValueError("negative input")
    return x * 0.5


@ember.njit(cache=True)
def draws(n):
    np.random.seed(42)
    out = np.empty(n)
    for i in range(n):
        out[i] = np.random.random()
    return out


@ember.njit(cache=True)
def callee(x):
    return x * 3.0 - 1.0


@ember.njit(cache=True)
def caller(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += callee(a[i])
    return s


@ember.njit(cache=True)
def products(a, m):
    return np.dot(a, a), m @ a[:3]  # BLAS through SciPy's function pointers


@ember.njit(cache=True, parallel=True)
def squares(a):
    s = 0.0
    for i in ember.prange(a.shape[0]):
        s += a[i] * a[i]
    return s


def main():
    a = np.arange(10.0)
    results = {"scalar": scalar(2.5, 4), "arrays": arrays(a).tolist(),
               "draws": draws(7).tolist(), "caller": caller(a),
               "callee": callee(2.0),
               "products": [x.tolist() if hasattr(x, "tolist") else x
                            for x in products(a, np.arange(9.0).reshape(3, 3))],
               "squares": squares(np.arange(1000.0))}
    try:
        checked(-1.0)
    except ValueError as exc:
        results["checked"] = [type(exc).__name__, str(exc), checked(3.0)]
    stats = {name: [sum(f.stats.cache_hits.values()), sum(f.stats.cache_misses.values())]
             for name, f in globals().items() if hasattr(f, "stats")}
    print(json.dumps({"results": results, "stats": stats}))


main()
'''

CHAIN = '''
import json

import ember

SCALE = 2.0


@ember.njit(cache=True)
def inner(x):
    return x + 1.0


@ember.njit(cache=True)
def outer(x):
    return inner(x) * SCALE


@ember.njit(cache=True)
def other(x):
    return x - 1.0


results = {"inner": inner(5.0), "outer": outer(5.0), "other": other(5.0)}
stats = {name: [sum(f.stats.cache_hits.values()), sum(f.stats.cache_misses.values())]
         for name, f in [("inner", inner), ("outer", outer), ("other", other)]}
print(json.dumps({"results": results, "stats": stats}))
'''
