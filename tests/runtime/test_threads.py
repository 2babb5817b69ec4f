"""The thread pool (runtime/threads.py), JIT-compiled on its own and driven by
small parallel bodies written in LLVM IR.

The pool goes into a private MCJIT engine rather than the CPU target's, so
that it never clashes with the `ember_parallel_for` the target itself
defines (the serial stand-in today, the real pool once integrated) and no
other test's symbol bindings change.
"""

import ctypes
import os
import pathlib
import platform
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

import llvmlite.binding as llvm
import numpy as np
import pytest

from ember.codegen.module import ModuleEmitter
from ember.runtime import nrt, threads
from ember.targets.cpu.jit import cpu_target

BODIES = r"""
declare i32 @ember_parallel_for(i32 (i8*, i64, i64, i64)*, i8*, i64)
declare i64 @ember_get_thread_id()
declare i64 @ember_get_num_threads()

; env = {i64* tids, i64* squares, i64* counts}: tids[i] = tid, squares[i] = i*i,
; counts[i] += 1 (atomically: a second visit would show).
define i32 @fill(i8* %env, i64 %start, i64 %stop, i64 %tid) {
entry:
  %e = bitcast i8* %env to i64**
  %tids = load i64*, i64** %e
  %p1 = getelementptr i64*, i64** %e, i64 1
  %sq = load i64*, i64** %p1
  %p2 = getelementptr i64*, i64** %e, i64 2
  %cnt = load i64*, i64** %p2
  br label %loop
loop:
  %i = phi i64 [%start, %entry], [%next, %loop]
  %a = getelementptr i64, i64* %tids, i64 %i
  store i64 %tid, i64* %a
  %b = getelementptr i64, i64* %sq, i64 %i
  %ii = mul i64 %i, %i
  store i64 %ii, i64* %b
  %c = getelementptr i64, i64* %cnt, i64 %i
  %old = atomicrmw add i64* %c, i64 1 monotonic
  %next = add i64 %i, 1
  %more = icmp slt i64 %next, %stop
  br i1 %more, label %loop, label %exit
exit:
  ret i32 0
}

; env = {i64* tids, i64* sink, i64 falling}: iteration i costs i+1 steps of an
; LCG, or falling-i steps when falling > 0.
define i32 @triangle(i8* %env, i64 %start, i64 %stop, i64 %tid) {
entry:
  %e = bitcast i8* %env to i64**
  %tids = load i64*, i64** %e
  %p1 = getelementptr i64*, i64** %e, i64 1
  %sink = load i64*, i64** %p1
  %p2 = getelementptr i64*, i64** %e, i64 2
  %pf = bitcast i64** %p2 to i64*
  %falling = load i64, i64* %pf
  %rising = icmp sle i64 %falling, 0
  br label %outer
outer:
  %i = phi i64 [%start, %entry], [%inext, %done]
  %back = sub i64 %falling, %i
  %back1 = sub i64 %back, 1
  %last = select i1 %rising, i64 %i, i64 %back1
  br label %inner
inner:
  %j = phi i64 [0, %outer], [%jn, %inner]
  %x = phi i64 [%i, %outer], [%x2, %inner]
  %x1 = mul i64 %x, 6364136223846793005
  %x2 = add i64 %x1, 1442695040888963407
  %jn = add i64 %j, 1
  %c = icmp sle i64 %jn, %last
  br i1 %c, label %inner, label %done
done:
  %a = getelementptr i64, i64* %tids, i64 %i
  store i64 %tid, i64* %a
  %s = getelementptr i64, i64* %sink, i64 %i
  store i64 %x2, i64* %s
  %inext = add i64 %i, 1
  %more = icmp slt i64 %inext, %stop
  br i1 %more, label %outer, label %exit
exit:
  ret i32 0
}

; env = {i64 fail_at, i64 status, i64* counts}: counts[i] += 1, but iteration
; fail_at returns `status` instead.
define i32 @fail(i8* %env, i64 %start, i64 %stop, i64 %tid) {
entry:
  %e = bitcast i8* %env to i64*
  %at = load i64, i64* %e
  %p1 = getelementptr i64, i64* %e, i64 1
  %status = load i64, i64* %p1
  %p2 = getelementptr i64, i64* %e, i64 2
  %pc = bitcast i64* %p2 to i64**
  %cnt = load i64*, i64** %pc
  br label %loop
loop:
  %i = phi i64 [%start, %entry], [%next, %ok]
  %bad = icmp eq i64 %i, %at
  br i1 %bad, label %raise, label %ok
raise:
  %st = trunc i64 %status to i32
  ret i32 %st
ok:
  %c = getelementptr i64, i64* %cnt, i64 %i
  %old = atomicrmw add i64* %c, i64 1 monotonic
  %next = add i64 %i, 1
  %more = icmp slt i64 %next, %stop
  br i1 %more, label %loop, label %exit
exit:
  ret i32 0
}

; env = {i64* tids, i64* pool_ids, i64* counts}: the tid argument, and what
; ember_get_thread_id / ember_get_num_threads say inside the body.
define i32 @ids(i8* %env, i64 %start, i64 %stop, i64 %tid) {
entry:
  %e = bitcast i8* %env to i64**
  %tids = load i64*, i64** %e
  %p1 = getelementptr i64*, i64** %e, i64 1
  %pids = load i64*, i64** %p1
  %p2 = getelementptr i64*, i64** %e, i64 2
  %nts = load i64*, i64** %p2
  %pid = call i64 @ember_get_thread_id()
  %nt = call i64 @ember_get_num_threads()
  br label %loop
loop:
  %i = phi i64 [%start, %entry], [%next, %loop]
  %a = getelementptr i64, i64* %tids, i64 %i
  store i64 %tid, i64* %a
  %b = getelementptr i64, i64* %pids, i64 %i
  store i64 %pid, i64* %b
  %c = getelementptr i64, i64* %nts, i64 %i
  store i64 %nt, i64* %c
  %next = add i64 %i, 1
  %more = icmp slt i64 %next, %stop
  br i1 %more, label %loop, label %exit
exit:
  ret i32 0
}

; env = {i64* counts, i64* inner_tids, i64 m, i64* outer_tids}: each outer
; iteration i runs a nested region over counts[i*m : i*m+m].
define i32 @outer(i8* %env, i64 %start, i64 %stop, i64 %tid) {
entry:
  %e = bitcast i8* %env to i64*
  %p2 = getelementptr i64, i64* %e, i64 2
  %m = load i64, i64* %p2
  %p3 = getelementptr i64, i64* %e, i64 3
  %pot = bitcast i64* %p3 to i64**
  %otids = load i64*, i64** %pot
  %pcnt = bitcast i8* %env to i64**
  %cnt = load i64*, i64** %pcnt
  %p1 = getelementptr i64, i64* %e, i64 1
  %pit = bitcast i64* %p1 to i64**
  %itids = load i64*, i64** %pit
  %inner_env = alloca {i64*, i64*, i64}
  %f0 = getelementptr {i64*, i64*, i64}, {i64*, i64*, i64}* %inner_env, i32 0, i32 0
  store i64* %cnt, i64** %f0
  %f1 = getelementptr {i64*, i64*, i64}, {i64*, i64*, i64}* %inner_env, i32 0, i32 1
  store i64* %itids, i64** %f1
  %f2 = getelementptr {i64*, i64*, i64}, {i64*, i64*, i64}* %inner_env, i32 0, i32 2
  %raw = bitcast {i64*, i64*, i64}* %inner_env to i8*
  br label %loop
loop:
  %i = phi i64 [%start, %entry], [%next, %ok]
  %base = mul i64 %i, %m
  store i64 %base, i64* %f2
  %st = call i32 @ember_parallel_for(i32 (i8*, i64, i64, i64)* @inner, i8* %raw, i64 %m)
  %bad = icmp ne i32 %st, 0
  br i1 %bad, label %raise, label %ok
raise:
  ret i32 %st
ok:
  %o = getelementptr i64, i64* %otids, i64 %i
  store i64 %tid, i64* %o
  %next = add i64 %i, 1
  %more = icmp slt i64 %next, %stop
  br i1 %more, label %loop, label %exit
exit:
  ret i32 0
}

define internal i32 @inner(i8* %env, i64 %start, i64 %stop, i64 %tid) {
entry:
  %e = bitcast i8* %env to {i64*, i64*, i64}*
  %f0 = getelementptr {i64*, i64*, i64}, {i64*, i64*, i64}* %e, i32 0, i32 0
  %cnt = load i64*, i64** %f0
  %f1 = getelementptr {i64*, i64*, i64}, {i64*, i64*, i64}* %e, i32 0, i32 1
  %itids = load i64*, i64** %f1
  %f2 = getelementptr {i64*, i64*, i64}, {i64*, i64*, i64}* %e, i32 0, i32 2
  %base = load i64, i64* %f2
  br label %loop
loop:
  %j = phi i64 [%start, %entry], [%next, %loop]
  %k = add i64 %base, %j
  %c = getelementptr i64, i64* %cnt, i64 %k
  %old = atomicrmw add i64* %c, i64 1 monotonic
  %t = getelementptr i64, i64* %itids, i64 %k
  store i64 %tid, i64* %t
  %next = add i64 %j, 1
  %more = icmp slt i64 %next, %stop
  br i1 %more, label %loop, label %exit
exit:
  ret i32 0
}

; env = {i64* tids, i64 steps, i64 fail, i64 sink}: each iteration runs
; `steps` steps of an LCG and records its thread; a worker (tid != 0) returns
; `fail` instead, at once, when it is nonzero.
define i32 @spin(i8* %env, i64 %start, i64 %stop, i64 %tid) {
entry:
  %e = bitcast i8* %env to i64*
  %pt = bitcast i8* %env to i64**
  %tids = load i64*, i64** %pt
  %p1 = getelementptr i64, i64* %e, i64 1
  %steps = load i64, i64* %p1
  %p2 = getelementptr i64, i64* %e, i64 2
  %fail = load i64, i64* %p2
  %sink = getelementptr i64, i64* %e, i64 3
  %worker = icmp ne i64 %tid, 0
  %failing = icmp ne i64 %fail, 0
  %bad = and i1 %worker, %failing
  br i1 %bad, label %raise, label %outer
raise:
  %st = trunc i64 %fail to i32
  ret i32 %st
outer:
  %i = phi i64 [%start, %entry], [%inext, %done]
  br label %inner
inner:
  %j = phi i64 [0, %outer], [%jn, %inner]
  %x = phi i64 [%i, %outer], [%x2, %inner]
  %x1 = mul i64 %x, 6364136223846793005
  %x2 = add i64 %x1, 1442695040888963407
  %jn = add i64 %j, 1
  %c = icmp slt i64 %jn, %steps
  br i1 %c, label %inner, label %done
done:
  store volatile i64 %x2, i64* %sink
  %a = getelementptr i64, i64* %tids, i64 %i
  store i64 %tid, i64* %a
  %inext = add i64 %i, 1
  %more = icmp slt i64 %inext, %stop
  br i1 %more, label %outer, label %exit
exit:
  ret i32 0
}

define internal i32 @empty(i8* %env, i64 %start, i64 %stop, i64 %tid) {
  ret i32 0
}

; k regions over n empty iterations, for the per-region overhead.
define void @empty_regions(i64 %k, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [0, %entry], [%next, %loop]
  %r = call i32 @ember_parallel_for(i32 (i8*, i64, i64, i64)* @empty, i8* null, i64 %n)
  %next = add i64 %i, 1
  %more = icmp slt i64 %next, %k
  br i1 %more, label %loop, label %exit
exit:
  ret void
}
"""
BODY_NAMES = ("fill", "triangle", "fail", "ids", "outer", "spin", "empty_regions")


