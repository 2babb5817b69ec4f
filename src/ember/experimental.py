"""Numba's `numba.experimental` namespace: `jitclass` (also at top level)."""


def jitclass(cls_or_spec=None, spec=None):
    """Compile a class for use in and out of compiled code (see ember.jitclasses)."""
    from ember.jitclasses import jitclass as build

    return build(cls_or_spec, spec)


__all__ = ["jitclass"]
