"""The on-disk cache of `cache=True`: each specialisation's object code, and
what a new process needs to load it instead of compiling.

Compiled code embeds process-specific addresses (`id(None)`, exception
classes, frozen global arrays, np.random's state). In a module compiled for
the cache, `ModuleEmitter.pointer_constant` asks `Relocations` for a symbol
instead: the symbol's name is derived from a *recipe* that describes the
object in any process (`("object", "builtins", "ValueError")`,
`("array_data", ("frozen", sha))`). Loading resolves every recipe in this
process and registers the address with `llvm.add_symbol` before the object
is finalized. An address no recipe describes makes the specialisation
uncacheable: it is compiled as usual, with an EmberCacheWarning.

Files: `__pycache__/<module>.<qualname>.<key>.emberc` beside the source (or
under config.CACHE_DIR, or a user cache folder when that is not writable),
one per specialisation, written atomically. The file name hashes what must
match exactly (versions, host CPU, argument types, options); the entry
holds the hashes of the source of every Python function compiled into the
module and of the global values they read, checked on load. A missing,
stale, corrupt or truncated entry is a miss: the function is compiled.
"""

import builtins
import hashlib
import importlib
import inspect
import os
import pickle
import re
import sys
import threading
import types
import uuid
import warnings
import zlib

import llvmlite
import llvmlite.binding as llvm
import numpy as np

from ember import config
from ember.errors import EmberCacheWarning

