"""Classes the jitclass tests compile: each stays a plain Python class here,
the reference every test compares the compiled class against."""

import numpy as np

from ember import float64, int64
from ember.types import UniTuple

PARTICLE_SPEC = [('position', float64[:]), ('velocity', float64[:]), ('mass', float64)]


class Particle:  # gallery slide 7
    def __init__(self, position, velocity, mass):
        self.position = position
        self.velocity = velocity
        self.mass = mass

    def kinetic_energy(self):
        return 0.5 * self.mass * np.sum(self.velocity**2)


ACCOUNT_SPEC = {'balance': float64, 'count': int64, 'history': float64[:],
                'limits': UniTuple(float64, 2)}


class Account:
    """Properties, a static method, defaults, methods calling methods."""

    def __init__(self, balance, history, limits=(0.0, 1e9)):
        self.balance = balance
        self.count = 0
        self.history = history
        self.limits = limits

    @property
    def doubled(self):
        return self.balance * 2

    @doubled.setter
    def doubled(self, value):
        self.balance = value / 2

    @staticmethod
    def clamp(value, low, high):
        return min(max(value, low), high)

    def deposit(self, amount, fee=0.5):
        self.balance = self.clamp(self.balance + amount - fee, self.limits[0],
                                  self.limits[1])
        self.record()
        return self.balance

    def record(self):
        self.history[self.count % self.history.shape[0]] = self.balance
        self.count += 1

    def summary(self, scale=1.0):
        return (self.balance + self.history.sum()) * scale + self.count
