"""Instances are freed when the last reference from Python or compiled code
goes, and release what their fields hold: runtime blocks (ember.runtime
stats) and the ndarrays from Python they keep alive (Python refcounts)."""

import gc
import sys

import numpy as np
import pytest

import ember
from ember import float64
from ember.runtime import stats

from .classes import PARTICLE_SPEC, Particle

JitParticle = ember.jitclass(PARTICLE_SPEC)(Particle)


class Holder:
    def __init__(self, inner, extra):
        self.inner, self.extra = inner, extra


JitHolder = ember.jitclass([('inner', JitParticle.class_type.instance_type),
                            ('extra', float64[:, :])])(Holder)


@pytest.fixture(autouse=True)
def no_leaks():
    gc.collect()
    before = stats().alive
    yield
    gc.collect()
    assert stats().alive == before, "compiled code leaked memory"


def alive():
    gc.collect()
    return stats().alive


def test_instance_made_in_python_is_freed_with_its_box():
    position, velocity = np.zeros(3), np.ones(3)
    refs = sys.getrefcount(position), sys.getrefcount(velocity)
    before = alive()
    p = JitParticle(position, velocity, 1.0)
    assert alive() > before
    assert sys.getrefcount(position) == refs[0] + 1  # the field owns the ndarray
    view = p.velocity  # an ndarray keeping the instance's field alive
    del p
    assert sys.getrefcount(velocity) > refs[1]
    del view
    assert alive() == before
    assert (sys.getrefcount(position), sys.getrefcount(velocity)) == refs


def test_instances_made_and_dropped_in_compiled_code():
    @ember.njit
    def churn(n):
        total = 0.0
        for i in range(n):
            p = JitParticle(np.zeros(3), np.full(3, float(i)), 1.0)
            h = JitHolder(p, np.ones((2, 2)))
            total += h.inner.kinetic_energy() + h.extra.sum()
        return total

    before = alive()
    assert churn(100) == sum(0.5 * 3 * i * i + 4.0 for i in range(100))
    assert alive() == before


def test_nested_instance_outlives_its_holder_only_while_referenced():
    velocity = np.ones(2)
    refs = sys.getrefcount(velocity)
    before = alive()
    inner = JitParticle(np.zeros(2), velocity, 1.0)
    holder = JitHolder(inner, np.zeros((1, 1)))
    del inner
    assert holder.inner.kinetic_energy() == 1.0
    del holder
    assert alive() == before and sys.getrefcount(velocity) == refs


def test_returned_instance_and_replaced_fields():
    @ember.njit
    def make_and_replace(n):
        p = JitParticle(np.zeros(n), np.ones(n), 2.0)
        p.velocity = np.full(n, 3.0)  # the old array is freed here
        return p

    before = alive()
    p = make_and_replace(5)
    assert p.kinetic_energy() == 0.5 * 2.0 * 45.0
    del p
    assert alive() == before


def test_no_leak_when_init_raises():
    @ember.jitclass([('data', float64[:])])
    class Checked:
        def __init__(self, data):
            self.data = data
            if data.shape[0] == 0:
                raise ValueError("empty data")

    @ember.njit
    def make_then_fail(data):
        keep = Checked(np.ones(3))
        bad = Checked(data)
        return keep.data.sum() + bad.data.sum()

    data = np.zeros(0)
    refs = sys.getrefcount(data)
    before = alive()
    for _ in range(3):
        with pytest.raises(ValueError, match="empty data"):
            Checked(data)
        with pytest.raises(ValueError, match="empty data"):
            make_then_fail(data)
    assert alive() == before and sys.getrefcount(data) == refs


def test_many_instances_share_one_adopted_array():
    positions = np.zeros((1000, 3))
    refs = sys.getrefcount(positions)
    before = alive()
    particles = [JitParticle(positions[i], positions[i], 1.0) for i in range(10)]
    assert particles[3].kinetic_energy() == 0.0
    del particles
    assert alive() == before and sys.getrefcount(positions) == refs


_PARALLEL_ADOPTION = '''
import numpy as np, ember
from jitclass.classes import PARTICLE_SPEC, Particle
members = {k: v for k, v in vars(Particle).items() if k not in ("__dict__", "__weakref__")}
JitParticle = ember.jitclass(PARTICLE_SPEC)(type("Particle", (), members))

@ember.njit(parallel=True)
def energies(template, velocities):
    out = np.empty(velocities.shape[0])
    for i in ember.prange(velocities.shape[0]):
        out[i] = JitParticle(template.position, velocities[i], template.mass).kinetic_energy()
    return out

rng = np.random.default_rng(3)
for _ in range(12000):
    energies(JitParticle(np.zeros(3), np.ones(3), 2.0), rng.random((2000, 3)))
print("ok")
'''


def test_instances_adopting_argument_rows_on_pool_threads_keep_the_heap_intact(tmp_path):
    """A jitclass __init__ called from a prange body runs on the pool's workers:
    it must not share the GIL-holder's table of adopted ndarrays (a block freed
    under a reader corrupted malloc's free lists; MALLOC_PERTURB_ makes glibc
    notice)."""
    import os
    import pathlib
    import subprocess
    import sys

    root = pathlib.Path(__file__).resolve().parents[2]
    env = dict(os.environ, EMBER_NUM_THREADS="2", MALLOC_PERTURB_="165",
               PYTHONPATH=os.pathsep.join([str(root / "tests"), str(root / "src")]))
    script = tmp_path / "parallel_adoption.py"  # ember compiles from source: a file
    script.write_text(_PARALLEL_ADOPTION)
    run = subprocess.run([sys.executable, str(script)], capture_output=True,
                         text=True, env=env, timeout=600)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-2000:]