FORMAT = 1
_MAGIC = b"ember-cache\x00"
_EMBER_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Objects compiled code names that are not types or functions (found by module
# and attribute name; the dispatcher's sentinels).
_SINGLETONS = (("ember.dispatcher", "MISS"), ("ember.dispatcher", "RAISE"))
_CONSTANTS = {"None": None, "True": True, "False": False, "Ellipsis": Ellipsis}

# A pointer made from an integer constant in LLVM IR text.
_ADDRESS = re.compile(r"inttoptr \(i64 (\d+) to ptr\)")

_lock = threading.Lock()
_loaded = {}  # entry symbol -> address: one object file is loaded once per process
_frozen = {}  # content hash -> array rebuilt from a cache entry (kept alive)
_counts = {"compiled": 0, "loaded": 0, "saved": 0}


def stats():
    """Process-wide counts: specialisations compiled for the cache, loaded
    from it, and entries written."""
    return dict(_counts)


class Uncacheable(Exception):
    """Why a function or specialisation cannot be cached (the warning's text)."""


# ---- recipes: describing an object, and finding it again ------------------------------

def describe(obj):
    """A recipe that finds `obj` again in another process, or None."""
    if isinstance(obj, np.ndarray):
        return None  # arrays are described by Relocations (their content is stored)
    for key, value in _CONSTANTS.items():
        if obj is value:
            return ("const", key)
    for module, name in _SINGLETONS:
        if module in sys.modules and getattr(sys.modules[module], name, None) is obj:
            return ("object", module, name)
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname:
        return None
    try:
        found = _lookup(module, qualname)
    except Exception:  # noqa: BLE001 - not findable: not describable
        return None
    return ("object", module, qualname) if found is obj else None


def _lookup(module, qualname):
    obj = sys.modules.get(module) or importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def resolve(recipe, arrays):
    """(object, address) of a recipe in this process; raises when it cannot."""
    kind = recipe[0]
    if kind == "const":
        obj = _CONSTANTS[recipe[1]]
        return obj, id(obj)
    if kind == "object":
        obj = _lookup(recipe[1], recipe[2])
        return obj, id(obj)
    array = _array(recipe[1], arrays)
    return array, (id(array) if kind == "array" else array.ctypes.data)


def _array(key, arrays):
    if key[0] == "random_state":
        from ember.lib import random

        return random._STATE[key[1]]
    with _lock:
        array = _frozen.get(key[1])
        if array is None:
            dtype, shape, order, data = arrays[key[1]]
            array = np.frombuffer(bytearray(data), dtype).reshape(shape, order=order)
            array.flags.writeable = False
            _frozen[key[1]] = array
        return array


class Relocations:
    """The symbols a cached module uses instead of addresses: symbol ->
    (recipe, address in the compiling process)."""

    def __init__(self):
        self.symbols = {}
        self.arrays = {}  # content hash -> (dtype, shape, order, bytes) of frozen arrays
        self.problems = []
        self._known = {}  # address -> recipe
        self._unknown = {}  # address -> why its object cannot be described
        self._indexed = 0

    def symbol_for(self, module, address):
        """The symbol standing for `address` (an object's id or an array's
        data), or None when its object cannot be described."""
        self._index(module.keepalive)
        recipe = self._known.get(address)
        if recipe is None:
            reason = self._unknown.get(address, "an object ember cannot describe")
            if reason not in self.problems:
                self.problems.append(reason)
            return None
        symbol = "ember_reloc." + _digest(repr(recipe).encode())[:24]
        self.symbols[symbol] = (recipe, address)
        return symbol

    def _index(self, keepalive):
        if not self._known:
            import ember.dispatcher  # noqa: F401 - its sentinels are described by name

            for obj in (None, True, False, np.ndarray, *(
                    v for v in vars(builtins).values() if isinstance(v, type))):
                self._known[id(obj)] = describe(obj)
            for module, name in _SINGLETONS:
                obj = getattr(sys.modules[module], name)
                self._known[id(obj)] = describe(obj)
        for obj in keepalive[self._indexed:]:
            if isinstance(obj, np.ndarray):
                self._index_array(obj)
                continue
            recipe = describe(obj)
            if recipe is None:
                self._unknown[id(obj)] = f"it uses {_name_of(obj)}, which another process " \
                    "cannot find by module and name"
            else:
                self._known[id(obj)] = recipe
        self._indexed = len(keepalive)

    def _index_array(self, array):
        key = self._array_key(array)
        if key is None:
            reason = f"it reads a global array of dtype {array.dtype} that is neither " \
                "C- nor F-contiguous or holds objects"
            self._unknown[id(array)] = self._unknown[array.ctypes.data] = reason
            return
        self._known[id(array)] = ("array", key)
        self._known[array.ctypes.data] = ("array_data", key)

    def _array_key(self, array):
        random = sys.modules.get("ember.lib.random")
        for i, state in enumerate(random._STATE if random is not None else ()):
            if array is state:
                return ("random_state", i)
        if array.dtype.hasobject or not (array.flags.c_contiguous or array.flags.f_contiguous):
            return None
        order = "C" if array.flags.c_contiguous else "F"
        data = array.tobytes(order=order)
        record = (array.dtype, array.shape, order, data)
        sha = _digest(pickle.dumps(record[:3]) + data)
        self.arrays[sha] = record
        return ("frozen", sha)

    def register(self):
        """Make this process's addresses visible to the module being linked."""
        for symbol, (_, address) in self.symbols.items():
            llvm.add_symbol(symbol, address)


def _name_of(obj):
    name = getattr(obj, "__qualname__", None) or type(obj).__qualname__
    return f"{getattr(obj, '__module__', '?')}.{name}"


# ---- what an entry depends on -------------------------------------------------------

def _digest(data):
    return hashlib.sha256(data).hexdigest()


_environment = []


def environment():
    """Everything besides the function that the machine code depends on."""
    if not _environment:
        import ember

        _environment.append(repr((
            FORMAT, ember.__version__, _ember_sources(), sys.version_info[:3],
            sys.implementation.name, np.__version__, llvmlite.__version__,
            llvm.llvm_version_info, llvm.get_process_triple(), llvm.get_host_cpu_name(),
            llvm.get_host_cpu_features().flatten())))
    # Settings that change code generation (tests change them at run time).
    return f"{_environment[0]}{(config.OPT, config.VECMATH, config.USE_BLAS)}"


def _ember_sources():
    """Size and modification time of ember's own files: library code compiled
    into modules (and the compiler) changes under a fixed version in development."""
    stamp = hashlib.sha256()
    for folder, dirs, files in os.walk(_EMBER_DIR):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                st = os.stat(os.path.join(folder, name))
                stamp.update(f"{folder}/{name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return stamp.hexdigest()


def _is_ember_code(func):
    module = func.__globals__.get("__name__", "") if hasattr(func, "__globals__") else ""
    return module == "ember" or module.startswith("ember.")


def function_record(func, top):
    """(module, qualname, hash of source and frozen globals) of a Python
    function compiled into a module; `top`: the dispatcher's own function."""
    module, qualname = func.__module__, func.__qualname__
    if not top:
        try:
            found = _lookup(module, qualname)
        except Exception:  # noqa: BLE001 - not findable by name
            found = None
        if getattr(found, "py_func", found) is not func:
            raise Uncacheable(f"it calls {module}.{qualname}, which another process cannot "
                              "find by module and name")
    return module, qualname, function_hash(func)


def function_hash(func):
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        raise Uncacheable(f"the source of {func.__qualname__} is not available") from None
    return _digest(source.encode() + globals_fingerprint(func).encode())


def globals_fingerprint(func):
    """The values `func` reads from its globals and closure cells, as text."""
    code = func.__code__
    names = set()
    stack = [code]
    while stack:
        current = stack.pop()
        names.update(current.co_names)
        stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    parts = []
    scope = func.__globals__
    for name in sorted(names):
        if name in scope:
            parts.append(f"{name}={_fingerprint(scope[name], names)}")
        elif not hasattr(builtins, name):
            parts.append(f"{name}=<unset>")
    for name, cell in zip(code.co_freevars, func.__closure__ or ()):
        try:
            value = cell.cell_contents
        except ValueError:
            value = None
        text = _fingerprint(value, names, strict=True)
        if text is None:
            raise Uncacheable(f"it closes over '{name}', a {type(value).__qualname__}; "
                              "only numbers, strings, tuples, arrays, modules and "
                              "functions can be cached")
        parts.append(f"{name}:{text}")
    return "\n".join(parts)


def _fingerprint(value, names, strict=False, depth=0):
    """Text that changes when a frozen value does; None when `strict` and the
    value is not a constant ember can fingerprint."""
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes, np.generic,
                                           np.dtype)):
        return f"{type(value).__name__}:{value!r}"
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            return None if strict else "array:object"
        data = np.ascontiguousarray(value).tobytes()
        return f"array:{value.dtype.str}:{value.shape}:{_digest(data)}"
    if isinstance(value, tuple):
        items = [_fingerprint(v, names, strict, depth + 1) for v in value]
        return None if None in items else f"{type(value).__name__}({','.join(items)})"
    if isinstance(value, types.ModuleType):
        if depth > 0 or value.__name__.startswith(("numpy", "math", "cmath", "ember", "numba")):
            return f"module:{value.__name__}"
        # Constants read as attributes of a user module (`settings.N`).
        attrs = [f"{n}={_fingerprint(getattr(value, n), names, False, 1)}" for n in sorted(names)
                 if not n.startswith("__") and isinstance(getattr(value, n, None), (
                     bool, int, float, complex, str, bytes, tuple, np.ndarray))]
        return f"module:{value.__name__}[{';'.join(attrs)}]"
    if callable(value) or isinstance(value, type):
        target = getattr(value, "py_func", value)
        return f"ref:{getattr(target, '__module__', '?')}.{getattr(target, '__qualname__', '?')}"
    return None if strict else f"object:{type(value).__module__}.{type(value).__qualname__}"


