"""The thread pool for parallel regions, emitted as LLVM IR over the process's
pthreads (no C compiler, no GIL: a region runs while the interpreter waits).

C ABI (all functions are defined with external linkage by `emit_thread_pool`):

    i32  ember_parallel_for(i32 (*body)(i8* env, i64 start, i64 stop, i64 tid),
                            i8* env, i64 n)
    void ember_set_num_threads(i64 n)      ; for the calling thread
    i64  ember_get_num_threads()           ; of the calling thread
    i64  ember_get_thread_id()             ; 0 outside regions
    void ember_threads_configure(i64 n)    ; default thread count, once at load
    void ember_threads_after_fork()        ; in a forked child: forget the workers
    i64  ember_threads_started()           ; workers running (for tests)

`ember_parallel_for` runs `body` over [0, n) in chunks, on the pool's
workers *and the calling thread*, and returns 0 or the first nonzero status
a body returned (chunks not yet started are then skipped; every chunk that
started has finished when it returns).

Scheduling: dynamic, guided. The region has P = min(num_threads, n)
participants, thread ids 0 (the caller) to P-1 (workers, each with a fixed
id). Each thread claims its next chunk from a shared counter (compare-and-swap):
1/(2P) of the iterations left, at most n/(8P), at least max(1, n/(64P)).
Threads that finish early take more, and the chunks shrink towards the end,
so a triangular loop splits evenly whichever way its cost slopes (measured
1.98x on 2 cores, rising or falling). A worker that wakes after the caller
has run out of work does not join the region at all: a short region never
waits for a sleeping thread.

Threads: workers are created on first use (pthread_create), as many as the
largest region so far needs, and never exit (so the JIT code holding the
pool must never be freed). After a region a worker polls for ~40 us (so that
regions in a loop find it awake), then sleeps on a condition variable; the
caller likewise polls briefly before sleeping until its workers are done.
With one thread, n == 1, or inside a region, the body runs inline on the
caller with no worker involved.

Concurrency: regions are serialised by a mutex. Two Python threads calling
parallel functions at once both complete correctly, one region after the
other, each using the whole pool. A region started from inside a body
(nested parallelism) runs serially on the current thread with thread id 0,
so it never waits for the pool it is part of. `ember_get_thread_id` still
names the pool thread (the worker's id), as Numba's get_thread_id does.

The number of threads is per thread, like Numba's: set_num_threads changes
the count for regions the calling thread starts; other threads keep the
default (EMBER_NUM_THREADS, then NUMBA_NUM_THREADS, then the CPU count).
Inside a body, get_num_threads is the count of the region's caller.

pthread objects are opaque 64-byte, 64-byte aligned globals: glibc's
pthread_mutex_t is 40 bytes and pthread_cond_t 48 on x86-64 (48 and 48 on
aarch64); all-zero bytes are PTHREAD_MUTEX_INITIALIZER and
PTHREAD_COND_INITIALIZER on glibc and musl.
"""

import ctypes
import os
import platform

from llvmlite import ir

from ember import config
from ember.codegen import models as m

PARALLEL_FOR = "ember_parallel_for"
SET_NUM_THREADS = "ember_set_num_threads"
GET_NUM_THREADS = "ember_get_num_threads"
GET_THREAD_ID = "ember_get_thread_id"
CONFIGURE = "ember_threads_configure"
AFTER_FORK = "ember_threads_after_fork"
STARTED = "ember_threads_started"
FUNCTIONS = (PARALLEL_FOR, SET_NUM_THREADS, GET_NUM_THREADS, GET_THREAD_ID, CONFIGURE,
             AFTER_FORK, STARTED)

