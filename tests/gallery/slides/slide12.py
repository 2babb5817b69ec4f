import ember as numba
import numpy as np
import matplotlib.pyplot as plt
import time

@numba.jit(nopython=True)
def compute_acceleration(pos, mass, G, softening):
    n = pos.shape[0]
    acc = np.zeros_like(pos)
    for i in range(n):
        for j in range(n):
            if i != j:
                dx = pos[j] - pos[i]
                r = np.sqrt(np.sum(dx**2) + softening**2)
                acc[i] += G * mass[j] * dx / r**3
    return acc

@numba.jit(nopython=True)
def update_pos_vel(pos, vel, acc, dt):
    vel += acc * dt
    pos += vel * dt
    return pos, vel

@numba.jit(nopython=True)
def n_body_simulation(n_bodies, n_steps, dt, G, softening):
    pos = np.random.randn(n_bodies, 3)
    vel = np.random.randn(n_bodies, 3) * 0.1
    mass = np.random.rand(n_bodies) * 0.1 + 0.9
    
    for _ in range(n_steps):
        acc = compute_acceleration(pos, mass, G, softening)
        pos, vel = update_pos_vel(pos, vel, acc, dt)
    
    return pos

# Run simulation
n_bodies, n_steps = 1000, 100
G, softening, dt = 1.0, 0.1, 0.01

start = time.time()
final_pos = n_body_simulation(n_bodies, n_steps, dt, G, softening)
end = time.time()

print(f"N-body simulation time: {end - start:.4f} seconds")

# Plot final positions
fig = plt.figure(figsize=(10, 10))
ax = fig.add_subplot(111, projection='3d')
ax.scatter(final_pos[:, 0], final_pos[:, 1], final_pos[:, 2])
plt.savefig('n_body_simulation.png')
plt.close()