class Pool(threads.ThreadPool):
    """A private copy of the pool with the test bodies beside it."""

    def __init__(self, max_threads=2):
        target = cpu_target()
        module = ModuleEmitter("ember_threads_test")
        threads.emit_thread_pool(module)
        machine = llvm.Target.from_default_triple().create_target_machine(
            cpu=llvm.get_host_cpu_name(), opt=3, jit=True, codemodel="jitdefault")
        self.engine = llvm.create_mcjit_compiler(target.optimize(str(module.llvm)), machine)
        self.engine.add_module(target.optimize(BODIES))
        self.engine.finalize_object()
        addresses = {name: self.engine.get_function_address(name)
                     for name in threads.FUNCTIONS}
        super().__init__(addresses, max_threads=max_threads, owner=self.engine)
        self.bodies = {name: self.engine.get_function_address(name) for name in BODY_NAMES}

    def run(self, body, env, n):
        return self.parallel_for(self.bodies[body], ctypes.addressof(env), n)


def pointers(*arrays):
    return (ctypes.c_void_p * len(arrays))(*(a.ctypes.data for a in arrays))


def triangle(pool, n, falling=False):
    """Run the triangular body; the thread that ran each iteration."""
    tids, sink = np.full(n, -1, np.int64), np.zeros(n, np.int64)
    env = (ctypes.c_int64 * 3)(tids.ctypes.data, sink.ctypes.data, n if falling else 0)
    assert pool.run("triangle", env, n) == 0
    return tids


