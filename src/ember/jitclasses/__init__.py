"""@jitclass: classes whose instances compiled code can create, pass, store
and call methods on; Numba's `numba.experimental.jitclass`.

spec.py reads a class (its spec, annotations and members); boxing.py builds
the Python-facing class whose objects wrap a reference-counted native
struct. Typing of instances in compiled code is typing/classes.py, their
layout codegen/models.py, their fields' code codegen/instances.py.
"""

from ember.jitclasses.boxing import jitclass

__all__ = ["jitclass"]
