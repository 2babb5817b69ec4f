"""@jitclass side by side: ember and Numba in one process, on slide 7's
Particle.

    .venv/bin/python benchmarks/jitclass.py [--quick]

Figures per engine:
- compile: the first `Particle(...)` and first `p.kinetic_energy()` from
  Python, on a class defined fresh (each engine warmed up first by an
  unrelated @njit function calling np.sum, so its start-up and the loading
  of its library are not counted); and the first
  call of the hot-loop function below;
- call overhead from Python: `Particle(position, velocity, mass)`,
  `p.kinetic_energy()` and reading `p.mass`, in steady state (3-element arrays);
- in compiled code: `sum_energy` builds one Particle per row of N particles'
  data and sums their kinetic energies (construction and a method call in a
  hot loop); `big_energy` calls kinetic_energy on one instance with arrays of
  N elements.

Engines take turns figure by figure; results are checked against plain
Python (the undecorated class). Each figure is the best of repeated calls.
"""

import argparse
import importlib
import operator
import sys
import time

import numpy as np

from timing import LoopPlan, per_call_seconds


def define(engine):
    """slide 7's class and two compiled users of it, for one engine."""
    float64 = engine.float64 if engine is not None else None
    spec = [('position', float64[:]), ('velocity', float64[:]), ('mass', float64)] \
        if engine is not None else None

    class Particle:
        def __init__(self, position, velocity, mass):
            self.position = position
            self.velocity = velocity
            self.mass = mass

        def kinetic_energy(self):
            return 0.5 * self.mass * np.sum(self.velocity**2)

    def sum_energy(positions, velocities, masses):
        total = 0.0
        for i in range(masses.shape[0]):
            p = Particle(positions[i], velocities[i], masses[i])
            total += p.kinetic_energy()
        return total

    def big_energy(p):
        return p.kinetic_energy()

    if engine is None:
        return Particle, sum_energy, big_energy
    jitclass = importlib.import_module(f"{engine.__name__}.experimental").jitclass
    Particle = jitclass(spec)(Particle)
    return Particle, engine.njit(sum_energy), engine.njit(big_energy)


kinetic_energy = operator.methodcaller("kinetic_energy")  # attribute lookup and call
mass_of = operator.attrgetter("mass")


def warm_up(engine):
    @engine.njit
    def unrelated(x):
        return np.sum(x**2) + 1.0
    unrelated(np.ones(3))


def seconds(func, *args):
    start = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - start, result


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    import numba

    import ember
    engines = {"ember": ember, "numba": numba}
    plan = LoopPlan(repeats=5 if args.quick else 10, min_repeats=3, min_time=0.05,
                    budget=2 if args.quick else 5)
    n = 100_000 if args.quick else 1_000_000
    rng = np.random.default_rng(20240611)
    position, velocity, mass = np.array([1.0, 2.0, 3.0]), np.array([0.1, 0.2, 0.3]), 1.5
    positions, velocities = rng.random((n, 3)), rng.random((n, 3))
    masses = rng.random(n)
    big = rng.random(n)

    PyParticle, py_sum, _ = define(None)
    ref_ke = PyParticle(position, velocity, mass).kinetic_energy()
    ref_sum = py_sum(positions[:1000], velocities[:1000], masses[:1000])
    ref_big = 0.5 * 2.0 * np.sum(big**2)

    rows = {}
    compiled = {}
    for name, engine in engines.items():
        warm_up(engine)
        Particle, sum_energy, big_energy = define(engine)
        t_new, p = seconds(Particle, position, velocity, mass)
        t_ke, ke = seconds(p.kinetic_energy)
        t_loop, s = seconds(sum_energy, positions[:1000], velocities[:1000], masses[:1000])
        t_big, b = seconds(big_energy, Particle(position, big, 2.0))
        assert np.isclose(ke, ref_ke) and np.isclose(s, ref_sum) and np.isclose(b, ref_big), name
        rows.setdefault("compile: first Particle(...) + first kinetic_energy()", {})[name] = \
            t_new + t_ke
        rows.setdefault("compile: first sum_energy(...) (Particle in a loop)", {})[name] = t_loop
        compiled[name] = Particle, sum_energy, big_energy, p
    figures = [
        ("Python: Particle(position, velocity, mass)",
         lambda P, s, b, p: (P, (position, velocity, mass))),
        ("Python: p.kinetic_energy()", lambda P, s, b, p: (kinetic_energy, (p,))),
        ("Python: p.mass", lambda P, s, b, p: (mass_of, (p,))),
        (f"njit: sum_energy, {n} Particles built and called",
         lambda P, s, b, p: (s, (positions, velocities, masses))),
        (f"njit: kinetic_energy() of one Particle with {n} elements",
         lambda P, s, b, p: (b, (P(position, big, 2.0),))),
    ]
    for label, make in figures:
        for name in engines:
            func, fargs = make(*compiled[name])
            rows.setdefault(label, {})[name] = min(per_call_seconds(func, fargs, plan)[0])
    print(f"numba {numba.__version__}, numpy {np.__version__}, python "
          f"{sys.version.split()[0]}")
    print("| figure | ember | Numba | ember/Numba |\n|---|---|---|---|")
    for label, row in rows.items():
        e, nb = row["ember"], row["numba"]
        print(f"| {label} | {_fmt(e)} | {_fmt(nb)} | {e / nb:.2f} |")


def _fmt(s):
    if s >= 0.1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    if s >= 1e-6:
        return f"{s * 1e6:.2f} us"
    return f"{s * 1e9:.0f} ns"


if __name__ == "__main__":
    main(sys.argv[1:])