MAX_THREADS = 1024  # the most threads one region can use (ids 0..MAX_THREADS-1)
# Guided chunks: a thread takes 1/(2P) of the iterations left, but at most
# n/(CHUNKS_PER_THREAD P) (no chunk holds much of a front-loaded loop's work)
# and at least n/(SMALLEST_CHUNK_DIVISOR P) (the atomic stays rare), and >= 1.
CHUNKS_PER_THREAD = 8
SMALLEST_CHUNK_DIVISOR = 64
SYNC_BYTES = 64  # room for any pthread_mutex_t / pthread_cond_t we may meet
# Before sleeping on a condition, a thread polls for a while (the cycle
# counter's ticks, ~40 us; or SPIN_LIMIT polls where it has none): regions in
# a loop then find the workers awake, and a short region's end needs no wake-up.
SPIN_CYCLES = 100_000
SPIN_LIMIT = 100_000

body_type = ir.FunctionType(m.i32, [m.i8p, m.i64, m.i64, m.i64])
parallel_for_type = ir.FunctionType(m.i32, [body_type.as_pointer(), m.i8p, m.i64])

_sync = ir.ArrayType(m.i8, SYNC_BYTES)
_worker_type = ir.FunctionType(m.i8p, [m.i8p])
_OWN_LINE = ("gen", "joined", "next", "status")
_ZERO, _ONE = ir.Constant(m.i64, 0), ir.Constant(m.i64, 1)
_NULL = ir.Constant(m.i8p, None)


def emit_thread_pool(module):
    """Define the thread pool's functions (FUNCTIONS) in `module`."""
    _PoolEmitter(module.llvm).emit()


def _i64(value):
    return ir.Constant(m.i64, value)


