"""Python lists in compiled code: methods, operators and the builtins and
NumPy functions that take lists, written as Python that ember compiles.

Five intrinsics carry everything (codegen/lists.py): `new_list(l, n)` (a
list of l's type with n zeroed items), `get(l, i)` and `put(l, i, v)`
(unchecked item access; `put` keeps reference counts), `resize(l, n)`
(grows by doubling, releases dropped items) and `len(l)`. Indexes are
checked as Python checks them: IndexError, ValueError for a missing value,
with Python's messages.
"""

import numpy as np
from llvmlite import ir

from ember.codegen import lists as cl
from ember.codegen import models as m
from ember.errors import TypingError
from ember.lib.joining import fail
from ember.typed import List
from ember.types import core as t
from ember.types.typeof import to_dtype
from ember.typing.registry import LIBRARY_OPTIONS, Impl, extend, register

_INTS = (t.Integer, t.Boolean)

# ---- intrinsics (compiled code only) ----------------------------------------------------------


def new_list(like, count):
    """Compiled code only: a list of `like`'s type with `count` zeroed items."""
    raise NotImplementedError("new_list() exists in compiled code only")


def get(lst, index):
    """Compiled code only: item `index`, unchecked."""
    raise NotImplementedError("get() exists in compiled code only")


def put(lst, index, value):
    """Compiled code only: store item `index`, unchecked."""
    raise NotImplementedError("put() exists in compiled code only")


def resize(lst, count):
    """Compiled code only: make the list `count` items long."""
    raise NotImplementedError("resize() exists in compiled code only")


def _library(impl):
    """Library code indexing only its own arrays in range: no bounds checks."""
    impl.callee_options = LIBRARY_OPTIONS
    return impl


def _decided_list(ty):
    return isinstance(ty, t.List) and ty.dtype is not None


@register(new_list)
def _type_new_list(args, kws):
    if kws or len(args) != 2 or not _decided_list(args[0]):
        return None
    return Impl(args[0], [args[0], t.int64], emit=lambda cg, v: cl.allocate(
        cg, args[0], v[1]))


@register(get)
def _type_get(args, kws):
    if kws or len(args) != 2 or not _decided_list(args[0]):
        return None
    return Impl(args[0].dtype, [args[0], t.int64], emit=lambda cg, v: cl.get(
        cg, v[0], args[0], v[1]))


@register(put)
def _type_put(args, kws):
    if kws or len(args) != 3 or not _decided_list(args[0]):
        return None
    lst, _, value = args

    def emit(cg, v):
        cl.set_item(cg, v[0], lst, v[1], v[2], value)
        return ir.Constant(m.i8, None)
    return Impl(t.none, [lst, t.int64, value], emit=emit)


@register(resize)
def _type_resize(args, kws):
    if kws or len(args) != 2 or not _decided_list(args[0]):
        return None

    def emit(cg, v):
        cl.resize(cg, v[0], args[0], v[1])
        return ir.Constant(m.i8, None)
    return Impl(t.none, [args[0], t.int64], emit=emit)


@extend(len)
def _type_len(args, kws):
    """lists"""
    if kws or len(args) != 1 or not isinstance(args[0], t.List):
        return None
    if args[0].dtype is None:
        return Impl(t.int64, args, emit=lambda cg, v: ir.Constant(m.i64, 0))
    return Impl(t.int64, args, emit=lambda cg, v: cl.size(cg.builder, v[0], args[0]))


# ---- indexing -----------------------------------------------------------------------------------

def normalize(lst, index, message):
    n = len(lst)
    if index < 0:
        index += n
    if index < 0 or index >= n:
        fail(IndexError, message)
    return index


def list_getitem(lst, index):
    """l[i]: negative i counts from the end; IndexError out of range"""
    return get(lst, normalize(lst, index, "list index out of range"))


def list_setitem(lst, index, value):
    """l[i] = x: IndexError out of range"""
    put(lst, normalize(lst, index, "list assignment index out of range"), value)


def clamp(value, n, backwards):
    """A slice bound adjusted as CPython adjusts it (PySlice_AdjustIndices)."""
    if value < 0:
        value += n
        if value < 0:
            value = -1 if backwards else 0
    elif value >= n:
        value = n - 1 if backwards else n
    return value