# ---- one function's cache --------------------------------------------------------------

class FunctionCache:
    """The cache entries of one Python function (one file per specialisation)."""

    def __init__(self, py_func):
        if py_func.__name__ == "<lambda>":
            raise Uncacheable("it is a lambda")
        filename = inspect.getsourcefile(py_func) or py_func.__code__.co_filename
        if not filename or filename.startswith("<") or not os.path.isfile(filename):
            raise Uncacheable("it was defined in exec() or at the interactive prompt "
                              "(no source file)")
        self.py_func = py_func
        self.filename = os.path.abspath(filename)
        self.folder = cache_folder(self.filename)
        stem = os.path.splitext(os.path.basename(self.filename))[0]
        self.prefix = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{stem}.{py_func.__qualname__}")

    def path(self, key):
        return os.path.join(self.folder, f"{self.prefix}.{_digest(key.encode())[:24]}.emberc")

    def key(self, arg_types, options, return_type):
        closure = ""
        if self.py_func.__closure__:
            closure = globals_fingerprint(self.py_func)  # each closure gets its own entry
        return repr((self.py_func.__qualname__, self.filename, tuple(arg_types), return_type,
                     sorted(options.items()), closure, environment()))

    def entry_name(self, name):
        """A symbol no other compilation, in any process, uses."""
        return f"ember_entry.{name}.{uuid.uuid4().hex}"

    # ---- loading ----

    def load(self, key):
        """The record of a valid entry for `key`, or None."""
        record = _read(self.path(key), key)
        return record if record is not None and self._unchanged(record["functions"]) else None

    def _unchanged(self, functions):
        for i, (module, qualname, digest) in enumerate(functions):
            try:
                func = self.py_func if i == 0 else getattr(_lookup(module, qualname),
                                                               "py_func", None)
                if func is None or function_hash(func) != digest:
                    return False
            except Exception:  # noqa: BLE001 - gone, renamed, unreadable: stale
                return False
        return True

    # ---- saving ----

    def record(self, key, module, optimised, text, entry, typed, obj):
        """The entry to write for a compiled module (`text`: its optimised IR,
        as printed before code generation); raises Uncacheable."""
        relocations = module.relocations
        if relocations.problems:
            raise Uncacheable(relocations.problems[0])
        if _embeds_address(text):  # not through ModuleEmitter.pointer_constant
            raise Uncacheable("its code embeds an address of this process")
        functions = [function_record(f, f is self.py_func) for f in module.py_funcs
                     if not _is_ember_code(f)]
        if not functions or functions[0][:2] != (self.py_func.__module__,
                                                  self.py_func.__qualname__):
            functions.insert(0, function_record(self.py_func, True))
        externals = _externals(optimised)
        return {"key": key, "functions": functions, "object": obj, "entry": entry,
                "symbols": {s: r for s, (r, _) in relocations.symbols.items()},
                "arrays": relocations.arrays, "externals": externals,
                "arg_types": typed.arg_types, "return_type": typed.return_type,
                "name": typed.func.name, "llvm": zlib.compress(text.encode(), 1)}

    def save(self, key, record):
        """Write the entry atomically (and the runtime modules this process
        compiled); an unwritable cache only warns."""
        try:
            _write(self.path(key), record)
        except OSError as exc:
            warnings.warn(EmberCacheWarning(f"could not write the cache entry of "
                                            f"{self.py_func.__qualname__}: {exc}"),
                          stacklevel=_user_stacklevel())
            return
        _counts["saved"] += 1
        save_runtime()