def spin(pool, n, steps, fail=0):
    """Run the spinning body; its status and the thread that ran each
    iteration (-1: none, as when a worker's chunk failed)."""
    tids = np.full(n, -1, np.int64)
    env = (ctypes.c_int64 * 4)(tids.ctypes.data, steps, fail, 0)
    return pool.run("spin", env, n), tids


def fill(pool, n):
    tids, squares, counts = np.full(n, -1, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64)
    status = pool.run("fill", pointers(tids, squares, counts), n)
    return status, tids, squares, counts


@pytest.fixture(scope="module")
def pool():
    pool = Pool()
    yield pool


@pytest.fixture(autouse=True)
def two_threads(pool):
    pool.set_num_threads(2)
    yield
    pool.set_num_threads(2)


def test_pthread_object_sizes_fit():
    """pthread_mutex_init / pthread_cond_init clear their whole object: the
    extent they write is the size, which the pool's opaque globals must hold."""
    libc = ctypes.CDLL(None)
    sizes = []
    for init in (libc.pthread_mutex_init, libc.pthread_cond_init):
        buf = (ctypes.c_uint8 * 256)(*([0xAB] * 256))
        assert init(buf, None) == 0
        sizes.append(max(i for i in range(256) if buf[i] != 0xAB) + 1)
    assert all(24 <= size <= threads.SYNC_BYTES for size in sizes), sizes
    if platform.machine() == "x86_64" and platform.libc_ver()[0] == "glibc":
        assert sizes == [40, 48]  # pthread_mutex_t, pthread_cond_t
    assert ctypes.sizeof(ctypes.c_ulong) == 8  # pthread_t, the pool's i64 handles
    assert ctypes.sizeof(ctypes.c_uint) == 4  # pthread_key_t, the pool's i32 keys


