"""Steady-state timing: the best of several repeats of an inner loop of calls."""

import time
import timeit
from dataclasses import dataclass


@dataclass(frozen=True)
class LoopPlan:
    repeats: int  # at most this many samples
    min_repeats: int  # at least this many, even past the budget
    min_time: float  # seconds one sample's inner loop should last at least
    budget: float  # seconds after which no new sample is started


def make_timer(func, args: tuple) -> timeit.Timer:
    # A generated statement `f(a0, a1)` rather than a lambda or `f(*args)`:
    # for calls of ~100 ns, a wrapper would be a large share of what is measured.
    names = [f"a{i}" for i in range(len(args))]
    namespace = dict(zip(names, args, strict=True), f=func)
    return timeit.Timer(f"f({', '.join(names)})", globals=namespace)


def calibrate(timer: timeit.Timer, min_time: float) -> int:
    """The smallest count in 1, 2, 5, 10, 20, 50... whose loop lasts `min_time`."""
    number = 1
    while True:
        for step in (1, 2, 5):
            count = number * step
            if timer.timeit(count) >= min_time:
                return count
        number *= 10


def per_call_seconds(func, args: tuple, plan: LoopPlan) -> tuple[list[float], int]:
    """Seconds per call, one sample per repeat, and the inner loop count used.

    timeit switches the garbage collector off during each loop, as it should:
    a collection landing in one engine's loop and not the other's is noise.
    """
    timer = make_timer(func, args)
    number = calibrate(timer, plan.min_time)
    deadline = time.perf_counter() + plan.budget
    samples: list[float] = []
    while len(samples) < plan.repeats:
        samples.append(timer.timeit(number) / number)
        if len(samples) >= plan.min_repeats and time.perf_counter() > deadline:
            break
    return samples, number
