"""`jit` and `njit`: turn functions into dispatchers. No compilation logic here."""

from ember.dispatcher import Dispatcher


def jit(signature_or_function=None, locals=None, cache=False, pipeline_class=None,
        boundscheck=None, **options):
    """Compile a function to machine code; Numba's `jit`, same arguments.

    `@jit`, `@jit(nopython=True, ...)`, `@jit("float64(float64[:])")` and
    `@jit([sig1, sig2])` all work. Without nopython=True, a function that
    cannot be compiled runs as Python with an EmberFallbackWarning.
    """
    options.update(locals=locals or {}, cache=cache, boundscheck=boundscheck)
    if callable(signature_or_function) and not _is_signature(signature_or_function):
        return Dispatcher(signature_or_function, options)
    signatures = _signature_list(signature_or_function)

    def decorate(func):
        return Dispatcher(func, options, signatures)
    return decorate


def njit(*args, **options):
    """`jit` with nopython=True: unsupported code is an error, never a fallback."""
    options["nopython"] = True
    return jit(*args, **options)


def _is_signature(value):
    from ember.types.core import Signature, Type

    return isinstance(value, (Signature, Type))


def _signature_list(value):
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]
