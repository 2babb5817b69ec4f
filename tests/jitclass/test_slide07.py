"""Gallery slide 7's Particle, from Python and from compiled code, against the
same class run as plain Python."""

import numpy as np
import pytest

import ember
from ember.experimental import jitclass as experimental_jitclass
from ember.runtime import stats

from .classes import PARTICLE_SPEC, Particle

JitParticle = ember.jitclass(PARTICLE_SPEC)(Particle)


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked memory"


def test_slide07_values_match_plain_python():
    position, velocity = np.array([1.0, 2.0, 3.0]), np.array([0.1, 0.2, 0.3])
    plain, compiled = Particle(position, velocity, 1.5), JitParticle(position, velocity, 1.5)
    assert compiled.kinetic_energy() == plain.kinetic_energy()
    assert compiled.mass == plain.mass
    np.testing.assert_array_equal(compiled.velocity, plain.velocity)
    assert isinstance(compiled, JitParticle) and not isinstance(plain, JitParticle)


def test_both_names_and_the_class_interface():
    other = experimental_jitclass(PARTICLE_SPEC)(Particle)
    assert other is not JitParticle and other(np.ones(2), np.ones(2), 2.0).kinetic_energy() == 2.0
    ty = JitParticle.class_type.instance_type
    assert ember.typeof(JitParticle(np.ones(1), np.ones(1), 1.0)) == ty
    assert dict(ty.fields)["mass"] == ember.float64
    assert "Particle" in repr(JitParticle(np.ones(1), np.ones(1), 1.0))
    assert ember.float64 is ember.types.float64 and ember.int32 is ember.types.int32
    assert ember.boolean is ember.types.boolean and ember.uint8 is ember.types.uint8


def test_fields_share_memory_with_the_arrays_given():
    velocity = np.array([1.0, 2.0])
    p = JitParticle(np.zeros(2), velocity, 1.0)
    velocity[0] = 3.0  # as a plain Python attribute would, the field sees it
    assert p.kinetic_energy() == Particle(np.zeros(2), velocity, 1.0).kinetic_energy()
    p.velocity[1] = 0.0  # and the other way round
    assert velocity[1] == 0.0


def test_in_compiled_code_many_particles():
    @ember.njit
    def total_energy(positions, velocities, masses):
        total = 0.0
        for i in range(masses.shape[0]):
            p = JitParticle(positions[i], velocities[i], masses[i])
            total += p.kinetic_energy()
        return total

    rng = np.random.default_rng(7)
    pos, vel, mass = rng.random((50, 3)), rng.random((50, 3)), rng.random(50)
    expected = sum(Particle(pos[i], vel[i], mass[i]).kinetic_energy() for i in range(50))
    assert total_energy(pos, vel, mass) == pytest.approx(expected, rel=1e-14)


def test_disable_jit_gives_the_plain_class(monkeypatch):
    from ember import config

    monkeypatch.setattr(config, "DISABLE_JIT", True)
    assert ember.jitclass(PARTICLE_SPEC)(Particle) is Particle
