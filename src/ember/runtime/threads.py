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
1.98x on 2 cores, rising or falling). The caller's first chunk is claimed as
it publishes the region. A worker that comes after the caller has run out of
work claims nothing, and the caller waits only for the iterations workers
claimed: a short region never waits for a worker that is asleep, descheduled
or late.

Synchronisation, lock-free while the workers poll: a region costs the caller
about one cache-line transfer to the workers (0.03 us to 0.15 us on the
2-core VM measured, depending on where the host placed its cores).
- Publication: region number g is written to slot g % 2 (body, env, range,
  thread count), then g itself to `gen`, the one line idle workers poll. A
  worker copies the slot and reads `gen` again: the slot it copied is only
  rewritten after `gen` has moved on, so an unchanged `gen` proves the copy
  whole (a seqlock whose odd phase is the previous region).
- Claims: each slot's counter `next` only grows; its region owns iterations
  base..base+n-1 (base is where the slot's last region ended) and claims
  stay below base + n. A worker holding a stale copy of an old region can
  never claim: the counter is past that region for good. A failing body sets
  the region's status; threads stop claiming, and the caller claims the
  rest itself so that no one starts it.
- Completion: workers add the iterations they ran to `done`, which only
  grows; the caller, knowing how many it ran itself, polls `done` for the
  rest, and only when some worker claimed any.
- Sleep: a worker that polled ~40 us for nothing sleeps on a condition
  variable, after adding itself to `sleeping` and reading `gen` again; the
  caller writes `gen`, then reads `sleeping` and wakes sleepers (the two
  sequentially consistent pairs of a Dekker handshake: one side always sees
  the other). The caller's own sleep on `done` pairs with `waiting` the same
  way.
- Each field a thread polls or writes while others read it sits on its own
  cache line with what goes with it: `gen`; each slot (its counter and
  status included); `done` and `waiting`; `sleeping`; and the caller's own
  line (its copies of `gen` and the slots' ends, so that it never reads a
  line workers poll: on the AMD EPYC measured, reading back a line another
  core had just read was a cache miss).

Threads: workers are created on first use (pthread_create), as many as the
largest region so far needs, and never exit (so the JIT code holding the
pool must never be freed). After a region a worker polls for ~40 us (so that
regions in a loop find it awake), then sleeps; the caller likewise polls
~40 us before sleeping until its workers are done. With one thread, n == 1,
or inside a region, the body runs inline on the caller with no worker
involved.

Concurrency: regions are serialised by a mutex. Two Python threads calling
parallel functions at once both complete correctly, one region after the
other, each using the whole pool. A region started from inside a body
(nested parallelism) runs serially on the current thread with thread id 0,
so it never waits for the pool it is part of: workers know they are workers
(their thread-local word), and the caller finds its own pthread_self() as
the running region's owner. `ember_get_thread_id` still names the pool
thread (the worker's id), as Numba's get_thread_id does.

The number of threads is per thread, like Numba's: set_num_threads changes
the count for regions the calling thread starts; other threads keep the
default (EMBER_NUM_THREADS, then NUMBA_NUM_THREADS, then the CPU count).
Inside a body, get_num_threads is the count of the region's caller. Both
the count and a worker's id live in one thread-local word (pthread keys:
MCJIT cannot allocate `thread_local` globals), read with one call.

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
LINE_BYTES = 64  # a cache line
# Before sleeping on a condition, a thread polls for a while (the cycle
# counter's ticks, ~40 us; or SPIN_LIMIT polls where it has none): regions in
# a loop then find the workers awake, and a short region's end needs no wake-up.
SPIN_CYCLES = 100_000
SPIN_LIMIT = 100_000

body_type = ir.FunctionType(m.i32, [m.i8p, m.i64, m.i64, m.i64])
parallel_for_type = ir.FunctionType(m.i32, [body_type.as_pointer(), m.i8p, m.i64])

_sync = ir.ArrayType(m.i8, SYNC_BYTES)
_worker_type = ir.FunctionType(m.i8p, [m.i8p])
_ZERO, _ONE = ir.Constant(m.i64, 0), ir.Constant(m.i64, 1)
_ZERO32 = ir.Constant(m.i32, 0)
_NULL = ir.Constant(m.i8p, None)

# A region as workers see it: slot gen % 2 holds region number gen. Its
# iterations are base..base+n-1 of the slot's counter `next`, and status is
# the first nonzero status a body returned.
_SLOT = (("body", body_type.as_pointer()), ("env", m.i8p), ("base", m.i64), ("n", m.i64),
         ("threads", m.i64), ("count", m.i64), ("next", m.i64), ("status", m.i32))
# The shared state, one cache line per entry (name, fields): see the module
# docstring's Synchronisation.
_LINES = (
    ("signal", (("gen", m.i64),)),  # the number of regions published
    ("slot0", _SLOT),
    ("slot1", _SLOT),
    # Iterations workers have run, ever; the caller sleeps until it reaches
    # a value with waiting set.
    ("done", (("done", m.i64), ("waiting", m.i64))),
    ("flags", (("sleeping", m.i64),)),  # workers asleep on work_cv
    # The caller's own, under `region`: owner is pthread_self() of the thread
    # running a region, expected the value `done` reaches once its workers
    # finish, started the number of workers (ids 1..started), gen the last
    # region's number, end0/end1 the slots' base + n.
    ("caller", (("owner", m.i64), ("expected", m.i64), ("started", m.i64), ("gen", m.i64),
                ("end0", m.i64), ("end1", m.i64))),
)


def emit_thread_pool(module):
    """Define the thread pool's functions (FUNCTIONS) in `module`."""
    _PoolEmitter(module.llvm).emit()


def _i64(value):
    return ir.Constant(m.i64, value)


def _line_type(fields):
    """A struct of `fields` padded to a whole cache line (pointers are 8 bytes)."""
    size = sum(4 if ty == m.i32 else 8 for _, ty in fields)
    pad = -size % LINE_BYTES
    return ir.LiteralStructType([ty for _, ty in fields] + [ir.ArrayType(m.i8, pad)])


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
        self.self_id = self._declare("pthread_self", m.i64, [])
        self.key_create = self._declare("pthread_key_create", m.i32, [
            i32p, ir.FunctionType(m.void, [m.i8p]).as_pointer()])
        self.getspecific = self._declare("pthread_getspecific", m.i8p, [m.i32])
        self.setspecific = self._declare("pthread_setspecific", m.i32, [m.i32, m.i8p])
        self.cycles = self._declare("llvm.readcyclecounter", m.i64, [])

        g = self._global
        # Locks and conditions, for sleeping only: `region` serialises regions;
        # `state` goes with both conditions (work_cv: workers, done_cv: the caller).
        self.region, self.state, self.init = g("region", _sync), g("state", _sync), g("init", _sync)
        self.work_cv, self.done_cv = g("work_cv", _sync), g("done_cv", _sync)
        self.ready = g("ready", m.i32)  # the thread-local key created
        # The thread-local word: (a worker's id + 1) << 32 | the thread count
        # (0: the default), one pthread_getspecific for both.
        self.key = g("key", m.i32)
        self.default_count = g("default_count", m.i64, 1)
        self.handles = g("handles", ir.ArrayType(m.i64, MAX_THREADS))
        self.start_gen = g("start_gen", ir.ArrayType(m.i64, MAX_THREADS))
        self.lines, self.fields = [], {}
        for line, fields in _LINES:
            glob = g(line, _line_type(fields))
            self.lines.append(glob)
            self.fields[line] = {name: glob.gep([ir.Constant(m.i32, 0), ir.Constant(m.i32, k)])
                            for k, (name, _) in enumerate(fields)}
        self.gen, self.started = self.fields["signal"]["gen"], self.fields["caller"]["started"]
        self.done, self.waiting = self.fields["done"]["done"], self.fields["done"]["waiting"]
        self.sleeping, self.owner = self.fields["flags"]["sleeping"], self.fields["caller"]["owner"]

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
        glob.align = 64 if isinstance(ty, (ir.ArrayType, ir.LiteralStructType)) else 8
        return glob

    def _function(self, name, ret, args, internal=False):
        fn = ir.Function(self.llvm, ir.FunctionType(ret, args), name)
        if internal:
            fn.linkage = "internal"
        fn.attributes.add("nounwind")
        return fn, ir.IRBuilder(fn.append_basic_block("entry"))

    def _blocks(self, bld, *names):
        return [bld.function.append_basic_block(x) for x in names]

    def _slot(self, bld, gen, name):
        """A field of region number gen's slot."""
        one, zero = self.fields["slot1"][name], self.fields["slot0"][name]
        return bld.select(bld.trunc(gen, m.i1), one, zero)

    def _ptr(self, bld, glob):
        return bld.bitcast(glob, m.i8p)

    def _lock(self, bld, glob):
        bld.call(self.mutex_lock, [self._ptr(bld, glob)])

    def _unlock(self, bld, glob):
        bld.call(self.mutex_unlock, [self._ptr(bld, glob)])

    def _load(self, bld, ptr, ordering="monotonic"):
        return bld.load_atomic(ptr, ordering, 4 if ptr.type.pointee == m.i32 else 8)

    def _store(self, bld, value, ptr, ordering="monotonic"):
        bld.store_atomic(value, ptr, ordering, 4 if ptr.type.pointee == m.i32 else 8)

    def _get_word(self, bld):
        return bld.ptrtoint(bld.call(self.getspecific, [bld.load(self.key)]), m.i64)

    def _set_word(self, bld, value):
        bld.call(self.setspecific, [bld.load(self.key), bld.inttoptr(value, m.i8p)])

    def _count(self, bld, word):
        """The thread count a thread-local word names."""
        count = bld.and_(word, _i64(0xFFFF_FFFF))
        return bld.select(bld.icmp_unsigned("==", count, _ZERO), bld.load(self.default_count),
                          count)

    def _pause(self, bld):
        arch = platform.machine().lower()
        if arch in ("x86_64", "amd64", "i686"):
            bld.call(self._declare("llvm.x86.sse2.pause", m.void, []), [])
        elif arch in ("aarch64", "arm64"):  # the YIELD hint
            bld.call(self._declare("llvm.aarch64.hint", m.void, [m.i32]),
                     [ir.Constant(m.i32, 1)])

    def _spin(self, bld, done):
        """Poll `done(bld)` (an i1) until true or the spin budget is spent."""
        pre = bld.block
        loop, check, pause, out = self._blocks(bld, "spin.loop", "spin.check", "spin.pause",
                                               "spin.out")
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
        self._pause(bld)
        count.add_incoming(bld.add(count, _ONE), pause)
        bld.branch(loop)
        bld.position_at_end(out)

    def _sleep_until(self, bld, cond, done, before, after):
        """Under `state`: run `before`, wait on `cond` until `done(bld)`, run `after`."""
        check, wait, out = self._blocks(bld, "sleep.check", "sleep.wait", "sleep.out")
        self._lock(bld, self.state)
        before(bld)
        bld.branch(check)
        bld.position_at_end(check)
        bld.cbranch(done(bld), out, wait)
        bld.position_at_end(wait)
        bld.call(self.cond_wait, [self._ptr(bld, cond), self._ptr(bld, self.state)])
        bld.branch(check)
        bld.position_at_end(out)
        after(bld)
        self._unlock(bld, self.state)

    def _wake(self, bld, wake, cond):
        self._lock(bld, self.state)
        bld.call(wake, [self._ptr(bld, cond)])
        self._unlock(bld, self.state)

    def _chunk_limits(self, bld, n, threads):
        """The smallest and largest chunk of a region of n iterations."""
        def at_least_one(value):
            return bld.select(bld.icmp_signed("<", value, _ONE), _ONE, value)

        return (at_least_one(bld.sdiv(n, bld.mul(threads, _i64(SMALLEST_CHUNK_DIVISOR)))),
                at_least_one(bld.sdiv(n, bld.mul(threads, _i64(CHUNKS_PER_THREAD)))))

    def _chunk(self, bld, left, threads, limits):
        """The next chunk's size when `left` iterations are left (> 0)."""
        smallest, largest = limits
        take = bld.sdiv(left, bld.mul(threads, _i64(2)))
        take = bld.select(bld.icmp_signed("<", take, smallest), smallest, take)
        take = bld.select(bld.icmp_signed(">", take, largest), largest, take)
        return bld.select(bld.icmp_signed(">", take, left), left, take)

    def _clamp(self, bld, value):
        low = bld.select(bld.icmp_signed("<", value, _ONE), _ONE, value)
        return bld.select(bld.icmp_signed(">", low, _i64(MAX_THREADS)), _i64(MAX_THREADS), low)

    # -- functions -----------------------------------------------------------

    def emit(self):
        self.ensure_init = self._emit_ensure_init()
        self._emit_configure()
        self._emit_set_num_threads()
        self._emit_get_num_threads()
        self._emit_get_thread_id()
        self.run_chunks = self._emit_run_chunks()
        self.worker = self._emit_worker()
        self._emit_parallel_for()
        self._emit_after_fork()
        _, bld = self._function(STARTED, m.i64, [])
        bld.ret(self._load(bld, self.started))

    def _emit_ensure_init(self):
        """Create the thread-local key once (double-checked)."""
        fn, bld = self._function("ember_threads.ensure_init", m.void, [], internal=True)
        ready = bld.load_atomic(self.ready, "acquire", 4)
        with bld.if_then(bld.icmp_unsigned("!=", ready, _ZERO32), likely=True):
            bld.ret_void()
        self._lock(bld, self.init)
        with bld.if_then(bld.icmp_unsigned("==", bld.load(self.ready), _ZERO32)):
            no_destructor = ir.Constant(self.key_create.args[1].type, None)
            bld.call(self.key_create, [self.key, no_destructor])
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
        worker = bld.and_(self._get_word(bld), _i64(0xFFFF_FFFF << 32))
        self._set_word(bld, bld.or_(worker, self._clamp(bld, fn.args[0])))
        bld.ret_void()

    def _emit_get_num_threads(self):
        _, bld = self._function(GET_NUM_THREADS, m.i64, [])
        bld.call(self.ensure_init, [])
        bld.ret(self._count(bld, self._get_word(bld)))

    def _emit_get_thread_id(self):
        fn, bld = self._function(GET_THREAD_ID, m.i64, [])
        ready = bld.load_atomic(self.ready, "acquire", 4)
        with bld.if_then(bld.icmp_unsigned("==", ready, _ZERO32), likely=False):
            bld.ret(_ZERO)
        tid = bld.lshr(self._get_word(bld), _i64(32))  # a worker's id + 1, else 0
        bld.ret(bld.select(bld.icmp_unsigned("==", tid, _ZERO), _ZERO, bld.sub(tid, _ONE)))

    def _emit_run_chunks(self):
        """Claim chunks of iterations base..base+n-1 (between the limits
        _chunk_limits gives) from the slot's counter `next` until none is left
        or a body failed, and run them (as offsets from base). Returns the
        number of iterations claimed and the status seen last (nonzero: it
        stopped because a body failed).

        A claim succeeds only while the counter lies in the region, so a
        thread holding a stale copy of an old region can never claim: the
        counter has moved past it for good (it grows by n per region; a stale
        claim would need it to wrap around 2**64)."""
        result = ir.LiteralStructType([m.i64, m.i32])
        fn, bld = self._function("ember_threads.run_chunks", result, [
            m.i64, body_type.as_pointer(), m.i8p, m.i64, m.i64, m.i64, m.i64, m.i64,
            m.i64.as_pointer(), m.i32.as_pointer()], internal=True)
        tid, body, env, base, n, threads, smallest, largest, next_, status = fn.args
        limits = smallest, largest
        entry = bld.block
        loop, claim, work, done = self._blocks(bld, "loop", "claim", "work", "done")
        bld.branch(loop)
        bld.position_at_end(loop)
        ran = bld.phi(m.i64)
        ran.add_incoming(_ZERO, entry)
        seen = self._load(bld, status)
        first = self._load(bld, next_)
        bld.cbranch(bld.icmp_unsigned("!=", seen, _ZERO32), done, claim)
        bld.position_at_end(claim)
        current = bld.phi(m.i64)
        current.add_incoming(first, loop)
        start = bld.sub(current, base)  # unsigned: past the region either way
        with bld.if_then(bld.icmp_unsigned(">=", start, n), likely=False):
            bld.branch(done)
        take = self._chunk(bld, bld.sub(n, start), threads, limits)
        pair = bld.cmpxchg(next_, current, bld.add(current, take), "monotonic", "monotonic")
        current.add_incoming(bld.extract_value(pair, 0), bld.block)
        bld.cbranch(bld.extract_value(pair, 1), work, claim)
        bld.position_at_end(work)
        self._run(bld, body, env, start, bld.add(start, take), tid, status)
        ran.add_incoming(bld.add(ran, take), bld.block)
        bld.branch(loop)
        bld.position_at_end(done)
        out = bld.insert_value(ir.Constant(result, None), ran, 0)
        bld.ret(bld.insert_value(out, seen, 1))
        return fn

    def _run(self, bld, body, env, start, stop, tid, status):
        """Run a chunk; the first failure's status is the region's."""
        result = bld.call(body, [env, start, stop, tid])
        with bld.if_then(bld.icmp_unsigned("!=", result, _ZERO32), likely=False):
            bld.cmpxchg(status, _ZERO32, result, "acq_rel", "monotonic")

    def _emit_worker(self):
        """A worker's life: poll `gen` (then sleep) until a new region is
        published, copy it, join it unless it needs fewer threads, run chunks,
        count them in `done`, and wait again."""
        fn, bld = self._function("ember_threads.worker", m.i8p, [m.i8p], internal=True)
        wid = bld.ptrtoint(fn.args[0], m.i64)
        me = bld.shl(bld.add(wid, _ONE), _i64(32))
        self._set_word(bld, me)
        seen, own_count = bld.alloca(m.i64), bld.alloca(m.i64)
        bld.store(bld.load(bld.gep(self.start_gen, [_ZERO, wid])), seen)
        bld.store(_ZERO, own_count)
        wait, sleep, snap, join = self._blocks(bld, "wait", "sleep", "snap", "join")
        bld.branch(wait)

        bld.position_at_end(wait)
        old = bld.load(seen)

        def published(b, ordering="monotonic"):
            return b.icmp_unsigned("!=", self._load(b, self.gen, ordering), old)

        self._spin(bld, published)
        bld.cbranch(published(bld), snap, sleep)

        bld.position_at_end(sleep)  # `sleeping` first, then `gen`: see _emit_publish
        self._sleep_until(
            bld, self.work_cv, lambda b: published(b, "seq_cst"),
            before=lambda b: b.atomic_rmw("add", self.sleeping, _ONE, "seq_cst"),
            after=lambda b: b.atomic_rmw("sub", self.sleeping, _ONE, "monotonic"))
        bld.branch(snap)

        bld.position_at_end(snap)
        gen, (body, env, base, n, threads, count) = self._emit_snapshot(bld)
        bld.store(gen, seen)
        bld.cbranch(bld.icmp_signed(">=", wid, threads), wait, join)

        bld.position_at_end(join)
        with bld.if_then(bld.icmp_unsigned("!=", count, bld.load(own_count))):
            self._set_word(bld, bld.or_(me, count))
            bld.store(count, own_count)
        result = bld.call(self.run_chunks, [wid, body, env, base, n, threads,
                                            *self._chunk_limits(bld, n, threads),
                                            self._slot(bld, gen, "next"),
                                            self._slot(bld, gen, "status")])
        ran = bld.extract_value(result, 0)
        with bld.if_then(bld.icmp_unsigned("!=", ran, _ZERO)):
            bld.atomic_rmw("add", self.done, ran, "seq_cst")  # then `waiting`: see _emit_close
            waiting = self._load(bld, self.waiting, "seq_cst")
            with bld.if_then(bld.icmp_unsigned("!=", waiting, _ZERO), likely=False):
                self._wake(bld, self.cond_signal, self.done_cv)
        bld.branch(wait)
        return fn

    def _emit_snapshot(self, bld):
        """Read the newest region: its number and its slot's fields, read
        again until `gen` did not change meanwhile (the slot is rewritten
        only after `gen` moved on)."""
        read, retry, ok = self._blocks(bld, "snap.read", "snap.retry", "snap.ok")
        bld.branch(read)
        bld.position_at_end(read)
        gen = self._load(bld, self.gen, "acquire")
        fields = [self._load(bld, self._slot(bld, gen, name))
                  for name in ("body", "env", "base", "n", "threads", "count")]
        bld.fence("acquire")
        bld.cbranch(bld.icmp_unsigned("==", self._load(bld, self.gen), gen), ok, retry)
        bld.position_at_end(retry)
        self._pause(bld)
        bld.branch(read)
        bld.position_at_end(ok)
        return gen, fields

    def _emit_parallel_for(self):
        fn, bld = self._function(PARALLEL_FOR, m.i32, [body_type.as_pointer(), m.i8p, m.i64])
        body, env, n = fn.args
        serial, owned, parallel = self._blocks(bld, "serial", "owned", "parallel")
        with bld.if_then(bld.icmp_signed("<", n, _ONE), likely=False):
            bld.ret(_ZERO32)
        bld.call(self.ensure_init, [])
        word = self._get_word(bld)
        nested = bld.icmp_unsigned(">", word, _i64(0xFFFF_FFFF))  # in a worker
        count = self._count(bld, word)
        inline = bld.or_(nested, bld.or_(bld.icmp_signed("<=", count, _ONE),
                                         bld.icmp_signed("==", n, _ONE)))
        bld.cbranch(inline, serial, owned)

        bld.position_at_end(serial)
        bld.ret(bld.call(body, [env, _ZERO, n, _ZERO]))

        bld.position_at_end(owned)  # nested in the body of a region this thread runs
        me = bld.call(self.self_id, [])
        bld.cbranch(bld.icmp_unsigned("==", self._load(bld, self.owner), me), serial, parallel)

        bld.position_at_end(parallel)
        self._lock(bld, self.region)
        self._store(bld, me, self.owner)
        workers = self._emit_grow(bld, bld.select(bld.icmp_signed("<", n, count), n, count))
        with bld.if_then(bld.icmp_unsigned("==", workers, _ZERO), likely=False):
            status = bld.call(body, [env, _ZERO, n, _ZERO])
            self._store(bld, _ZERO, self.owner)
            self._unlock(bld, self.region)
            bld.ret(status)
        threads = bld.add(workers, _ONE)
        limits = self._chunk_limits(bld, n, threads)
        first = self._chunk(bld, n, threads, limits)
        gen, base = self._emit_publish(bld, body, env, n, threads, count, first)
        next_, status = self._slot(bld, gen, "next"), self._slot(bld, gen, "status")
        self._run(bld, body, env, _ZERO, first, _ZERO, status)
        result = bld.call(self.run_chunks, [_ZERO, body, env, base, n, threads, *limits,
                                            next_, status])
        status = self._emit_close(bld, base, n, bld.add(first, bld.extract_value(result, 0)),
                                  bld.extract_value(result, 1), next_, status)
        self._store(bld, _ZERO, self.owner)
        self._unlock(bld, self.region)
        bld.ret(status)

    def _emit_grow(self, bld, participants):
        """Start workers up to `participants - 1`, lazily; returns how many
        this region can use."""
        wanted = bld.sub(participants, _ONE)
        grow, create, grown = self._blocks(bld, "grow", "create", "grown")
        bld.branch(grow)

        bld.position_at_end(grow)
        have = bld.load(self.started)
        bld.cbranch(bld.icmp_signed(">=", have, wanted), grown, create)

        bld.position_at_end(create)
        wid = bld.add(have, _ONE)
        bld.store(bld.load(self.fields["caller"]["gen"]), bld.gep(self.start_gen, [_ZERO, wid]))
        failed = bld.call(self.create, [bld.gep(self.handles, [_ZERO, have]), _NULL,
                                        self.worker, bld.inttoptr(wid, m.i8p)])
        with bld.if_then(bld.icmp_unsigned("!=", failed, _ZERO32), likely=False):
            bld.branch(grown)  # run with the workers there are
        self._store(bld, wid, self.started)
        bld.branch(grow)

        bld.position_at_end(grown)
        have = bld.load(self.started)
        return bld.select(bld.icmp_signed("<", have, wanted), have, wanted)

    def _emit_publish(self, bld, body, env, n, threads, count, first):
        """Fill the next region's slot, publish its number and wake sleeping
        workers; returns the number and the region's base. Its iterations
        follow that slot's last region's on the counter, and the caller's
        first chunk is claimed before anyone can see the region: a plain
        store, so that the caller of a short region does not wait for the
        counter's cache line."""
        caller = self.fields["caller"]
        gen = bld.add(bld.load(caller["gen"]), _ONE)
        bld.store(gen, caller["gen"])
        end = bld.select(bld.trunc(gen, m.i1), caller["end1"], caller["end0"])
        base = bld.load(end)
        bld.store(bld.add(base, n), end)
        bld.fence("release")  # a reader that sees these writes sees gen - 1 replaced
        for name, value in (("body", body), ("env", env), ("base", base), ("n", n),
                            ("threads", threads), ("count", count), ("status", _ZERO32),
                            ("next", bld.add(base, first))):  # no stale claim can race
            self._store(bld, value, self._slot(bld, gen, name))
        # Dekker with a worker going to sleep (it adds itself to `sleeping`,
        # then reads `gen`): one of the two sees the other's write.
        self._store(bld, gen, self.gen, "seq_cst")
        asleep = self._load(bld, self.sleeping, "seq_cst")
        with bld.if_then(bld.icmp_unsigned("!=", asleep, _ZERO), likely=False):
            self._wake(bld, self.cond_broadcast, self.work_cv)
        return gen, base

    def _emit_close(self, bld, base, n, ran, seen, next_, status):
        """After the caller's chunks: if a body failed, claim what is left
        (so that no one starts it), then wait until the workers have run every
        iteration they claimed; returns the region's status. Workers that
        claimed nothing are not waited for (nor is the slot read again)."""
        before = bld.block
        with bld.if_then(bld.icmp_unsigned("!=", seen, _ZERO32), likely=False):
            end = bld.add(base, n)
            taken = bld.add(ran, bld.sub(end, bld.atomic_rmw("xchg", next_, end, "monotonic")))
            after_failure = bld.block
        mine = bld.phi(m.i64)
        mine.add_incoming(ran, before)
        mine.add_incoming(taken, after_failure)
        others = bld.sub(n, mine)
        alone = bld.block
        with bld.if_then(bld.icmp_unsigned("!=", others, _ZERO)):
            self._emit_wait_done(bld, others)
            shared = self._load(bld, status, "acquire")
            joined = bld.block
        result = bld.phi(m.i32)
        result.add_incoming(seen, alone)  # no worker ran a body: only ours could fail
        result.add_incoming(shared, joined)
        return result

    def _emit_wait_done(self, bld, others):
        """Wait until `done` grows by `others`: poll, then sleep."""
        expected = bld.add(bld.load(self.fields["caller"]["expected"]), others)
        bld.store(expected, self.fields["caller"]["expected"])

        def finished(b, ordering="acquire"):
            return b.icmp_unsigned("==", self._load(b, self.done, ordering), expected)

        self._spin(bld, finished)
        with bld.if_then(bld.not_(finished(bld)), likely=False):
            # Dekker with a worker that counts its chunks (it adds to `done`,
            # then reads `waiting`): one of the two sees the other's write.
            self._sleep_until(
                bld, self.done_cv, lambda b: finished(b, "seq_cst"),
                before=lambda b: self._store(b, _ONE, self.waiting, "seq_cst"),
                after=lambda b: self._store(b, _ZERO, self.waiting))

    def _emit_after_fork(self):
        """In a forked child only the forking thread exists: reset the locks
        (one may have been held by a thread that is gone), forget the workers,
        and restart the counters (no stale claim can reach them)."""
        _, bld = self._function(AFTER_FORK, m.void, [])
        for glob in (self.region, self.state, self.init, self.work_cv, self.done_cv,
                     *self.lines):
            bld.store(ir.Constant(glob.type.pointee, None), glob)
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