class _PoolEmitter:
    def __init__(self, llvm):
        self.llvm = llvm
        i32p = m.i32.as_pointer()
        self.mutex_lock = self._declare("pthread_mutex_lock", m.i32, [m.i8p])
        self.mutex_unlock = self._declare("pthread_mutex_unlock", m.i32, [m.i8p])
        self.cond_wait = self._declare("pthread_cond_wait", m.i32, [m.i8p, m.i8p])
        self.cond_signal = self._declare("pthread_cond_signal", m.i32, [m.i8p])
        self.cond_broadcast = self._declare("pthread_cond_broadcast", m.i32, [m.i8p])
        self.create = self._declare("pthread_create", m.i32, [
            m.i64.as_pointer(), m.i8p, _worker_type.as_pointer(), m.i8p])
        self.key_create = self._declare("pthread_key_create", m.i32, [
            i32p, ir.FunctionType(m.void, [m.i8p]).as_pointer()])
        self.getspecific = self._declare("pthread_getspecific", m.i8p, [m.i32])
        self.setspecific = self._declare("pthread_setspecific", m.i32, [m.i32, m.i8p])
        self.cycles = self._declare("llvm.readcyclecounter", m.i64, [])

        g = self._global
        # Locks and conditions. `region` serialises regions; `state` guards the
        # job description, `closed` and `joined`, and goes with both conditions.
        self.region, self.state, self.init = g("region", _sync), g("state", _sync), g("init", _sync)
        self.work_cv, self.done_cv = g("work_cv", _sync), g("done_cv", _sync)
        self.ready = g("ready", m.i32)  # thread-local keys created
        self.key_tid, self.key_count = g("key_tid", m.i32), g("key_count", m.i32)
        self.default_count = g("default_count", m.i64, 1)
        self.started = g("started", m.i64)  # workers created: ids 1..started
        self.handles = g("handles", ir.ArrayType(m.i64, MAX_THREADS))
        self.start_gen = g("start_gen", ir.ArrayType(m.i64, MAX_THREADS))
        # The current job, published under `state` with a new generation.
        self.gen = g("gen", m.i64)
        self.job_body = g("job_body", body_type.as_pointer())
        self.job_env = g("job_env", m.i8p)
        self.job_n = g("job_n", m.i64)
        self.job_threads, self.job_count = g("job_threads", m.i64), g("job_count", m.i64)
        self.closed, self.joined = g("closed", m.i64), g("joined", m.i64)
        # Polled by spinning threads or touched by every chunk: a cache line each.
        self.next, self.status = g("next", m.i64), g("status", m.i32)

    # -- helpers -------------------------------------------------------------

    def _declare(self, name, ret, args):
        fn = self.llvm.globals.get(name)
        if fn is None:
            fn = ir.Function(self.llvm, ir.FunctionType(ret, args), name)
        return fn

    def _global(self, name, ty, init=None):
        glob = ir.GlobalVariable(self.llvm, ty, f"ember_threads.{name}")
        glob.linkage = "internal"
        glob.initializer = ir.Constant(ty, init) if init is not None else ir.Constant(ty, None)
        glob.align = 64 if isinstance(ty, ir.ArrayType) or name in _OWN_LINE else 8
        return glob

    def _function(self, name, ret, args, internal=False):
        fn = ir.Function(self.llvm, ir.FunctionType(ret, args), name)
        if internal:
            fn.linkage = "internal"
        fn.attributes.add("nounwind")
        return fn, ir.IRBuilder(fn.append_basic_block("entry"))

    def _ptr(self, bld, glob):
        return bld.bitcast(glob, m.i8p)

    def _lock(self, bld, glob):
        bld.call(self.mutex_lock, [self._ptr(bld, glob)])

    def _unlock(self, bld, glob):
        bld.call(self.mutex_unlock, [self._ptr(bld, glob)])

    def _get_key(self, bld, key):
        return bld.ptrtoint(bld.call(self.getspecific, [bld.load(key)]), m.i64)

    def _set_key(self, bld, key, value):
        bld.call(self.setspecific, [bld.load(key), bld.inttoptr(value, m.i8p)])

    def _spin(self, bld, done):
        """Poll `done(bld)` (an i1) until true or the spin budget is spent."""
        fn = bld.function
        pre = bld.block
        loop, check, pause, out = (fn.append_basic_block(f"spin.{x}")
                                   for x in ("loop", "check", "pause", "out"))
        start = bld.call(self.cycles, [])
        bld.branch(loop)
        bld.position_at_end(loop)
        count = bld.phi(m.i64)
        count.add_incoming(_ZERO, pre)
        bld.cbranch(done(bld), out, check)
        bld.position_at_end(check)
        spent = bld.or_(bld.icmp_unsigned(">", bld.sub(bld.call(self.cycles, []), start),
                                          _i64(SPIN_CYCLES)),
                        bld.icmp_unsigned(">=", count, _i64(SPIN_LIMIT)))
        bld.cbranch(spent, out, pause)
        bld.position_at_end(pause)
        arch = platform.machine().lower()
        if arch in ("x86_64", "amd64", "i686"):
            bld.call(self._declare("llvm.x86.sse2.pause", m.void, []), [])
        elif arch in ("aarch64", "arm64"):  # the YIELD hint
            bld.call(self._declare("llvm.aarch64.hint", m.void, [m.i32]),
                     [ir.Constant(m.i32, 1)])
        count.add_incoming(bld.add(count, _ONE), pause)
        bld.branch(loop)
        bld.position_at_end(out)

    def _clamp(self, bld, value):
        low = bld.select(bld.icmp_signed("<", value, _ONE), _ONE, value)
        return bld.select(bld.icmp_signed(">", low, _i64(MAX_THREADS)), _i64(MAX_THREADS), low)

    # -- functions -----------------------------------------------------------

    def emit(self):
        self.ensure_init = self._emit_ensure_init()
        self._emit_configure()
        self._emit_set_num_threads()
        self.get_num_threads = self._emit_get_num_threads()
        self._emit_get_thread_id()
        self.run_chunks = self._emit_run_chunks()
        self.worker = self._emit_worker()
        self._emit_parallel_for()
        self._emit_after_fork()
        _, bld = self._function(STARTED, m.i64, [])
        bld.ret(bld.load_atomic(self.started, "monotonic", 8))

    def _emit_ensure_init(self):
        """Create the two thread-local keys once (double-checked)."""
        fn, bld = self._function("ember_threads.ensure_init", m.void, [], internal=True)
        ready = bld.load_atomic(self.ready, "acquire", 4)
        with bld.if_then(bld.icmp_unsigned("!=", ready, ir.Constant(m.i32, 0)), likely=True):
            bld.ret_void()
        self._lock(bld, self.init)
        with bld.if_then(bld.icmp_unsigned("==", bld.load(self.ready), ir.Constant(m.i32, 0))):
            no_destructor = ir.Constant(self.key_create.args[1].type, None)
            bld.call(self.key_create, [self.key_tid, no_destructor])
            bld.call(self.key_create, [self.key_count, no_destructor])
            bld.store_atomic(ir.Constant(m.i32, 1), self.ready, "release", 4)
        self._unlock(bld, self.init)
        bld.ret_void()
        return fn

    def _emit_configure(self):
        fn, bld = self._function(CONFIGURE, m.void, [m.i64])
        bld.call(self.ensure_init, [])
        bld.store(self._clamp(bld, fn.args[0]), self.default_count)
        bld.ret_void()

    def _emit_set_num_threads(self):
        fn, bld = self._function(SET_NUM_THREADS, m.void, [m.i64])
        bld.call(self.ensure_init, [])
        self._set_key(bld, self.key_count, self._clamp(bld, fn.args[0]))
        bld.ret_void()

    def _emit_get_num_threads(self):
        fn, bld = self._function(GET_NUM_THREADS, m.i64, [])
        bld.call(self.ensure_init, [])
        count = self._get_key(bld, self.key_count)
        bld.ret(bld.select(bld.icmp_unsigned("==", count, _ZERO),
                           bld.load(self.default_count), count))
        return fn

    def _emit_get_thread_id(self):
        fn, bld = self._function(GET_THREAD_ID, m.i64, [])
        ready = bld.load_atomic(self.ready, "acquire", 4)
        with bld.if_then(bld.icmp_unsigned("==", ready, ir.Constant(m.i32, 0)), likely=False):
            bld.ret(_ZERO)
        tid = self._get_key(bld, self.key_tid)  # id + 1 inside regions, else 0
        bld.ret(bld.select(bld.icmp_unsigned("==", tid, _ZERO), _ZERO, bld.sub(tid, _ONE)))

    def _emit_run_chunks(self):
        """Claim chunks [start, stop) from the shared counter (compare-and-swap)
        until none is left or a body failed, and run them."""
        fn, bld = self._function("ember_threads.run_chunks", m.void,
                                 [m.i64, body_type.as_pointer(), m.i8p, m.i64, m.i64],
                                 internal=True)
        tid, body, env, n, threads = fn.args

        def at_least_one(value):
            return bld.select(bld.icmp_signed("<", value, _ONE), _ONE, value)

        largest = at_least_one(bld.sdiv(n, bld.mul(threads, _i64(CHUNKS_PER_THREAD))))
        smallest = at_least_one(bld.sdiv(n, bld.mul(threads, _i64(SMALLEST_CHUNK_DIVISOR))))
        loop, claim, work, done = (fn.append_basic_block(x)
                                   for x in ("loop", "claim", "work", "done"))
        bld.branch(loop)
        bld.position_at_end(loop)
        failed = bld.icmp_unsigned("!=", bld.load_atomic(self.status, "monotonic", 4),
                                   ir.Constant(m.i32, 0))
        first = bld.load_atomic(self.next, "monotonic", 8)
        bld.cbranch(failed, done, claim)
        bld.position_at_end(claim)
        start = bld.phi(m.i64)
        start.add_incoming(first, loop)
        with bld.if_then(bld.icmp_signed(">=", start, n), likely=False):
            bld.branch(done)
        left = bld.sub(n, start)
        take = bld.sdiv(left, bld.mul(threads, _i64(2)))
        take = bld.select(bld.icmp_signed("<", take, smallest), smallest, take)
        take = bld.select(bld.icmp_signed(">", take, largest), largest, take)
        take = bld.select(bld.icmp_signed(">", take, left), left, take)
        stop = bld.add(start, take)
        pair = bld.cmpxchg(self.next, start, stop, "monotonic", "monotonic")
        start.add_incoming(bld.extract_value(pair, 0), bld.block)
        bld.cbranch(bld.extract_value(pair, 1), work, claim)
        bld.position_at_end(work)
        status = bld.call(body, [env, start, stop, tid])
        with bld.if_then(bld.icmp_unsigned("!=", status, ir.Constant(m.i32, 0)), likely=False):
            bld.cmpxchg(self.status, ir.Constant(m.i32, 0), status, "acq_rel", "monotonic")
        bld.branch(loop)
        bld.position_at_end(done)
        bld.ret_void()
        return fn

    def _emit_worker(self):
        """A worker's life: sleep until a new generation, join it unless it is
        closed or needs fewer threads, run chunks, report, sleep again. After
        each new generation it polls a while before it sleeps."""
        fn, bld = self._function("ember_threads.worker", m.i8p, [m.i8p], internal=True)
        wid = bld.ptrtoint(fn.args[0], m.i64)
        self._set_key(bld, self.key_tid, bld.add(wid, _ONE))
        seen, spun = bld.alloca(m.i64), bld.alloca(m.i1)
        bld.store(bld.load(bld.gep(self.start_gen, [_ZERO, wid])), seen)
        bld.store(ir.Constant(m.i1, 0), spun)
        self._lock(bld, self.state)
        wait, idle, spin, sleep, check, join = (
            fn.append_basic_block(x) for x in ("wait", "idle", "spin", "sleep", "check", "join"))
        bld.branch(wait)

        bld.position_at_end(wait)  # holding `state`
        gen = bld.load_atomic(self.gen, "monotonic", 8)
        bld.cbranch(bld.icmp_unsigned("==", gen, bld.load(seen)), idle, check)

        bld.position_at_end(idle)
        bld.cbranch(bld.load(spun), sleep, spin)

        bld.position_at_end(spin)
        bld.store(ir.Constant(m.i1, 1), spun)
        self._unlock(bld, self.state)
        old = bld.load(seen)
        self._spin(bld, lambda b: b.icmp_unsigned(
            "!=", b.load_atomic(self.gen, "monotonic", 8), old))
        self._lock(bld, self.state)
        bld.branch(wait)

        bld.position_at_end(sleep)
        bld.call(self.cond_wait, [self._ptr(bld, self.work_cv), self._ptr(bld, self.state)])
        bld.branch(wait)

        bld.position_at_end(check)
        bld.store(gen, seen)
        bld.store(ir.Constant(m.i1, 0), spun)
        skip = bld.or_(bld.icmp_unsigned("!=", bld.load(self.closed), _ZERO),
                       bld.icmp_signed(">=", wid, bld.load(self.job_threads)))
        bld.cbranch(skip, wait, join)

        bld.position_at_end(join)
        bld.store_atomic(bld.add(bld.load(self.joined), _ONE), self.joined, "monotonic", 8)
        body, env = bld.load(self.job_body), bld.load(self.job_env)
        n, threads = bld.load(self.job_n), bld.load(self.job_threads)
        count = bld.load(self.job_count)
        self._unlock(bld, self.state)
        self._set_key(bld, self.key_count, count)
        bld.call(self.run_chunks, [wid, body, env, n, threads])
        self._lock(bld, self.state)
        left = bld.sub(bld.load(self.joined), _ONE)
        bld.store_atomic(left, self.joined, "monotonic", 8)
        with bld.if_then(bld.icmp_unsigned("==", left, _ZERO)):
            bld.call(self.cond_signal, [self._ptr(bld, self.done_cv)])
        bld.branch(wait)
        return fn

    def _emit_parallel_for(self):
        fn, bld = self._function(PARALLEL_FOR, m.i32, [body_type.as_pointer(), m.i8p, m.i64])
        body, env, n = fn.args
        serial, parallel = fn.append_basic_block("serial"), fn.append_basic_block("parallel")
        with bld.if_then(bld.icmp_signed("<", n, _ONE), likely=False):
            bld.ret(ir.Constant(m.i32, 0))
        bld.call(self.ensure_init, [])
        nested = bld.icmp_unsigned("!=", self._get_key(bld, self.key_tid), _ZERO)
        count = bld.call(self.get_num_threads, [])
        inline = bld.or_(nested, bld.or_(bld.icmp_signed("<=", count, _ONE),
                                         bld.icmp_signed("==", n, _ONE)))
        bld.cbranch(inline, serial, parallel)

        bld.position_at_end(serial)
        bld.ret(bld.call(body, [env, _ZERO, n, _ZERO]))

        bld.position_at_end(parallel)
        self._lock(bld, self.region)
        small = bld.icmp_signed("<", n, count)
        wanted = bld.sub(bld.select(small, n, count), _ONE)  # workers this region can use
        grow, create, grown = (fn.append_basic_block(x) for x in ("grow", "create", "grown"))
        bld.branch(grow)

        bld.position_at_end(grow)  # start workers up to `wanted`, lazily
        have = bld.load(self.started)
        bld.cbranch(bld.icmp_signed(">=", have, wanted), grown, create)

        bld.position_at_end(create)
        wid = bld.add(have, _ONE)
        bld.store(bld.load(self.gen), bld.gep(self.start_gen, [_ZERO, wid]))
        failed = bld.call(self.create, [bld.gep(self.handles, [_ZERO, have]), _NULL,
                                        self.worker, bld.inttoptr(wid, m.i8p)])
        with bld.if_then(bld.icmp_unsigned("!=", failed, ir.Constant(m.i32, 0)), likely=False):
            bld.branch(grown)  # run with the workers there are
        bld.store_atomic(wid, self.started, "monotonic", 8)
        bld.branch(grow)

        bld.position_at_end(grown)
        have = bld.load(self.started)
        workers = bld.select(bld.icmp_signed("<", have, wanted), have, wanted)
        with bld.if_then(bld.icmp_unsigned("==", workers, _ZERO), likely=False):
            self._unlock(bld, self.region)
            bld.ret(bld.call(body, [env, _ZERO, n, _ZERO]))
        threads = bld.add(workers, _ONE)

        self._lock(bld, self.state)  # publish the job
        for glob, value in ((self.job_body, body), (self.job_env, env), (self.job_n, n),
                            (self.job_threads, threads),
                            (self.job_count, count), (self.closed, _ZERO)):
            bld.store(value, glob)
        bld.store_atomic(_ZERO, self.next, "monotonic", 8)
        bld.store_atomic(ir.Constant(m.i32, 0), self.status, "monotonic", 4)
        bld.store_atomic(bld.add(bld.load(self.gen), _ONE), self.gen, "monotonic", 8)
        bld.call(self.cond_broadcast, [self._ptr(bld, self.work_cv)])
        self._unlock(bld, self.state)

        self._set_key(bld, self.key_tid, _ONE)  # thread 0, and nested regions run inline
        bld.call(self.run_chunks, [_ZERO, body, env, n, threads])
        self._set_key(bld, self.key_tid, _ZERO)

        self._lock(bld, self.state)  # close the job, wait for the workers that joined
        bld.store(_ONE, self.closed)
        wait, sleep, finish = (fn.append_basic_block(x) for x in ("wait", "sleep", "finish"))
        with bld.if_then(bld.icmp_unsigned("!=", bld.load(self.joined), _ZERO)):
            self._unlock(bld, self.state)
            self._spin(bld, lambda b: b.icmp_unsigned(
                "==", b.load_atomic(self.joined, "monotonic", 8), _ZERO))
            self._lock(bld, self.state)
        bld.branch(wait)
        bld.position_at_end(wait)
        bld.cbranch(bld.icmp_unsigned("==", bld.load(self.joined), _ZERO), finish, sleep)
        bld.position_at_end(sleep)
        bld.call(self.cond_wait, [self._ptr(bld, self.done_cv), self._ptr(bld, self.state)])
        bld.branch(wait)
        bld.position_at_end(finish)
        self._unlock(bld, self.state)
        status = bld.load_atomic(self.status, "monotonic", 4)
        self._unlock(bld, self.region)
        bld.ret(status)

    def _emit_after_fork(self):
        """In a forked child only the forking thread exists: reset the locks
        (one may have been held by a thread that is gone) and forget workers."""
        _, bld = self._function(AFTER_FORK, m.void, [])
        for glob in (self.region, self.state, self.init, self.work_cv, self.done_cv):
            bld.store(ir.Constant(_sync, None), glob)
        for glob in (self.started, self.closed, self.joined):
            bld.store(_ZERO, glob)
        bld.ret_void()


