"""Typing of lists: literals, the undecided `[]` refined by what is appended
to it, and list operators resolved through the registry.

A list variable keeps one type. A variable that only ever holds new lists
built in this function (literals, `[]`: "fresh") may have its item type
widened by later appends, inserts and item stores, as numbers unify (`l =
[1]; l.append(2.5)` makes `l` a list of float64): the literals assigned to
it are then built with that item type. A list from elsewhere (an argument,
a call's result) keeps its item type, and what is stored into it must fit.
Operators on lists are the registry's `("method", t.List, "__add__")` and
friends (ember.lib.lists).
"""

from ember.errors import TypingError
from ember.ir import nodes as n
from ember.types import core as t
from ember.typing.unify import unify

MUTATORS = {"append": 1, "insert": 2, "__setitem__": 2}  # method -> position of the item
_fresh_cache = {}


def widen(a, b):
    """The item type holding items of `a` and `b` (None: undecided), numbers
    unifying as in arithmetic (int and float give float); None if none does."""
    if a is None:
        return b
    if b is None or a == b:
        return a
    if isinstance(a, t.List) and isinstance(b, t.List):
        inner = widen(a.dtype, b.dtype)
        return None if inner is None and (a.dtype or b.dtype) else t.List(inner)
    if isinstance(a, t.Tuple) and isinstance(b, t.Tuple) and len(a) == len(b):
        items = [widen(x, y) for x, y in zip(a.types, b.types)]
        return None if None in items else t.Tuple(items)
    return unify(a, b)


def literal_type(items, node):
    """The type of `[a, b, ...]` from its items' types; nested literals widen
    with it, other lists among the items must have its item type already."""
    dtype = None
    for item in items:
        if not storable(item):
            raise TypingError(f"a list cannot hold values of type {item}", node.loc,
                              "list items are numbers, arrays, tuples, lists or jitclass "
                              "instances")
        merged = widen(dtype, item)
        if merged is None:
            raise TypingError(f"a list literal mixes items of types {dtype} and {item}, which "
                              "do not unify (a list holds one item type)", node.loc)
        dtype = merged
    for item, item_node in zip(items, node.items):
        if isinstance(item, t.List) and item.decided and item != dtype and not is_fresh(
                item_node):
            raise TypingError(f"a list literal mixes items of types {dtype} and {item}: "
                              "lists of different item types", item_node.loc)
    return t.List(dtype)


def storable(ty):
    if isinstance(ty, t.Tuple):
        return all(storable(x) for x in ty.types)
    return isinstance(ty, (t.Number, t.Array, t.List, t.InstanceType))


def is_fresh(node):
    """A new list whose item type may follow its variable's: a list literal,
    or typed.List() (an empty list)."""
    if isinstance(node, n.Call) and not node.args and not node.kwargs:
        from ember.typed import List

        return isinstance(node.func, n.Global) and node.func.value in (List, list)
    return isinstance(node, n.ListExpr)


def retype_fresh(typer, node, ty):
    """Build the literal `node` (and literals nested in it) as type `ty`."""
    if isinstance(node, n.ListExpr) and isinstance(ty, t.List):
        typer.typemap[node] = ty
        for item in node.items:
            retype_fresh(typer, item, ty.dtype)


def fresh_variables(func):
    """Variables (not parameters) that every assignment gives a new list literal."""
    names = _fresh_cache.get(func)
    if names is not None:
        return names
    fresh, other = set(), set(func.params)
    for stmt in n.walk(func.body):
        if isinstance(stmt, n.Assign) and isinstance(stmt.target, n.Var):
            (fresh if is_fresh(stmt.value) else other).add(stmt.target.name)
        elif not isinstance(stmt, n.AugAssign):  # `l += ...` extends l in place
            other |= n.assigned_names(stmt)
    names = _fresh_cache[func] = fresh - other
    return names


