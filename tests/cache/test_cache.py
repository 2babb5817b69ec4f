"""cache=True: a fresh process loads each specialisation from disk instead of
compiling it (dispatcher.stats counts hits and misses, as Numba's), gets the
results plain Python/NumPy give, and recompiles when anything it depends on
changed."""

import json
import os
import pathlib
import subprocess
import sys
import warnings

import numpy as np
import pytest
from tests.cache.kernels_source import CHAIN, KERNELS

import ember
from ember import config
from ember.errors import EmberCacheWarning

SRC = str(pathlib.Path(ember.__file__).resolve().parents[1])


def write(folder, name, text):
    path = folder / f"{name}.py"
    path.write_text(text)
    return path


def run(path, cache_dir=None):
    """Run a module in a fresh interpreter; its JSON report."""
    env = {k: v for k, v in os.environ.items() if k not in ("EMBER_CACHE_DIR",
                                                            "NUMBA_CACHE_DIR")}
    env["PYTHONPATH"] = SRC
    env["XDG_CACHE_HOME"] = str(path.parent / "user-cache")  # ember's runtime modules
    if cache_dir is not None:
        env["EMBER_CACHE_DIR"] = str(cache_dir)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          env=env, cwd=path.parent, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def start(path):
    env = {k: v for k, v in os.environ.items() if k != "EMBER_CACHE_DIR"}
    env["PYTHONPATH"] = SRC
    env["XDG_CACHE_HOME"] = str(path.parent / "user-cache")
    return subprocess.Popen([sys.executable, str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=path.parent)


def expected_kernels():
    a = np.arange(10.0)
    table = np.array([1.5, -2.0, 3.25, 0.5])
    return {"scalar": 2.5 * 4 + 1,
            "arrays": [a[i] * 2.0 + table[i % 4] for i in range(10)],
            "draws": np.random.RandomState(42).random_sample(7).tolist(),
            "caller": float(sum(x * 3.0 - 1.0 for x in a)), "callee": 5.0,
            "products": [285.0, [5.0, 14.0, 23.0]],
            "squares": float(sum(x * x for x in range(1000))),
            "checked": ["ValueError", "negative input", 1.5]}


def entries(folder):
    """The cache entries of functions (not ember's runtime modules) under folder."""
    return sorted(p for p in folder.rglob("*.emberc") if p.parent.name != "ember-runtime")


def test_second_process_loads_every_kernel_from_the_cache(tmp_path):
    path = write(tmp_path, "kernels", KERNELS)
    cold = run(path)
    assert cold["results"] == expected_kernels()
    assert all(hits == 0 and misses >= 1 for hits, misses in cold["stats"].values())
    assert len(entries(tmp_path / "__pycache__")) == 8
    warm = run(path)
    assert warm["results"] == expected_kernels()
    assert all(hits >= 1 and misses == 0 for hits, misses in warm["stats"].values()), warm
    # ember's runtime modules (memory runtime, thread pool, trampoline) are stored too.
    runtime = sorted(p.name.split(".")[0] for p in (tmp_path / "user-cache").rglob("*.emberc"))
    assert runtime == ["ember_nrt", "ember_threads", "ember_trampoline"]


def test_cache_dir_setting_moves_the_entries(tmp_path):
    folder = tmp_path / "code"
    folder.mkdir()
    path = write(folder, "chain", CHAIN)
    run(path, cache_dir=tmp_path / "store")
    assert not (folder / "__pycache__").exists()
    assert len(entries(tmp_path / "store")) == 3
    warm = run(path, cache_dir=tmp_path / "store")
    assert warm["stats"] == {"inner": [1, 0], "outer": [1, 0], "other": [1, 0]}


def test_edits_invalidate_exactly_the_specialisations_that_depend_on_them(tmp_path):
    path = write(tmp_path, "chain", CHAIN)
    assert run(path)["results"] == {"inner": 6.0, "outer": 12.0, "other": 4.0}
    assert run(path)["stats"] == {"inner": [1, 0], "outer": [1, 0], "other": [1, 0]}
    # A callee's source: the callee and every caller compiled with it.
    text = CHAIN.replace("return x + 1.0", "return x + 10.0")
    path.write_text(text)
    edited = run(path)
    assert edited["results"] == {"inner": 15.0, "outer": 30.0, "other": 4.0}
    assert edited["stats"] == {"inner": [0, 1], "outer": [0, 1], "other": [1, 0]}
    # A global constant the function froze.
    text = text.replace("SCALE = 2.0", "SCALE = 3.0")
    path.write_text(text)
    edited = run(path)
    assert edited["results"] == {"inner": 15.0, "outer": 45.0, "other": 4.0}
    assert edited["stats"] == {"inner": [1, 0], "outer": [0, 1], "other": [1, 0]}
    # The function's own source.
    text = text.replace("return x - 1.0", "return x - 2.0")
    path.write_text(text)
    edited = run(path)
    assert edited["results"] == {"inner": 15.0, "outer": 45.0, "other": 3.0}
    assert edited["stats"] == {"inner": [1, 0], "outer": [1, 0], "other": [0, 1]}


def test_corrupt_and_truncated_entries_are_recompiled(tmp_path):
    path = write(tmp_path, "chain", CHAIN)
    run(path)
    files = entries(tmp_path / "__pycache__")
    files[0].write_bytes(files[0].read_bytes()[:100])  # truncated
    files[1].write_bytes(b"not a cache entry at all")
    data = bytearray(files[2].read_bytes())
    data[-10] ^= 0xFF  # one flipped byte
    files[2].write_bytes(bytes(data))
    again = run(path)
    assert again["results"] == {"inner": 6.0, "outer": 12.0, "other": 4.0}
    assert again["stats"] == {"inner": [0, 1], "outer": [0, 1], "other": [0, 1]}
    assert run(path)["stats"] == {"inner": [1, 0], "outer": [1, 0], "other": [1, 0]}


def test_processes_racing_to_write_the_same_entries(tmp_path):
    path = write(tmp_path, "chain", CHAIN)
    racers = [start(path) for _ in range(3)]
    for racer in racers:
        out, err = racer.communicate(timeout=120)
        assert racer.returncode == 0, err
        assert json.loads(out.strip().splitlines()[-1])["results"]["outer"] == 12.0
    assert not list((tmp_path / "__pycache__").glob("*.tmp"))
    assert len(entries(tmp_path / "__pycache__")) == 3
    assert run(path)["stats"] == {"inner": [1, 0], "outer": [1, 0], "other": [1, 0]}


# ---- uncacheable functions warn and still work (in this process) ----------------------

@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", str(tmp_path))
    return tmp_path


def test_lambda_warns_and_runs(cache_dir):
    f = ember.njit(cache=True)(lambda x: x * 2 + 1)
    with pytest.warns(EmberCacheWarning, match="cannot cache .*<lambda>: it is a lambda"):
        assert f(20) == 41
    assert not entries(cache_dir)


def test_function_from_exec_warns_and_runs(cache_dir):
    import linecache

    source = "def tripled(x):\n    return 3 * x\n"
    filename = "<ember-cache-test>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {}
    exec(compile(source, filename, "exec"), namespace)
    f = ember.njit(cache=True)(namespace["tripled"])
    with pytest.warns(EmberCacheWarning, match="cannot cache tripled: it was defined in exec"):
        assert f(7) == 21
    assert not entries(cache_dir)


def test_object_without_a_name_makes_the_specialisation_uncacheable(cache_dir):
    class LocalError(Exception):
        pass

    @ember.njit(cache=True)
    def guarded(x):
        if x < 0:
            raise LocalError("negative")
        return x + 1

    with pytest.warns(EmberCacheWarning, match="cannot cache .*guarded \\(int64\\(int64\\)\\)"
                      ".*LocalError"):
        assert guarded(1) == 2
    with pytest.raises(LocalError, match="negative"):
        guarded(-1)
    assert not entries(cache_dir)


def test_cached_specialisation_supports_introspection(cache_dir):
    @ember.njit(cache=True)
    def plus(x, y):
        return x + y

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert plus(1.5, 2.0) == 3.5
    assert plus.stats.cache_misses and plus.stats.cache_path.startswith(str(cache_dir))
    assert len(entries(cache_dir)) == 1
    fresh = ember.njit(cache=True)(plus.py_func)  # a second dispatcher reads the entry
    assert fresh(1.5, 2.0) == 3.5
    assert sum(fresh.stats.cache_hits.values()) == 1
    assert [str(s) for s in fresh.nopython_signatures] == ["float64(float64, float64)"]
    assert "fadd" in fresh.inspect_llvm(fresh.signatures[0])
    text = _types_text(fresh)
    assert "loaded from the on-disk cache" in text and "x: float64" in text


def test_eager_signatures_are_cached(cache_dir):
    def halve(x):
        return x / 2

    first = ember.njit("float64(int64)", cache=True)(halve)
    assert first(3) == 1.5 and sum(first.stats.cache_misses.values()) == 1
    second = ember.njit("float64(int64)", cache=True)(halve)
    assert second(3) == 1.5 and sum(second.stats.cache_hits.values()) == 1


def _types_text(dispatcher):
    import io

    out = io.StringIO()
    dispatcher.inspect_types(file=out)
    return out.getvalue()


def test_address_embedded_without_a_symbol_is_caught(cache_dir, monkeypatch):
    """A constant address that bypassed the relocation scheme (new codegen that
    forgot pointer_constant) makes the entry uncacheable, never a wrong load."""
    from llvmlite import ir

    from ember.codegen import models as m
    from ember.codegen.module import ModuleEmitter

    monkeypatch.setattr(ModuleEmitter, "pointer_constant",
                        lambda self, address: ir.Constant(m.i64, address).inttoptr(m.i8p))

    @ember.njit(cache=True)
    def checked_half(x):
        if x < 0:
            raise ValueError("negative")
        return x / 2

    with pytest.warns(EmberCacheWarning, match="embeds an address of this process"):
        assert checked_half(3.0) == 1.5
    with pytest.raises(ValueError, match="negative"):
        checked_half(-1.0)
    assert not entries(cache_dir)


def test_entry_needing_a_symbol_this_process_lacks_is_recompiled(tmp_path):
    """LLVM aborts the process on an unresolved symbol: such an entry is a miss."""
    import hashlib
    import pickle

    path = write(tmp_path, "chain", CHAIN)
    run(path)
    (entry,) = [p for p in entries(tmp_path / "__pycache__") if ".other." in p.name]
    raw = entry.read_bytes()
    head = raw.index(b"\x00") + 1 + 32
    record = pickle.loads(raw[head:])
    record["externals"].append("ember_symbol_nowhere")
    data = pickle.dumps(record)
    entry.write_bytes(raw[:head - 32] + hashlib.sha256(data).digest() + data)
    again = run(path)
    assert again["results"] == {"inner": 6.0, "outer": 12.0, "other": 4.0}
    assert again["stats"] == {"inner": [1, 0], "outer": [1, 0], "other": [0, 1]}
