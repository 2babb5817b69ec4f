"""Instances crossing into and out of @njit code: passed in, created there,
returned, mutated, stored in other instances."""

import numpy as np
import pytest

import ember
from ember.runtime import stats

from .classes import PARTICLE_SPEC, Particle

JitParticle = ember.jitclass(PARTICLE_SPEC)(Particle)


@pytest.fixture(autouse=True)
def no_leaks():
    before = stats().alive
    yield
    assert stats().alive == before, "compiled code leaked memory"


@ember.njit
def step(p, dt):
    p.position += p.velocity * dt
    p.mass = p.mass * 2
    return p.kinetic_energy()


def reference_step(p, dt):
    p.position += p.velocity * dt
    p.mass = p.mass * 2
    return p.kinetic_energy()


def test_mutations_in_compiled_code_are_seen_in_python():
    position, velocity = np.array([0.0, 1.0]), np.array([2.0, 3.0])
    compiled = JitParticle(position.copy(), velocity, 1.0)
    plain = Particle(position.copy(), velocity, 1.0)
    assert step(compiled, 0.5) == reference_step(plain, 0.5)
    np.testing.assert_array_equal(compiled.position, plain.position)
    assert compiled.mass == plain.mass == 2.0


def test_created_in_compiled_code_and_returned():
    @ember.njit
    def make(n, m):
        p = JitParticle(np.zeros(n), np.arange(n) * 1.0, m)
        p.velocity[0] = 10.0
        return p, p.kinetic_energy()

    p, energy = make(4, 0.5)
    expected = Particle(np.zeros(4), np.array([10.0, 1.0, 2.0, 3.0]), 0.5).kinetic_energy()
    assert isinstance(p, JitParticle) and energy == expected == p.kinetic_energy()
    np.testing.assert_array_equal(p.velocity, [10.0, 1.0, 2.0, 3.0])


def test_instances_as_arguments_and_results_keep_identity_of_struct():
    @ember.njit
    def same(p):
        return p

    p = JitParticle(np.zeros(1), np.ones(1), 1.0)
    q = same(p)
    q.mass = 5.0
    assert p.mass == 5.0  # a new box, the same native struct


def test_fields_replaced_in_compiled_code():
    @ember.njit
    def replace(p, n):
        p.velocity = np.full(n, 2.0)
        return p.kinetic_energy()

    velocity = np.ones(3)
    p = JitParticle(np.zeros(3), velocity, 1.0)
    assert replace(p, 5) == 0.5 * 1.0 * 20.0
    assert p.velocity.shape == (5,) and velocity.sum() == 3.0


def test_instance_argument_of_another_class_compiles_again():
    other = ember.jitclass(PARTICLE_SPEC)(Particle)
    p, q = JitParticle(np.zeros(1), np.ones(1), 2.0), other(np.zeros(1), np.ones(1), 4.0)
    assert step(p, 1.0) == 2.0 and step(q, 1.0) == 4.0
    assert len(step.signatures) >= 2


def test_instances_in_parallel_loops():
    @ember.njit(parallel=True)
    def energies(template, velocities):
        out = np.empty(velocities.shape[0])
        for i in ember.prange(velocities.shape[0]):
            p = JitParticle(template.position, velocities[i], template.mass)
            out[i] = p.kinetic_energy() + template.kinetic_energy()
        return out

    rng = np.random.default_rng(3)
    velocities = rng.random((2000, 3))
    template = JitParticle(np.zeros(3), np.ones(3), 2.0)
    plain = Particle(np.zeros(3), np.ones(3), 2.0)
    expected = [Particle(plain.position, v, 2.0).kinetic_energy() + plain.kinetic_energy()
                for v in velocities]
    np.testing.assert_allclose(energies(template, velocities), expected, rtol=1e-15)