def test_workers_start_lazily_and_not_for_one_thread():
    pool = Pool(max_threads=2)
    assert pool.workers_started() == 0
    pool.set_num_threads(1)
    status, tids, squares, counts = fill(pool, 1000)
    assert status == 0 and (tids == 0).all() and (counts == 1).all()
    assert pool.workers_started() == 0
    pool.set_num_threads(2)
    assert fill(pool, 1000)[0] == 0
    assert pool.workers_started() == 1
    for _ in range(20):  # reused, never more
        fill(pool, 1000)
    assert pool.workers_started() == 1


def test_every_index_once_and_identical_over_200_runs(pool):
    n = 10_007
    expected = np.arange(n, dtype=np.int64) ** 2
    seen = set()
    for _ in range(200):
        status, tids, squares, counts = fill(pool, n)
        assert status == 0
        assert (counts == 1).all()
        assert squares.tobytes() == expected.tobytes()
        assert set(np.unique(tids)) <= {0, 1}
        seen |= set(np.unique(tids).tolist())
    assert 0 in seen


def test_small_and_empty_ranges(pool):
    for n in (0, 1, 2, 3, 15, 16, 17):
        status, tids, squares, counts = fill(pool, n)
        assert status == 0 and (counts == 1).all() and (squares == np.arange(n) ** 2).all()
    assert pool.parallel_for(pool.bodies["fill"], None, -5) == 0  # never calls the body


