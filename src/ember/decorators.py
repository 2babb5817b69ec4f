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


def vectorize(signatures_or_function=None, identity=None, target="cpu", **options):
    """Numba's `vectorize`: a scalar function becomes a NumPy ufunc.

    `@vectorize` / `@vectorize()`: a dynamic ufunc compiling a loop for each
    new input types on call. `@vectorize(["float64(float64)", ...])` (or one
    signature): a real np.ufunc, compiled now. `target="parallel"` splits the
    loop over the thread pool; `identity` (0, 1, "reorderable", None) is what
    `.reduce` starts from.
    """
    from ember.vectorizer import ufuncs

    ufuncs.check_options(target, options)
    if callable(signatures_or_function) and not _is_signature(signatures_or_function):
        return ufuncs.DUFunc(signatures_or_function, identity, target, options)
    signatures = _signature_list(signatures_or_function)

    def decorate(func):
        if not signatures:
            return ufuncs.DUFunc(func, identity, target, options)
        return ufuncs.eager_ufunc(func, signatures, identity, target, options)
    return decorate


def guvectorize(signatures, layout=None, identity=None, target="cpu", **options):
    """Numba's `guvectorize`: a kernel writing its outputs becomes a
    generalized NumPy ufunc with core dimensions `layout` ("(n),()->(n)").

    With type signatures: a real np.ufunc, compiled now. From a layout alone
    (`@guvectorize("(n)->()")`): a dynamic gufunc compiling a loop per new
    argument types, called with its output arrays as in Numba.
    """
    from ember.vectorizer import ufuncs

    ufuncs.check_options(target, options)
    if layout is None and isinstance(signatures, str) and "->" in signatures:
        return lambda func: ufuncs.GUFunc(func, signatures, identity, target, options)
    signatures = _signature_list(signatures)
    if layout is None or not signatures:
        raise TypeError("guvectorize needs type signatures and a layout, e.g. "
                        "guvectorize(['void(float64[:], float64[:])'], '(n)->()'), "
                        "or a layout alone for a dynamic gufunc: guvectorize('(n)->()')")

    def decorate(func):
        return ufuncs.eager_gufunc(func, signatures, layout, identity, target, options)
    return decorate