# -- Python API ------------------------------------------------------------------


def _configured_threads(environ):
    return config._thread_count(environ, MAX_THREADS)


NUM_THREADS = config.NUM_THREADS


class ThreadPool:
    """The JIT-compiled pool, called through ctypes (which releases the GIL).

    `owner` is what keeps the pool's machine code mapped (the execution
    engine): it is made immortal, because workers never exit and one may be
    polling inside that code when the interpreter shuts down."""

    def __init__(self, addresses, max_threads=None, owner=None):
        if owner is not None:
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(owner))
        self.addresses = addresses
        self.max_threads = NUM_THREADS if max_threads is None else max_threads
        i64, void = ctypes.c_int64, None
        self._set = ctypes.CFUNCTYPE(void, i64)(addresses[SET_NUM_THREADS])
        self._get = ctypes.CFUNCTYPE(i64)(addresses[GET_NUM_THREADS])
        self._tid = ctypes.CFUNCTYPE(i64)(addresses[GET_THREAD_ID])
        self._started = ctypes.CFUNCTYPE(i64)(addresses[STARTED])
        self.after_fork = ctypes.CFUNCTYPE(void)(addresses[AFTER_FORK])
        self.parallel_for = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p,
                                             i64)(addresses[PARALLEL_FOR])
        ctypes.CFUNCTYPE(void, i64)(addresses[CONFIGURE])(self.max_threads)

    def set_num_threads(self, n):
        self._set(_check_count(n, self.max_threads))

    def get_num_threads(self):
        return self._get()

    def get_thread_id(self):
        return self._tid()

    def workers_started(self):
        return self._started()