def window(n, start, stop, step):
    """(first index, item count, stride) of a slice of n items, as CPython
    computes them; stop is clamped to first for a unit stride (for assignment)."""
    stride = 1
    if step is not None:
        stride = step
        if stride == 0:
            fail(ValueError, "slice step cannot be zero")
    backwards = stride < 0
    if start is None:
        first = n - 1 if backwards else 0
    else:
        first = clamp(start, n, backwards)
    if stop is None:
        last = -1 if backwards else n
    else:
        last = clamp(stop, n, backwards)
    count = 0
    if backwards and last < first:
        count = (first - last - 1) // -stride + 1
    elif not backwards and first < last:
        count = (last - first - 1) // stride + 1
    return first, count, stride


def list_getslice(lst, start, stop, step):
    """l[a:b:c]: a new list (Python's slice rules)"""
    first, count, stride = window(len(lst), start, stop, step)
    out = new_list(lst, count)
    for k in range(count):
        put(out, k, get(lst, first + k * stride))
    return out


def list_setslice(lst, start, stop, step, other):
    """l[a:b] = other (the list grows or shrinks), l[a:b:c] = other (as many items)"""
    n = len(lst)
    first, count, stride = window(n, start, stop, step)
    items = list_copy(other)  # other may be lst itself
    given = len(items)
    if stride != 1 and given != count:
        fail(ValueError, "attempt to assign sequence of size %lld to extended slice of size "
             "%lld", given, count)
    if stride != 1:
        for k in range(count):
            put(lst, first + k * stride, get(items, k))
        return
    tail = n - first - count
    if given > count:
        resize(lst, n + given - count)
        for k in range(tail - 1, -1, -1):
            put(lst, first + given + k, get(lst, first + count + k))
    else:
        for k in range(tail):
            put(lst, first + given + k, get(lst, first + count + k))
    for k in range(given):
        put(lst, first + k, get(items, k))
    if given < count:
        resize(lst, n + given - count)


def list_delslice(lst, start, stop, step):
    """del l[a:b:c], l[a:b] = []"""
    n = len(lst)
    first, count, stride = window(n, start, stop, step)
    if stride == 1:
        list_setslice(lst, start, stop, step, new_list(lst, 0))
        return
    if stride < 0:  # the same items, visited upwards
        first, stride = first + (count - 1) * stride, -stride
    write, removed = first, 0
    for read in range(first, n):
        if removed < count and read == first + removed * stride:
            removed += 1
        else:
            put(lst, write, get(lst, read))
            write += 1
    resize(lst, write)


@register(("method", t.List, "__setslice__"))
def _type_setslice(args, kws):
    """l[a:b:c] = other, del l[a:b:c]"""
    if kws or len(args) != 5 or not _decided_list(args[0]) or not isinstance(
            args[4], t.List):
        return None
    if args[4].dtype is None:  # `l[a:b] = []`, `del l[a:b]`: the value is not read
        return Impl(t.none, args[:4], py_impl=list_delslice)
    return Impl(None, None, py_impl=list_setslice) if args[4] == args[0] else None


def _item_fits(lst, item):
    return lst.dtype is not None and (item == lst.dtype or (
        isinstance(lst.dtype, t.Number) and isinstance(item, t.Number)))


def _method(name, check=None):
    """Register `("method", t.List, name)` for a Python implementation."""
    def decorate(py_impl):
        def typer(args, kws):
            if not args or not _decided_list(args[0]):
                return None
            if check is not None and not check(args, kws):
                return None
            return Impl(None, None, py_impl=py_impl)
        typer.__doc__ = py_impl.__doc__
        register(("method", t.List, name))(typer)
        return py_impl
    return decorate


def _index_ok(args, kws):
    return not kws and len(args) >= 2 and isinstance(args[1], _INTS)


_method("__getitem__", _index_ok)(list_getitem)
_method("__setitem__", lambda a, k: _index_ok(a, k) and _item_fits(a[0], a[2]))(list_setitem)
_method("__getslice__")(list_getslice)


# ---- methods ----------------------------------------------------------------------------------