def assign_fresh(typer, name, value_type, stmt):
    """`name = [literal]`: the variable's item type widens to hold it."""
    current = typer.var_types.get(name)
    if current is not None and not isinstance(current, t.List):
        raise TypingError(f"variable '{name}' holds {current} here but is assigned "
                          f"{value_type}; a variable keeps one type", stmt.loc)
    before = current.dtype if current else None
    merged = t.List(widen(before, value_type.dtype))
    if merged.dtype is None and (before is not None or value_type.dtype is not None):
        raise TypingError(f"variable '{name}' holds {current} here but is assigned "
                          f"{value_type}; a variable keeps one type", stmt.loc)
    typer.var_types[name] = merged
    if value_type.dtype is None and name not in typer.empty_sites:
        typer.empty_sites[name] = stmt.loc
    return merged


def refine(typer, receiver, list_type, item_type, node):
    """An item of `item_type` goes into the list `receiver` (append, insert,
    `l[i] = v`, extend): a fresh variable's item type widens to hold it.
    Returns the receiver's type from now on."""
    if not isinstance(receiver, n.Var) or receiver.name not in fresh_variables(typer.func):
        return list_type
    merged = widen(list_type.dtype, item_type)
    if merged is None or merged == list_type.dtype:
        return list_type
    refined = t.List(merged)
    typer.var_types[receiver.name] = refined
    typer.typemap[receiver] = refined
    return refined


def check_item(list_type, item_type, node, what="store"):
    """An item of `item_type` can go into a list of `list_type` as it is."""
    dtype = list_type.dtype
    if dtype is None:
        raise TypingError(f"cannot {what} into an empty list whose item type is not known here",
                          node.loc, "create it with an item of the wanted type, or append to "
                          "the variable the empty list was assigned to")
    if isinstance(dtype, t.Number) and isinstance(item_type, t.Number):
        if unify(dtype, item_type) == dtype or (
                isinstance(dtype, t.Integer) and isinstance(item_type, (t.Integer, t.Boolean))
                and not isinstance(dtype, t.Boolean)):
            return
    elif widen(dtype, item_type) == dtype:
        return
    raise TypingError(f"cannot {what} a value of type {item_type} into a {list_type}",
                      node.loc, "a list holds one item type; a list built in this function "
                      "widens to hold numbers appended to it, one passed in does not")


def check_complete(typer):
    """Every list's item type is known once inference has settled."""
    for name, ty in typer.var_types.items():
        if t.contains_undecided(ty):
            loc = typer.empty_sites.get(name, typer.func.loc)
            raise TypingError(f"cannot infer the item type of the empty list assigned to "
                              f"'{name}': nothing is ever appended to it", loc,
                              "append to it, or create it with an item of the wanted type")
    if typer.return_type is not None and t.contains_undecided(typer.return_type):
        raise TypingError(f"{typer.func.name} returns an empty list whose item type is never "
                          "known", typer.func.loc, "return a list with items, or build "
                          "it with appends")


def fit_empty(typer, node, ty, list_type):
    """An empty literal `[]` given to a list method (`l.extend([])`, `l == []`)
    is built as a list of the receiver's type."""
    if isinstance(node, n.ListExpr) and not node.items and isinstance(list_type, t.List) \
            and list_type.decided:
        typer.typemap[node] = list_type
        return list_type
    return ty


def check_index(index_type, node):
    """Python's rule: list indices are integers (or slices)."""
    if not isinstance(index_type, (t.Integer, t.Boolean)):
        raise TypingError(f"list indices must be integers or slices, not {index_type}",
                          node.loc)


def slice_parts(e):
    """The start, stop and step nodes of `l[a:b:c]`, omitted ones as None
    constants (made once per node, so every pass types the same nodes)."""
    parts = getattr(e, "list_slice_parts", None)
    if parts is None:
        window = e.index
        parts = e.list_slice_parts = [n.Const(None, loc=window.loc) if p is None else p
                                      for p in (window.start, window.stop, window.step)]
    return parts


def operator_callee(op, left, right):
    """(registry key, argument order) of a binary operator on lists, or None."""
    if op == "+" and isinstance(left, t.List) and isinstance(right, t.List):
        return ("method", t.List, "__add__"), (0, 1)
    if op == "*" and isinstance(left, t.List) and isinstance(right, (t.Integer, t.Boolean)):
        return ("method", t.List, "__mul__"), (0, 1)
    if op == "*" and isinstance(right, t.List) and isinstance(left, (t.Integer, t.Boolean)):
        return ("method", t.List, "__mul__"), (1, 0)
    return None