def _externals(optimised):
    """The symbols a module uses and does not define (resolved when loaded)."""
    return sorted({f.name for f in optimised.functions if f.is_declaration} | {
        g.name for g in optimised.global_variables if g.is_declaration})


def _embeds_address(text):
    """Whether LLVM IR text makes a pointer of a constant that looks like an
    address (not small, not a mask such as 2**32 - 1)."""
    for digits in _ADDRESS.findall(text):
        n = int(digits)
        if n >= 1 << 16 and n & (n + 1) and n & (n - 1):
            return True
    return False


def _read(path, key):
    """The record stored at `path` for `key`; None when missing, corrupt,
    truncated or for another key."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError:
        return None
    head = len(_MAGIC) + 32
    if raw[:len(_MAGIC)] != _MAGIC or hashlib.sha256(raw[head:]).digest() != raw[
            len(_MAGIC):head]:
        return None
    try:
        record = pickle.loads(raw[head:])
    except Exception:  # noqa: BLE001 - an unreadable entry is a miss
        return None
    return record if isinstance(record, dict) and record.get("key") == key else None


def _write(path, record):
    """Write atomically: readers see the old file or the whole new one."""
    data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(_MAGIC + hashlib.sha256(data).digest() + data)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def cache_folder(filename):
    """Where the entries of functions in `filename` go (Numba's rules)."""
    if config.CACHE_DIR:
        return _mirrored(config.CACHE_DIR, filename)
    beside = os.path.join(os.path.dirname(filename), "__pycache__")
    if _writable(beside):
        return beside
    return _mirrored(_user_folder(), filename)


def _user_folder():
    user = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(user, "ember")


def _mirrored(root, filename):
    """A folder under `root` named after the source file's folder."""
    folder = os.path.dirname(os.path.abspath(filename))
    return os.path.join(root, os.path.splitdrive(folder)[1].lstrip(os.sep))


def _writable(folder):
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


# ---- linking an entry into this process ------------------------------------------------

def link(target, record):
    """Load a cache entry's object code; (entry address, objects to keep alive).
    Raises when a symbol cannot be resolved (the caller compiles instead)."""
    entry = record["entry"]
    if entry in _loaded:  # this file was loaded (or compiled) in this process already
        keepalive = [resolve(r, record["arrays"])[0] for r in record["symbols"].values()]
        _counts["loaded"] += 1
        return _loaded[entry], keepalive
    addresses, keepalive = _link(target, record, [entry])
    _loaded[entry] = addresses[entry]
    _counts["loaded"] += 1
    return addresses[entry], keepalive


def _link(target, record, names):
    """Resolve an object's symbols in this process, load it, and return the
    addresses of `names` and the objects to keep alive."""
    from ember.runtime import threads

    externals = record["externals"]
    if any(name in threads.FUNCTIONS for name in externals):
        target.ensure_thread_pool()
    for name in externals:
        if name.startswith("ember_blas_"):
            from ember.lib import blas

            blas.symbol(name[len("ember_blas_"):])
    keepalive = []
    addresses = {}
    for symbol, recipe in record["symbols"].items():
        obj, addresses[symbol] = resolve(recipe, record["arrays"])
        keepalive.append(obj)
    for symbol, address in addresses.items():
        llvm.add_symbol(symbol, address)
    missing = [name for name in externals if not name.startswith("llvm.")
               and not llvm.address_of_symbol(name)]
    if missing:  # LLVM would abort the process on an unresolved symbol
        raise LookupError(f"symbols not found in this process: {', '.join(missing)}")
    return target.add_object(record["object"], names), keepalive


# ---- ember's own runtime modules -------------------------------------------------------

_runtime_compiled = {}  # name -> (path, record) of runtime modules compiled here, unsaved


def runtime_module(target, name, emit, functions):
    """JIT one of ember's runtime modules (memory runtime, thread pool,
    dispatcher trampoline): from the runtime cache when a cache=True process
    stored it there, else compiled. Returns (addresses of `functions`,
    objects to keep alive)."""
    from ember.codegen.module import ModuleEmitter

    key = repr((name, environment(), config.NUM_THREADS))
    path = os.path.join(_runtime_folder(), f"{name}.{_digest(key.encode())[:24]}.emberc")
    record = _read(path, key)
    if record is not None:
        try:
            return _link(target, record, functions)
        except Exception:  # noqa: BLE001 - compile it instead
            pass
    module = ModuleEmitter(name, Relocations())
    emit(module)
    optimised = target.optimize_runtime(str(module.llvm))
    relocations = module.relocations
    relocations.register()
    embeds_address = _embeds_address(str(optimised))
    externals = _externals(optimised)
    obj = target.machine.emit_object(optimised)
    addresses = target.add_object(obj, functions)
    if not relocations.problems and not embeds_address:
        _runtime_compiled[name] = (path, {
            "key": key, "object": obj, "externals": externals, "arrays": relocations.arrays,
            "symbols": {s: r for s, (r, _) in relocations.symbols.items()}})
    return addresses, module.keepalive


def save_runtime():
    """Store the runtime modules this process compiled (after a cache=True
    entry was written: nothing is written for programs that do not ask)."""
    for name, (path, record) in list(_runtime_compiled.items()):
        try:
            _write(path, record)
        except OSError:
            return
        del _runtime_compiled[name]


def _runtime_folder():
    return os.path.join(config.CACHE_DIR or _user_folder(), "ember-runtime")


def remember(entry, address):
    """A compiled entry's address, so that loading its own file again reuses it."""
    _loaded[entry] = address
    _counts["compiled"] += 1


def warn_uncacheable(py_func, reason, signature=None):
    where = py_func.__qualname__ + (f" ({signature})" if signature is not None else "")
    warnings.warn(EmberCacheWarning(f"cannot cache {where}: {reason}; it is compiled "
                                    "in every process"), stacklevel=_user_stacklevel())


def _user_stacklevel():
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_EMBER_DIR):
        frame, level = frame.f_back, level + 1
    return level
