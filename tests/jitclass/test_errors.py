"""Every error a jitclass user can meet names the class, the member and the
types involved; none crashes the process."""

import copy

import numpy as np
import pytest

import ember
from ember import float64
from ember.errors import TypingError, UnsupportedError

from .classes import PARTICLE_SPEC, Particle

JitParticle = ember.jitclass(PARTICLE_SPEC)(Particle)


def particle():
    return JitParticle(np.zeros(2), np.ones(2), 1.0)


def test_wrong_argument_types_to_init():
    with pytest.raises(TypingError, match=r"array\(int64, 1d, C\) to field Particle.velocity of "
                                          r"type array\(float64, 1d, A\)") as info:
        JitParticle(np.zeros(2), np.arange(2), 1.0)
    assert "self.velocity = velocity" in str(info.value)  # the line in __init__, with a caret
    with pytest.raises(TypingError, match=r"argument 'mass' \(a str\)"):
        JitParticle(np.zeros(2), np.ones(2), "heavy")
    with pytest.raises(TypingError, match="missing required argument 'mass'"):
        ember.njit(lambda: JitParticle(np.zeros(2), np.ones(2)))()


def test_setting_a_field_from_python_checks_the_type():
    p = particle()
    with pytest.raises(TypeError, match="cannot set Particle.mass of type float64 to a value "
                                        "of type str"):
        p.mass = "heavy"
    with pytest.raises(TypeError, match=r"Particle.velocity of type array\(float64, 1d, A\)"):
        p.velocity = np.zeros(2, dtype=np.int32)
    assert p.mass == 1.0 and p.velocity.dtype == np.float64


def test_unknown_attributes_from_python():
    p = particle()
    with pytest.raises(AttributeError, match="'Particle' object has no attribute 'charge'"):
        p.charge  # noqa: B018
    with pytest.raises(AttributeError, match="'Particle' object has no attribute 'charge'"):
        p.charge = 1.0


def test_unknown_attributes_in_compiled_code():
    @ember.njit
    def read(p):
        return p.charge

    @ember.njit
    def write(p):
        p.charge = 1.0

    @ember.njit
    def call(p):
        return p.momentum()

    for func in (read, call):
        with pytest.raises(TypingError, match="Particle has no attribute '(charge|momentum)'"):
            func(particle())
    with pytest.raises(TypingError, match="Particle has no field 'charge'"):
        write(particle())


def test_field_assigned_but_not_declared():
    class Undeclared:
        x: float64

        def __init__(self, x):
            self.x = x
            self.y = 2 * x

    cls = ember.jitclass(Undeclared)
    with pytest.raises(TypingError, match="Undeclared has no field 'y'"):
        cls(1.0)


def test_field_types_that_cannot_be_known():
    class Untyped:
        name: str

    with pytest.raises(TypingError, match="Untyped: field 'name' has type <class 'str'>"):
        ember.jitclass(Untyped)
    with pytest.raises(TypingError, match="Particle: field 'a' has type <class 'list'>"):
        ember.jitclass([('a', list)])(Particle)
    with pytest.raises(TypeError, match="spec of Particle must be a list"):
        ember.jitclass(42)(Particle)


@pytest.mark.parametrize("member, message", [
    ("__add__", "special method __add__ is not supported"),
    ("rate", "class attribute 'rate' = 0.5 is not supported"),
    ("make", "classmethod 'make' is not supported"),
])
def test_unsupported_members(member, message):
    body = {"__add__": lambda self, other: self, "rate": 0.5,
            "make": classmethod(lambda cls: cls)}
    cls = type("Odd", (), {"__init__": Particle.__init__, member: body[member]})
    with pytest.raises(UnsupportedError, match=f"jitclass Odd: {message}"):
        ember.jitclass(PARTICLE_SPEC)(cls)


def test_inheritance_is_unsupported():
    class Child(Particle):
        pass

    with pytest.raises(UnsupportedError, match="jitclasses do not support inheritance"):
        ember.jitclass(PARTICLE_SPEC)(Child)


def test_methods_are_not_values_and_fields_are_not_methods():
    @ember.njit
    def method_value(p):
        f = p.kinetic_energy
        return f

    @ember.njit
    def call_field(p):
        return p.mass()

    with pytest.raises(TypingError, match="kinetic_energy can only be called"):
        method_value(particle())
    with pytest.raises(TypingError, match="Particle.mass is not a method"):
        call_field(particle())


def test_property_without_setter():
    class ReadOnly:
        x: float64

        def __init__(self):
            self.x = 1.0

        @property
        def twice(self):
            return 2 * self.x

    cls = ember.jitclass(ReadOnly)

    @ember.njit
    def write(r):
        r.twice = 3.0

    r = cls()
    assert r.twice == 2.0
    with pytest.raises(AttributeError):
        r.twice = 3.0
    with pytest.raises(TypingError, match="property ReadOnly.twice has no setter"):
        write(r)


def test_boxes_cannot_be_made_empty():
    p = particle()
    with pytest.raises(TypeError, match="cannot be copied"):
        copy.copy(p)
    with pytest.raises(TypeError, match="instances are created by calling the class"):
        JitParticle.__new__(JitParticle)


def test_fields_read_before_they_are_assigned():
    leaf = ember.jitclass([('v', float64)])(type("Leaf", (), {"__init__": _set_v}))

    class Node:
        def __init__(self):
            pass

        def child_value(self):
            return self.child.v

    node_class = ember.jitclass([('child', leaf.class_type.instance_type),
                                 ('data', float64[:])])(Node)
    node = node_class()
    for read in (node.child_value, lambda: node.child, lambda: node.data):
        with pytest.raises(AttributeError, match=r"field Node\.(child|data) is read before it "
                                                 "is assigned"):
            read()
    node.child, node.data = leaf(2.0), np.ones(2)
    assert node.child_value() == 2.0 and node.data.sum() == 2.0


def _set_v(self, v):
    self.v = v
