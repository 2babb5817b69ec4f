import ember as numba
import numpy as np

spec = [
    ('position', numba.float64[:]),
    ('velocity', numba.float64[:]),
    ('mass', numba.float64)
]

@numba.jitclass(spec)
class Particle:
    def __init__(self, position, velocity, mass):
        self.position = position
        self.velocity = velocity
        self.mass = mass
    
    def kinetic_energy(self):
        return 0.5 * self.mass * np.sum(self.velocity**2)

# Example usage
position = np.array([1.0, 2.0, 3.0])
velocity = np.array([0.1, 0.2, 0.3])
mass = 1.5

particle = Particle(position, velocity, mass)
ke = particle.kinetic_energy()
print(f"Particle kinetic energy: {ke}")