def _one_item(args, kws):
    return not kws and len(args) == 2 and _item_fits(args[0], args[1])


@_method("append", _one_item)
def list_append(lst, value):
    """l.append(x): amortised O(1)"""
    n = len(lst)
    resize(lst, n + 1)
    put(lst, n, value)


@_method("insert", lambda a, k: not k and len(a) == 3 and isinstance(a[1], _INTS)
         and _item_fits(a[0], a[2]))
def list_insert(lst, index, value):
    """l.insert(i, x): i clamped as in Python"""
    n = len(lst)
    if index < 0:
        index = max(index + n, 0)
    index = min(index, n)
    resize(lst, n + 1)
    for k in range(n, index, -1):
        put(lst, k, get(lst, k - 1))
    put(lst, index, value)


@_method("pop", lambda a, k: not k and len(a) <= 2 and all(isinstance(x, _INTS) for x in a[1:]))
def list_pop(lst, index=-1):
    """l.pop(), l.pop(i): IndexError on an empty list or a bad index"""
    n = len(lst)
    if n == 0:
        fail(IndexError, "pop from empty list")
    if index < 0:
        index += n
    if index < 0 or index >= n:
        fail(IndexError, "pop index out of range")
    value = get(lst, index)
    for k in range(index, n - 1):
        put(lst, k, get(lst, k + 1))
    resize(lst, n - 1)
    return value


def _extend_list(lst, other):
    n, count = len(lst), len(other)
    resize(lst, n + count)
    for k in range(count):
        put(lst, n + k, get(other, k))


def _extend_iterable(lst, other):
    for value in other:
        list_append(lst, value)


def _type_extend(args, kws):
    """l.extend(x), l += x: a list of the same item type, an array, a tuple or a range"""
    if kws or len(args) != 2 or not _decided_list(args[0]):
        return None
    lst, other = args
    if isinstance(other, t.List):
        return Impl(None, None, py_impl=_extend_list) if _item_fits(lst, other.dtype) else None
    if isinstance(other, (t.Array, t.Tuple, t.RangeType)):
        from ember.typing.ops import iteration_type
        try:
            item = iteration_type(other, None)
        except TypingError:
            return None
        return Impl(None, None, py_impl=_extend_iterable) if _item_fits(lst, item) else None
    return None


register(("method", t.List, "extend"))(_type_extend)


@_method("clear", lambda a, k: not k and len(a) == 1)
def list_clear(lst):
    """l.clear()"""
    resize(lst, 0)


@_method("copy", lambda a, k: not k and len(a) == 1)
def list_copy(lst):
    """l.copy(): a new list of the same items"""
    n = len(lst)
    out = new_list(lst, n)
    for k in range(n):
        put(out, k, get(lst, k))
    return out


