"""`numba.typed`: List.

A typed List is a Python list (a subclass) that remembers an item type given
by `List.empty_list(item_type)`, so that even an empty one can be passed to
compiled code. Compiled code takes and changes it as any list argument (the
changes are written back when the call returns) and returns plain lists. In
compiled code, `List()` is the empty list `[]` (its item type inferred from
what is appended) and `List(iterable)` is `list(iterable)`.
"""


class List(list):
    """numba.typed.List: a list of one item type."""

    _item_type = None

    @classmethod
    def empty_list(cls, item_type, allocated=None):
        """An empty list of `item_type` (an ember/Numba type such as types.int64)."""
        out = cls()
        out._item_type = item_type
        return out

    @property
    def _numba_type_(self):
        from ember.types.typeof import typeof

        return typeof(self)


__all__ = ["List"]