def _check_count(n, limit):
    if isinstance(n, bool) or not hasattr(n, "__index__"):
        raise TypeError(f"The number of threads specified must be an integer, "
                        f"got {type(n).__name__}")
    n = n.__index__()
    if not 1 <= n <= limit:
        raise ValueError(f"The number of threads must be between 1 and {limit}, got {n}")
    return n


_pool = []  # the ThreadPool, once the CPU target has JIT-compiled it


def loaded(addresses, owner=None):
    """Called by the CPU target with the addresses of FUNCTIONS once JIT-compiled
    (and the engine that holds them)."""
    pool = ThreadPool(addresses, owner=owner)
    if not _pool:
        os.register_at_fork(after_in_child=lambda: _pool[0].after_fork())
    _pool[:] = [pool]
    return pool


def _loaded_pool():
    if not _pool:
        raise RuntimeError("the thread pool is not loaded yet (the CPU target loads it)")
    return _pool[0]


def set_num_threads(n):
    """Use `n` threads (1 <= n <= NUM_THREADS) for parallel regions this thread starts."""
    _check_count(n, NUM_THREADS)
    _loaded_pool().set_num_threads(n)


def get_num_threads():
    """The number of threads parallel regions started by this thread use."""
    return _loaded_pool().get_num_threads() if _pool else NUM_THREADS


def get_thread_id():
    """The pool thread running this code: 0 outside parallel regions."""
    return _loaded_pool().get_thread_id() if _pool else 0