@_method("reverse", lambda a, k: not k and len(a) == 1)
def list_reverse(lst):
    """l.reverse(), in place"""
    n = len(lst)
    for k in range(n // 2):
        front = get(lst, k)
        put(lst, k, get(lst, n - 1 - k))
        put(lst, n - 1 - k, front)


def _comparable(args, kws):
    return not kws and len(args) == 2 and (args[1] == args[0].dtype or (
        isinstance(args[0].dtype, t.Number) and isinstance(args[1], t.Number)))


def _find(lst, value):
    for k in range(len(lst)):
        if get(lst, k) == value:
            return k
    return -1


def list_index_int(lst, value):
    """l.index(x): ValueError when x is missing"""
    k = _find(lst, value)
    if k < 0:
        fail(ValueError, "%lld is not in list", value)
    return k


def list_index(lst, value):
    k = _find(lst, value)
    if k < 0:
        fail(ValueError, "list.index(x): x not in list")
    return k


@register(("method", t.List, "index"))
def _type_index(args, kws):
    """l.index(x): ValueError when x is missing"""
    if not _decided_list(args[0]) or not _comparable(args, kws):
        return None
    integer = isinstance(args[1], _INTS) and isinstance(args[0].dtype, _INTS)
    return Impl(None, None, py_impl=list_index_int if integer else list_index)


@_method("count", _comparable)
def list_count(lst, value):
    """l.count(x)"""
    total = 0
    for k in range(len(lst)):
        if get(lst, k) == value:
            total += 1
    return total


@_method("__contains__", _comparable)
def list_contains(lst, value):
    """x in l, x not in l"""
    return _find(lst, value) >= 0


@_method("__eq__", lambda a, k: not k and len(a) == 2 and _decided_list(a[1]))
def list_eq(lst, other):
    """l == other, l != other: same length and equal items"""
    n = len(lst)
    if n != len(other):
        return False
    for k in range(n):
        if get(lst, k) != get(other, k):
            return False
    return True


@_method("__add__", lambda a, k: len(a) == 2 and a[1] == a[0])
def list_add(lst, other):
    """l + other: a new list (the same item type)"""
    n, count = len(lst), len(other)
    out = new_list(lst, n + count)
    for k in range(n):
        put(out, k, get(lst, k))
    for k in range(count):
        put(out, n + k, get(other, k))
    return out


@_method("__mul__", lambda a, k: len(a) == 2 and isinstance(a[1], _INTS))
def list_mul(lst, times):
    """l * n, n * l: a new list"""
    n = len(lst)
    times = max(times, 0)
    out = new_list(lst, n * times)
    for r in range(times):
        for k in range(n):
            put(out, r * n + k, get(lst, k))
    return out


@_method("__imul__", lambda a, k: len(a) == 2 and isinstance(a[1], _INTS))
def list_imul(lst, times):
    """l *= n: repeated in place"""
    n = len(lst)
    times = max(times, 0)
    resize(lst, n * times)
    for r in range(1, times):
        for k in range(n):
            put(lst, r * n + k, get(lst, k))


# ---- sorting, reductions, conversions -------------------------------------------------------

def _numbers(ty):
    return isinstance(ty, t.List) and isinstance(ty.dtype, t.Number)


def _sortable(ty):
    return _numbers(ty) and not isinstance(ty.dtype, t.Complex)


def list_sort(lst, reverse=False):
    """l.sort(reverse=False): stable, ascending unless reverse"""
    n = len(lst)
    if reverse:  # sorted ascending and reversed back: equal items keep their order
        list_reverse(lst)
    keys = np.sort(list_to_array(lst))
    for k in range(n):
        put(lst, k, keys[k])
    if reverse:
        list_reverse(lst)


@register(("method", t.List, "sort"))
def _type_sort(args, kws):
    """l.sort(reverse=False): numbers, stable (NaNs last)"""
    if len(args) != 1 or set(kws) - {"reverse"} or not _sortable(args[0]):
        return None
    return _library(Impl(None, None, py_impl=list_sort))


def list_sorted(lst, reverse=False):
    out = list_copy(lst)
    list_sort(out, reverse)
    return out


@extend(sorted)
def _type_sorted(args, kws):
    """a list of numbers; reverse= (no key=); a new sorted list"""
    if len(args) != 1 or set(kws) - {"reverse"} or not _sortable(args[0]):
        return None
    return _library(Impl(None, None, py_impl=list_sorted))


def list_reversed(lst):
    out = list_copy(lst)
    list_reverse(out)
    return out


@extend(reversed)
def _type_reversed(args, kws):
    """a list: its items in reverse order (a reversed copy, for loops)"""
    if kws or len(args) != 1 or not _decided_list(args[0]):
        return None
    return Impl(None, None, py_impl=list_reversed)


def list_sum(lst, start=0):
    total = start
    for k in range(len(lst)):
        total += get(lst, k)
    return total


@extend(sum)
def _type_sum(args, kws):
    """a list of numbers (start= too), added in order as Python does"""
    if not 1 <= len(args) <= 2 or set(kws) - {"start"} or not _numbers(args[0]):
        return None
    return Impl(None, None, py_impl=list_sum)


def list_min(lst):
    n = len(lst)
    if n == 0:
        fail(ValueError, "min() arg is an empty sequence")
    best = get(lst, 0)
    for k in range(1, n):
        item = get(lst, k)
        if item < best:
            best = item
    return best


def list_max(lst):
    n = len(lst)
    if n == 0:
        fail(ValueError, "max() arg is an empty sequence")
    best = get(lst, 0)
    for k in range(1, n):
        item = get(lst, k)
        if item > best:
            best = item
    return best


def _reduce(py_impl):
    def typer(args, kws):
        """a list of numbers (ValueError when empty)"""
        if kws or len(args) != 1 or not _sortable(args[0]):
            return None
        return Impl(None, None, py_impl=py_impl)
    return typer


extend(min)(_reduce(list_min))
extend(max)(_reduce(list_max))

_TO_ARRAY = {}


def list_to_array(lst):
    """Compiled code only: a new 1-D array of the list's numbers."""
    raise NotImplementedError("list_to_array() exists in compiled code only")


def _array_copier(dtype):
    """A compiled copy of a list of numbers into a new array of `dtype`."""
    copier = _TO_ARRAY.get(dtype)
    if copier is None:
        def copier(lst):
            n = len(lst)
            out = np.empty(n, dtype)
            for k in range(n):
                out[k] = get(lst, k)
            return out
        _TO_ARRAY[dtype] = copier
    return copier


@register(list_to_array)
def _type_list_to_array(args, kws):
    if kws or len(args) != 1 or not _numbers(args[0]):
        return None
    return _library(Impl(None, None, py_impl=_array_copier(to_dtype(args[0].dtype))))


def _nested_copier(dtype):
    key = ("2d", dtype)
    copier = _TO_ARRAY.get(key)
    if copier is None:
        def copier(lst):
            rows = len(lst)
            cols = len(get(lst, 0)) if rows > 0 else 0
            out = np.empty((rows, cols), dtype)
            for i in range(rows):
                row = get(lst, i)
                if len(row) != cols:
                    fail(ValueError, "setting an array element with a sequence: the nested "
                         "lists have different lengths")
                for j in range(cols):
                    out[i, j] = get(row, j)
            return out
        _TO_ARRAY[key] = copier
    return copier


def _type_np_array(args, kws):
    """a list of numbers (1-D) or a list of equally long lists of numbers (2-D); dtype="""
    from ember.lib.dtypes import dtype_type

    if not 1 <= len(args) <= 2 or set(kws) - {"dtype"} or not isinstance(args[0], t.List):
        return None
    lst = args[0]
    dtype_arg = kws.get("dtype", args[1] if len(args) == 2 else None)
    if _numbers(lst):
        dtype = to_dtype(dtype_type(dtype_arg, lst.dtype))
        copier = _array_copier(dtype)
    elif isinstance(lst.dtype, t.List) and _numbers(lst.dtype):
        dtype = to_dtype(dtype_type(dtype_arg, lst.dtype.dtype))
        copier = _nested_copier(dtype)
    else:
        return None
    return _library(Impl(None, [lst], py_impl=copier))


extend(np.array, np.asarray)(_type_np_array)


def _list_from(like):
    """A compiled `list(iterable)` for an iterable of items of type `like`."""
    def from_iterable(iterable):
        out = [like]
        list_clear(out)
        for value in iterable:
            list_append(out, value)
        return out
    return from_iterable


_FROM = {}


def _empty(ty):
    return Impl(ty, [], emit=lambda cg, v: cl.allocate(cg, ty, ir.Constant(m.i64, 0)))


@register(List.empty_list)
def _type_empty_list(args, kws):
    """typed.List.empty_list(item_type): an empty list of that item type"""
    if kws or len(args) != 1 or not isinstance(getattr(args[0], "value", None), t.Type):
        return None
    return _empty(t.List(args[0].value))


@extend(list, List)
def _type_list(args, kws):
    """a copy of a list, or the items of an array, tuple or range; list() is []"""
    from ember.typing.ops import iteration_type

    if not args and not kws:
        return _empty(t.List(None))
    if kws or len(args) != 1:
        return None
    (source,) = args
    if _decided_list(source):
        return Impl(None, None, py_impl=list_copy)
    try:
        item = iteration_type(source, None)
    except (TypingError, AttributeError):
        return None
    if not isinstance(item, t.Number):
        return None
    builder = _FROM.get(item)
    if builder is None:
        builder = _FROM[item] = _list_from(to_dtype(item).type(0))
    return Impl(None, None, py_impl=builder)
