import ember as numba
import numpy as np
import time

@numba.jit(nopython=True)
def mandelbrot(h, w, max_iter):
    y, x = np.mgrid[-1.4:1.4:h*1j, -2:0.8:w*1j]
    c = x + y*1j
    z = c
    divtime = max_iter + np.zeros(z.shape, dtype=int)
    
    for i in range(max_iter):
        z = z**2 + c
        diverge = z*np.conj(z) > 2**2
        div_now = diverge & (divtime == max_iter)
        divtime[div_now] = i
        z[diverge] = 2
    
    return divtime

h, w = 1000, 1500
max_iter = 100

start = time.time()
mandelbrot_set = mandelbrot(h, w, max_iter)
end = time.time()

print(f"Mandelbrot set calculation time: {end - start:.4f} seconds")
print(f"Output shape: {mandelbrot_set.shape}")