@pytest.mark.parametrize("falling", [False, True], ids=["rising", "falling"])
def test_triangular_loop_splits_across_both_threads(pool, falling):
    n = 6000
    cost = np.arange(1, n + 1, dtype=np.float64)[::-1 if falling else 1]
    shares = []
    for _ in range(5):  # both threads must get a fair part of the *work*
        tids = triangle(pool, n, falling)
        assert set(np.unique(tids)) <= {0, 1}
        shares.append(round(cost[tids == 1].sum() / cost.sum(), 3))
        if 0.3 < shares[-1] < 0.7:
            break
    print(f"\ntriangular loop ({'falling' if falling else 'rising'}): "
          f"share of the work run by thread 1: {shares}")
    assert 0.1 < shares[-1] < 0.9, shares
    heavy = tids[:n // 2] if falling else tids[n // 2:]
    assert set(heavy.tolist()) == {0, 1}  # the expensive half is not one thread's alone


def test_more_threads_than_cores():
    pool = Pool(max_threads=4)
    pool.set_num_threads(4)
    used = set()
    for n in (1, 2, 3, 4, 5, 100, 4000):
        for _ in range(20):
            status, tids, squares, counts = fill(pool, n)
            assert status == 0 and (counts == 1).all() and (squares == np.arange(n) ** 2).all()
            assert 0 <= tids.min() and tids.max() < min(n, 4)
            used |= set(tids.tolist())
    assert 0 in used and pool.workers_started() == 3
    tids = triangle(pool, 4000)
    assert set(tids.tolist()) <= {0, 1, 2, 3}


def test_failing_body_returns_its_status_and_the_pool_survives(pool):
    n = 5000
    for fail_at, status in ((0, 1), (2500, 1), (n - 1, 7), (1234, -3)):
        counts = np.zeros(n, np.int64)
        env = (ctypes.c_int64 * 3)(fail_at, status, counts.ctypes.data)
        assert pool.run("fail", env, n) == status
        assert counts[fail_at] == 0
        assert counts.max() <= 1  # remaining chunks may be skipped, none run twice
        done, tids, squares, counts = fill(pool, n)
        assert done == 0 and (counts == 1).all() and (squares == np.arange(n) ** 2).all()
    pool.set_num_threads(1)
    counts = np.zeros(n, np.int64)
    assert pool.run("fail", (ctypes.c_int64 * 3)(10, 1, counts.ctypes.data), n) == 1
    assert counts[:10].sum() == 10 and counts[10:].sum() == 0  # serial: stops at once


def test_a_failing_worker_stops_the_region(pool):
    """A status from a worker's chunk is the region's: the caller waits for
    that chunk, starts nothing more, and the pool runs on."""
    statuses = []
    for _ in range(50):
        status, tids = spin(pool, 200, steps=100_000, fail=7)
        statuses.append(status)
        if status == 0:  # no worker claimed a chunk: the caller ran them all
            assert (tids == 0).all()
        else:
            assert status == 7 and set(tids.tolist()) <= {-1, 0}
        done, _, squares, counts = fill(pool, 1000)
        assert done == 0 and (counts == 1).all()
        if status == 7:
            break
    assert 7 in statuses, "a worker never claimed a chunk"


def test_tiny_regions(pool):
    """The caller claims its first chunk as it publishes a region: regions of
    1-3 iterations back to back still run every index once, on ids < n."""
    for n in (1, 2, 3):
        for _ in range(300):
            status, tids, squares, counts = fill(pool, n)
            assert status == 0 and (counts == 1).all() and (squares == np.arange(n) ** 2).all()
            assert 0 <= tids.min() and tids.max() < min(n, 2)


def test_a_sleeping_worker_is_woken(pool):
    """After ~40 us without a region the worker sleeps; a region wakes it."""
    for _ in range(50):
        time.sleep(0.002)
        status, tids = spin(pool, 200, steps=100_000)
        assert status == 0 and 0 <= tids.min() and tids.max() <= 1
        if set(tids.tolist()) == {0, 1}:
            return
    pytest.fail("the sleeping worker never joined a region")


def test_the_caller_sleeps_until_a_long_chunk_ends(pool):
    """Chunks far longer than the caller's ~40 us of polling: it sleeps until
    the worker that finishes last wakes it."""
    results = []

    def run():
        results.extend(spin(pool, 8, steps=2_000_000) for _ in range(10))

    runner = threading.Thread(target=run, daemon=True)
    runner.start()
    runner.join(timeout=60)
    assert not runner.is_alive(), "the caller was never woken"
    for status, tids in results:
        assert status == 0 and 0 <= tids.min() and tids.max() <= 1


def test_set_num_threads_takes_effect(pool):
    n = 20_000
    pool.set_num_threads(1)
    assert pool.get_num_threads() == 1
    for _ in range(20):
        status, tids, squares, counts = fill(pool, n)
        assert status == 0 and (tids == 0).all() and (counts == 1).all()
    pool.set_num_threads(2)
    assert pool.get_num_threads() == 2
    assert set(triangle(pool, 6000).tolist()) == {0, 1}


def test_thread_ids_inside_bodies(pool):
    n = 6000
    assert pool.get_thread_id() == 0  # outside any region
    for _ in range(5):
        tids, ids, counts = (np.full(n, -1, np.int64) for _ in range(3))
        assert pool.run("ids", pointers(tids, ids, counts), n) == 0
        assert (tids == ids).all()  # ember_get_thread_id is the body's thread id
        assert (counts == 2).all()  # get_num_threads inside is the caller's count
        if set(tids.tolist()) == {0, 1}:
            break


def test_python_api_validates_counts(pool):
    for bad in (0, -1, 3, 1 << 40):
        with pytest.raises(ValueError, match="between 1 and 2"):
            pool.set_num_threads(bad)
    for bad in (1.5, "2", None, True):
        with pytest.raises(TypeError):
            pool.set_num_threads(bad)
    pool.set_num_threads(np.int64(1))
    assert pool.get_num_threads() == 1
    with pytest.raises(ValueError):
        threads.set_num_threads(0)
    with pytest.raises(ValueError):
        threads.set_num_threads(threads.NUM_THREADS + 1)
    assert 1 <= threads.get_num_threads() <= threads.NUM_THREADS


def test_default_thread_count_from_environment():
    configured = threads._configured_threads
    assert configured({"EMBER_NUM_THREADS": "3", "NUMBA_NUM_THREADS": "5"}) == 3
    assert configured({"NUMBA_NUM_THREADS": "5"}) == 5
    assert configured({"EMBER_NUM_THREADS": " "}) == min(os.cpu_count() or 1,
                                                         threads.MAX_THREADS)
    assert configured({}) == min(os.cpu_count() or 1, threads.MAX_THREADS)
    for bad in ("0", "many", "-2"):
        with pytest.raises(ValueError, match="EMBER_NUM_THREADS"):
            configured({"EMBER_NUM_THREADS": bad})


def four_callers(pool, sizes):
    """Four Python threads, with 1, 2, 1, 2 threads each, run `fill` over
    sizes(k, r) for r in range(50) at once; ctypes releases the GIL, so
    they really overlap."""
    errors, barrier = [], threading.Barrier(4)

    def caller(k):
        try:
            count = 1 + k % 2
            pool.set_num_threads(count)
            barrier.wait()
            for r in range(50):
                n = sizes(k, r)
                status, tids, squares, counts = fill(pool, n)
                assert status == 0 and (counts == 1).all()
                assert (squares == np.arange(n) ** 2).all()
                assert tids.max() < min(n, count)
                assert pool.get_num_threads() == count
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    callers = [threading.Thread(target=caller, args=(k,), daemon=True) for k in range(4)]
    for c in callers:
        c.start()
    for c in callers:
        c.join(timeout=30)
    assert not any(c.is_alive() for c in callers), "a caller deadlocked"
    assert not errors, errors


def test_calls_from_four_python_threads_at_once(pool):
    """Regions serialise, and each thread's set_num_threads is its own."""
    four_callers(pool, lambda k, r: 3000 + 17 * k + r)


def test_tiny_regions_from_four_python_threads_at_once(pool):
    """Regions of 1-3 iterations, so that the next region is published while
    a worker may still be looking at the last one."""
    for _ in range(8):
        four_callers(pool, lambda k, r: 1 + (k + r) % 3)


def test_nested_regions_run_serially_without_deadlock(pool):
    outer_n, m = 64, 300
    counts = np.zeros(outer_n * m, np.int64)
    inner_tids = np.full(outer_n * m, -1, np.int64)
    outer_tids = np.full(outer_n, -1, np.int64)
    env = (ctypes.c_int64 * 4)(counts.ctypes.data, inner_tids.ctypes.data, m,
                               outer_tids.ctypes.data)
    result = []
    runner = threading.Thread(target=lambda: result.append(pool.run("outer", env, outer_n)),
                              daemon=True)
    runner.start()
    runner.join(timeout=20)
    assert not runner.is_alive(), "nested region deadlocked"
    assert result == [0]
    assert (counts == 1).all()
    assert (inner_tids == 0).all()  # a nested region is serial: thread id 0
    assert set(outer_tids.tolist()) <= {0, 1}
    assert fill(pool, 1000)[0] == 0  # and the pool still works


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_pool_works_in_a_forked_child(pool):
    fill(pool, 5000)  # the parent has a worker
    pid = os.fork()
    if pid == 0:  # the child: no worker threads survive a fork
        try:
            pool.after_fork()
            ok = all(fill(pool, 5000)[3].min() == 1 for _ in range(20))
            os._exit(0 if ok and pool.workers_started() == 1 else 1)
        finally:
            os._exit(2)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.01)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pytest.fail("the forked child deadlocked")


def test_empty_region_overhead(pool):
    """Printed, not asserted: the cost of one region (no timed assertions)."""
    regions = ctypes.CFUNCTYPE(None, ctypes.c_int64, ctypes.c_int64)(
        pool.bodies["empty_regions"])
    lines = []
    for count in (1, 2):
        pool.set_num_threads(count)
        for n in (2, 1000):
            k = 20_000
            regions(100, n)
            start = time.perf_counter()
            regions(k, n)
            elapsed = (time.perf_counter() - start) / k
            lines.append(f"threads={count} n={n}: {elapsed * 1e9:.0f} ns/region")
    print("\nempty parallel region overhead: " + "; ".join(lines))


def test_shared_state_sits_on_whole_cache_lines():
    """Each group of fields threads share is a 64-byte aligned, 64-byte global,
    so that nothing else lands on its cache line."""
    module = ModuleEmitter("ember_threads_layout")
    threads.emit_thread_pool(module)
    data = llvm.create_target_data(cpu_target().data_layout)
    for name, _ in threads._LINES:
        glob = module.llvm.get_global(f"ember_threads.{name}")
        assert glob.align == threads.LINE_BYTES
        assert glob.value_type.get_abi_size(data) == threads.LINE_BYTES, name


def test_emits_beside_the_memory_runtime():
    """The two runtimes can share one module: no name clashes."""
    module = ModuleEmitter("ember_nrt")
    nrt.emit_runtime(module)
    threads.emit_thread_pool(module)
    mod = cpu_target().optimize(str(module.llvm))
    defined = {f.name for f in mod.functions if not f.is_declaration}
    assert set(threads.FUNCTIONS) <= defined and set(nrt.FUNCTIONS) <= defined


def test_pool_is_compiled_only_when_first_needed():
    """Code without parallel regions or np.random never pays for the pool."""
    script = textwrap.dedent("""
        import numpy as np
        import ember
        from ember.targets.cpu.jit import cpu_target

        def plain(x):
            return x * 2 + 1

        def parallel(a):
            total = 0.0
            for i in ember.prange(a.shape[0]):
                total += a[i]
            return total

        assert ember.njit(plain)(3) == 7
        assert not cpu_target().pool_loaded
        assert ember.njit(parallel=True)(parallel)(np.ones(1000)) == 1000.0
        assert cpu_target().pool_loaded
        print("ok")
    """)
    path = pathlib.Path(tempfile.mkdtemp()) / "lazy_pool.py"
    path.write_text(script)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.strip() == "ok", done.stderr
