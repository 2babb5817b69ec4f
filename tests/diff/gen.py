"""Hypothesis strategies for small scalar Python functions, as source text.

A generated program is one function ``f`` over int, float and bool arguments:
arithmetic, bitwise and comparison operators, builtins, conversions, if/elif/else,
bounded while and for loops, tuples and early returns. Every variable has one
declared type and is visible only in the block that defines it, so the program
means the same under CPython and under a compiler that types variables
statically (ember, Numba). The one planned exception: an int may stand where a
float is declared, which compiled code unifies to float (see int_as_float).

Each program is rendered twice from the same choices:

- ``source``: the code ember compiles and CPython runs as the reference;
- ``checked_source``: the same code with identity wrappers around integer
  intermediates (``_c``, ``_f``), run only in CPython. A wrapper raises
  ``Discard`` when a value leaves the range where int64 arithmetic agrees with
  Python's unbounded ints, so the harness skips that input instead of reporting
  a deliberate semantic difference (int64 wrap-around) as a bug.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

INT, FLOAT, BOOL = "int", "float", "bool"
SCALARS = (INT, FLOAT, BOOL)

# Python ints outside int64 would wrap in compiled code.
INT64_MAX = 2**63 - 1
# An int above 2**53 that meets a float (mixed arithmetic, comparison, true
# division) is rounded differently: CPython is exact, compiled code converts first.
FLOAT_EXACT_MAX = 2**53

MAX_EXPR_DEPTH = 3
MAX_BLOCK_DEPTH = 2
# Loops run at most this many times, so nested loops stay cheap in CPython.
MAX_LOOP_TRIPS = 10


class Discard(Exception):
    """Raised by the checked rendering when an input leaves the compared domain."""


def _c(value):
    """Checked int intermediate: discard values that would wrap in int64."""
    if type(value) is int and not -INT64_MAX - 1 <= value <= INT64_MAX:
        raise Discard(value)
    return value


def _f(value):
    """Checked int operand of a float operation: discard values a double can't hold."""
    if type(value) is int and abs(value) > FLOAT_EXACT_MAX:
        raise Discard(value)
    return value


CHECK_HELPERS = {"_c": _c, "_f": _f}


@dataclass(frozen=True)
class Features:
    """Which statement kinds a program may use (expressions are always on)."""

    control_flow: bool = False
    tuples: bool = False


@dataclass(frozen=True)
class Expr:
    """One expression in both renderings; ``type`` is a scalar type name."""

    type: str
    plain: str
    checked: str


def _same(type_, text):
    return Expr(type_, text, text)


@dataclass(frozen=True)
class Program:
    """A generated function ``f``: its (name, type) parameters and both renderings."""

    params: tuple[tuple[str, str], ...]
    source: str
    checked_source: str


@dataclass
class Scope:
    """Variables visible in a block: name -> type (a scalar or a tuple of scalars)."""

    types: dict = field(default_factory=dict)
    # Loop variables and while counters may be read but never assigned.
    readonly: set = field(default_factory=set)
    in_loop: bool = False

    def child(self, in_loop=None):
        return Scope(
            dict(self.types), set(self.readonly), self.in_loop if in_loop is None else in_loop
        )

    def names_of(self, type_, assignable=False):
        return sorted(
            name
            for name, t in self.types.items()
            if t == type_ and not (assignable and name in self.readonly)
        )

    def tuples(self):
        return sorted((name, t) for name, t in self.types.items() if isinstance(t, tuple))


INT_BINOPS = ["+", "-", "*", "//", "%", "&", "|", "^"]
FLOAT_BINOPS = ["+", "-", "*", "/", "//", "%"]
BOOL_BINOPS = ["&", "|", "^"]
COMPARE_OPS = ["<", "<=", ">", ">=", "==", "!="]
INT_AUGOPS = ["+=", "-=", "*=", "//=", "%=", "&=", "|=", "^=", "<<=", ">>="]
FLOAT_AUGOPS = ["+=", "-=", "*=", "/=", "//=", "%="]


class _Builder:
    """Draws one program; each method draws a piece and returns its rendering."""

    def __init__(self, draw, features):
        self.draw = draw
        self.features = features
        self.counter = 0
        self.return_type = None  # chosen first, so every return agrees with it

    # -- small draws -------------------------------------------------------

    def pick(self, options):
        return self.draw(st.sampled_from(options))

    def chance(self, percent):
        return self.draw(st.integers(0, 99)) < percent

    def fresh(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter}"

    # -- expressions -------------------------------------------------------

    def expr(self, scope, type_, depth=MAX_EXPR_DEPTH):
        if type_ == FLOAT and self.chance(10):
            return self.int_as_float(scope, depth)
        makers = {INT: self._int_makers, FLOAT: self._float_makers, BOOL: self._bool_makers}
        if depth <= 0 or self.chance(25):
            return self.leaf(scope, type_)
        result = self.pick(makers[type_]())(scope, type_, depth - 1)
        if type_ == FLOAT:
            # A float-typed value may be an int in CPython (see int_as_float).
            return Expr(FLOAT, result.plain, f"_f({result.checked})")
        return result

    def int_as_float(self, scope, depth):
        """An int where a float is expected: in a ternary, min/max, or a variable
        assigned an int on one path and a float on another. Compiled code unifies
        the type to float; CPython keeps an int. Their values agree while every
        such int stays within 2**53, which _f checks on each float-typed result."""
        value = self.expr(scope, INT, depth)
        return Expr(FLOAT, value.plain, f"_f({value.checked})")

    def leaf(self, scope, type_):
        if _tuple_items(scope, type_) and self.chance(20):
            return self.tuple_item(scope, type_, 0)
        names = scope.names_of(type_)
        if names and self.chance(80):
            return _same(type_, self.pick(names))
        # Without a variable of this type, prefer converting one of another type:
        # expressions over literals alone test constant folding, not the program.
        others = [n for t in SCALARS if t != type_ for n in scope.names_of(t)]
        if not names and others and self.chance(60):
            return self.converted(self.pick(others), type_)
        return self.literal(type_)

    def converted(self, name, type_):
        if type_ == BOOL:
            return _same(BOOL, f"({name} > 0)")
        if type_ == FLOAT:
            return Expr(FLOAT, f"({name} * 0.5)", f"(_f({name}) * 0.5)")
        return Expr(INT, f"int({name})", f"_c(int({name}))")

    def literal(self, type_):
        if type_ == INT:
            value = self.draw(st.integers(-12, 12) | st.sampled_from([100, -1000]))
        elif type_ == FLOAT:
            value = self.draw(st.sampled_from([0.0, 0.5, 1.0, -1.5, 2.25, 3.0, -0.0, 1e-3, 1e3]))
        else:
            value = self.draw(st.booleans())
        text = repr(value)
        return _same(type_, f"({text})" if text.startswith("-") else text)

    def number(self, scope, depth):
        """An int, float or bool operand, for places that accept any of them."""
        return self.expr(scope, self.pick(SCALARS), depth)

    def _int_makers(self):
        return [
            self.int_binop,
            self.int_shift,
            self.unary_int,
            self.int_pow,
            self.int_call,
            self.int_from,
            self.mixed_bool_arith,
            self.ternary,
            self.logic,
            self.tuple_item,
        ]

    def _float_makers(self):
        return [
            self.float_binop,
            self.true_div,
            self.unary_float,
            self.float_pow,
            self.float_call,
            self.float_from,
            self.ternary,
            self.logic,
            self.tuple_item,
        ]

    def _bool_makers(self):
        return [
            self.compare,
            self.negate,
            self.logic,
            self.bool_binop,
            self.bool_from,
            self.ternary,
            self.tuple_item,
        ]

    # Every compound expression is parenthesised, so no precedence can surprise.
    # Checked renderings wrap int results in _c and int operands of floats in _f.

    def int_binop(self, scope, type_, depth):
        op = self.pick(INT_BINOPS)
        left, right = self.expr(scope, INT, depth), self.divisor(scope, INT, depth, op)
        return _int_result(
            f"{left.plain} {op} {right.plain}", f"{left.checked} {op} {right.checked}"
        )

    def divisor(self, scope, type_, depth, op):
        # Mostly a nonzero literal after / // %, so ZeroDivisionError is tested
        # without cutting most programs short.
        if op in ("/", "//", "%") and self.chance(60):
            return _same(
                type_,
                self.pick(["3", "7", "(-2)", "10"] if type_ == INT else ["2.0", "(-0.5)", "3.0"]),
            )
        return self.expr(scope, type_, depth)

    def int_shift(self, scope, type_, depth):
        value = self.expr(scope, INT, depth)
        count = self.shift_count(scope, depth)
        op = self.pick(["<<", ">>"])
        return _int_result(
            f"{value.plain} {op} {count.plain}", f"{value.checked} {op} {count.checked}"
        )

    def shift_count(self, scope, depth):
        # Shift counts stay in 0..8: negative counts raise, large ones overflow.
        if self.chance(50):
            return _same(INT, str(self.draw(st.integers(0, 8))))
        inner = self.expr(scope, INT, depth)
        return Expr(INT, f"({inner.plain} % 9)", f"({inner.checked} % 9)")

    def unary_int(self, scope, type_, depth):
        op = self.pick(["-", "+", "~"])
        operand = self.expr(scope, INT, depth)
        return _int_result(f"{op}{operand.plain}", f"{op}{operand.checked}")

    def int_pow(self, scope, type_, depth):
        # Exponents are never negative: int ** negative int raises ValueError in
        # compiled code (as in NumPy) while CPython returns a float.
        base = self.expr(scope, INT, depth)
        if self.chance(50):
            exp = _same(INT, str(self.draw(st.integers(0, 3))))
        else:
            inner = self.expr(scope, INT, depth)
            exp = Expr(INT, f"(abs({inner.plain}) % 4)", f"(abs({inner.checked}) % 4)")
        if self.chance(30):
            return _int_result(
                f"pow({base.plain}, {exp.plain})",
                f"pow({base.checked}, {exp.checked})",
                parens=False,
            )
        return _int_result(f"{base.plain} ** {exp.plain}", f"{base.checked} ** {exp.checked}")

    def int_call(self, scope, type_, depth):
        kind = self.pick(["abs", "min", "max", "divmod"])
        return self.numeric_call(scope, depth, INT, kind)

    def numeric_call(self, scope, depth, type_, kind):
        """abs/min/max/divmod over operands of one type."""
        if kind == "abs":
            args = [self.expr(scope, type_, depth)]
        elif kind == "divmod":
            args = [self.expr(scope, type_, depth), self.divisor(scope, type_, depth, "%")]
        else:
            args = [self.expr(scope, type_, depth) for _ in range(self.draw(st.integers(2, 3)))]
        suffix = f"[{self.draw(st.integers(0, 1))}]" if kind == "divmod" else ""
        plain = f"{kind}({', '.join(a.plain for a in args)}){suffix}"
        checked = f"{kind}({', '.join(a.checked for a in args)}){suffix}"
        if type_ == INT:
            return _int_result(plain, checked, parens=False)
        return Expr(type_, plain, checked)

    def int_from(self, scope, type_, depth):
        # int() of a float outside int64, inf or nan is undefined in compiled
        # code; CPython raises or returns a big int, and the harness discards both.
        source = self.expr(scope, self.pick([FLOAT, BOOL]), depth)
        return _int_result(f"int({source.plain})", f"int({source.checked})", parens=False)

    def mixed_bool_arith(self, scope, type_, depth):
        # bool operands promote to int under + - *.
        op = self.pick(["+", "-", "*"])
        left = self.expr(scope, self.pick([INT, BOOL]), depth)
        right = self.expr(scope, BOOL, depth)
        return _int_result(
            f"{left.plain} {op} {right.plain}", f"{left.checked} {op} {right.checked}"
        )

    def float_binop(self, scope, type_, depth):
        op = self.pick(FLOAT_BINOPS)
        left_type, right_type = self.pick([(FLOAT, FLOAT), (FLOAT, INT), (INT, FLOAT)])
        left = self.expr(scope, left_type, depth)
        right = self.divisor(scope, right_type, depth, op)
        return _float_op(left, op, right)

    def true_div(self, scope, type_, depth):
        left = self.expr(scope, INT, depth)
        return _float_op(left, "/", self.divisor(scope, INT, depth, "/"))

    def unary_float(self, scope, type_, depth):
        op = self.pick(["-", "+"])
        operand = self.expr(scope, FLOAT, depth)
        return Expr(FLOAT, f"({op}{operand.plain})", f"({op}{operand.checked})")

    def float_pow(self, scope, type_, depth):
        # Only forms that agree bit for bit and stay real: exponents 0..2 (x*x is
        # as correctly rounded as pow), or a non-negative base. A negative base with
        # a fractional exponent is complex in CPython; a huge result raises
        # OverflowError there (the harness discards it) and is inf when compiled.
        base = self.expr(scope, FLOAT, depth)
        form = self.pick(["int", "sqrt", "general"])
        if form == "int":
            exp = self.draw(st.integers(0, 2))
            return Expr(FLOAT, f"({base.plain} ** {exp})", f"({base.checked} ** {exp})")
        if form == "sqrt":
            return Expr(FLOAT, f"(abs({base.plain}) ** 0.5)", f"(abs({base.checked}) ** 0.5)")
        exp = self.expr(scope, FLOAT, depth)
        return Expr(
            FLOAT,
            f"(abs({base.plain}) ** ({exp.plain} % 3.0))",
            f"(abs({base.checked}) ** ({exp.checked} % 3.0))",
        )

    def float_call(self, scope, type_, depth):
        kind = self.pick(["abs", "min", "max", "divmod"])
        return self.numeric_call(scope, depth, FLOAT, kind)

    def float_from(self, scope, type_, depth):
        source = self.expr(scope, self.pick([INT, BOOL]), depth)
        return Expr(FLOAT, f"float({source.plain})", f"float(_f({source.checked}))")

    def compare(self, scope, type_, depth):
        """A comparison chain of 2 or 3 operands, e.g. ``a < b <= c``."""
        operands = [self.number(scope, depth) for _ in range(self.draw(st.integers(2, 3)))]
        ops = [self.pick(COMPARE_OPS) for _ in operands[1:]]
        has_float = any(o.type == FLOAT for o in operands)
        plain, checked = operands[0].plain, _float_operand(operands[0], has_float)
        for op, operand in zip(ops, operands[1:], strict=True):
            plain += f" {op} {operand.plain}"
            checked += f" {op} {_float_operand(operand, has_float)}"
        return Expr(BOOL, f"({plain})", f"({checked})")

    def negate(self, scope, type_, depth):
        operand = self.number(scope, depth)
        return Expr(BOOL, f"(not {operand.plain})", f"(not {operand.checked})")

    def bool_binop(self, scope, type_, depth):
        op = self.pick(BOOL_BINOPS)
        left, right = self.expr(scope, BOOL, depth), self.expr(scope, BOOL, depth)
        return Expr(
            BOOL, f"({left.plain} {op} {right.plain})", f"({left.checked} {op} {right.checked})"
        )

    def bool_from(self, scope, type_, depth):
        source = self.expr(scope, self.pick([INT, FLOAT]), depth)
        return Expr(BOOL, f"bool({source.plain})", f"bool({source.checked})")

    def condition(self, scope, depth):
        """A test for if/while/ternary: usually a bool, sometimes int/float truthiness."""
        return self.expr(scope, BOOL if self.chance(75) else self.pick(SCALARS), depth)

    def ternary(self, scope, type_, depth):
        cond = self.condition(scope, depth)
        yes, no = self.expr(scope, type_, depth), self.expr(scope, type_, depth)
        return Expr(
            type_,
            f"({yes.plain} if {cond.plain} else {no.plain})",
            f"({yes.checked} if {cond.checked} else {no.checked})",
        )

    def logic(self, scope, type_, depth):
        # Both operands share one type, so `x or y` has that type in both worlds.
        op = self.pick(["and", "or"])
        left, right = self.expr(scope, type_, depth), self.expr(scope, type_, depth)
        return Expr(
            type_, f"({left.plain} {op} {right.plain})", f"({left.checked} {op} {right.checked})"
        )

    def tuple_item(self, scope, type_, depth):
        """``t[k]`` with a constant k; falls back to a leaf when no tuple fits."""
        choices = _tuple_items(scope, type_)
        if not choices:
            return self.leaf(scope, type_)
        name, k, size = self.pick(choices)
        index = k - size if self.chance(30) else k
        return _same(type_, f"{name}[{index}]")

    # -- statements --------------------------------------------------------

    def block(self, scope, depth, indent, min_size=1, max_size=4):
        lines = []
        for _ in range(self.draw(st.integers(min_size, max_size))):
            kinds = ["assign", "assign", "augassign"]
            if self.features.tuples:
                kinds += ["tuple_new", "unpack"]
            if self.features.control_flow and depth < MAX_BLOCK_DEPTH:
                kinds += ["if_", "while_", "for_"]
            if self.features.control_flow:
                kinds += ["early_exit"]
            lines += getattr(self, self.pick(kinds))(scope, depth, indent)
        return lines

    def assign(self, scope, depth, indent):
        existing = [n for t in SCALARS for n in scope.names_of(t, assignable=True)]
        if existing and self.chance(40):
            name = self.pick(existing)
            type_ = scope.types[name]
        else:
            name, type_ = self.fresh("v"), self.pick(SCALARS)
        value = self.expr(scope, type_)
        scope.types[name] = type_
        return [_line(indent, f"{name} = {value.plain}", f"{name} = {value.checked}")]

    def augassign(self, scope, depth, indent):
        candidates = [n for t in SCALARS for n in scope.names_of(t, assignable=True)]
        if not candidates:
            return self.assign(scope, depth, indent)
        name = self.pick(candidates)
        type_ = scope.types[name]
        if type_ == BOOL:
            op, value = self.pick(["&=", "|=", "^="]), self.expr(scope, BOOL)
            return [
                _line(
                    indent,
                    f"{name} {op} {value.plain}",
                    f"{name} = {name} {op[:-1]} {value.checked}",
                )
            ]
        op = self.pick(INT_AUGOPS if type_ == INT else FLOAT_AUGOPS)
        operand_type = INT if type_ == INT else self.pick([FLOAT, INT])
        if op in ("<<=", ">>="):
            value = self.shift_count(scope, MAX_EXPR_DEPTH)
        else:
            value = self.divisor(scope, operand_type, MAX_EXPR_DEPTH, op[:-1])
        if type_ == INT:
            checked = _int_result(name, f"{name} {op[:-1]} {value.checked}").checked
        else:
            checked = _float_op(_same(FLOAT, name), op[:-1], value).checked
        return [_line(indent, f"{name} {op} {value.plain}", f"{name} = {checked}")]

    def tuple_new(self, scope, depth, indent):
        types = tuple(self.pick(SCALARS) for _ in range(self.draw(st.integers(2, 3))))
        same_type = [n for n, t in scope.tuples() if t == types]
        name = self.pick(same_type) if same_type and self.chance(40) else self.fresh("t")
        value = self.tuple_expr(scope, types)
        scope.types[name] = types
        return [_line(indent, f"{name} = {value.plain}", f"{name} = {value.checked}")]

    def tuple_expr(self, scope, types):
        items = [self.expr(scope, t) for t in types]
        return Expr(
            "tuple",
            f"({', '.join(i.plain for i in items)})",
            f"({', '.join(i.checked for i in items)})",
        )

    def unpack(self, scope, depth, indent):
        """``x, y = t``, or a parallel assignment ``x, y = e1, e2`` (swaps included)."""
        tuples = scope.tuples()
        if tuples and self.chance(60):
            source, types = self.pick(tuples)
            value = _same("tuple", source)
        else:
            types = tuple(self.pick(SCALARS) for _ in range(2))
            value = self.tuple_expr(scope, types)
        targets = [self.unpack_target(scope, t) for t in types]
        if len(set(targets)) < len(targets):
            targets = [self.fresh("v") for _ in types]
        for name, type_ in zip(targets, types, strict=True):
            scope.types[name] = type_
        lhs = ", ".join(targets)
        return [_line(indent, f"{lhs} = {value.plain}", f"{lhs} = {value.checked}")]

    def unpack_target(self, scope, type_):
        existing = scope.names_of(type_, assignable=True)
        return self.pick(existing) if existing and self.chance(50) else self.fresh("v")

    def if_(self, scope, depth, indent):
        lines = []
        for keyword in ["if"] + ["elif"] * self.draw(st.integers(0, 2)):
            cond = self.condition(scope, 2)
            lines.append(_line(indent, f"{keyword} {cond.plain}:", f"{keyword} {cond.checked}:"))
            lines += self.block(scope.child(), depth + 1, indent + 1)
        if self.chance(50):
            lines.append(_line(indent, "else:", "else:"))
            lines += self.block(scope.child(), depth + 1, indent + 1)
        return lines

    def while_(self, scope, depth, indent):
        # The counter is bumped first in the body and is read-only elsewhere, so
        # the loop ends within MAX_LOOP_TRIPS whatever the extra test and continue do.
        counter = self.fresh("w")
        trips = self.draw(st.integers(0, MAX_LOOP_TRIPS))
        extra = self.condition(scope, 2) if self.chance(60) else None
        test = f"{counter} < {trips}"
        lines = [_line(indent, f"{counter} = 0", f"{counter} = 0")]
        plain = f"{test} and {extra.plain}" if extra else test
        checked = f"{test} and {extra.checked}" if extra else test
        lines.append(_line(indent, f"while {plain}:", f"while {checked}:"))
        lines.append(_line(indent + 1, f"{counter} += 1", f"{counter} += 1"))
        scope.types[counter] = INT
        scope.readonly.add(counter)
        lines += self.block(scope.child(in_loop=True), depth + 1, indent + 1)
        return lines

    def for_(self, scope, depth, indent):
        var = self.fresh("i")
        bounds = self.range_args(scope)
        lines = [
            _line(
                indent,
                f"for {var} in range({bounds.plain}):",
                f"for {var} in range({bounds.checked}):",
            )
        ]
        body = scope.child(in_loop=True)
        body.types[var] = INT
        body.readonly.add(var)
        return lines + self.block(body, depth + 1, indent + 1)

    def range_args(self, scope):
        """range() arguments that give at most about MAX_LOOP_TRIPS iterations."""
        stop = self.bounded_int(scope, MAX_LOOP_TRIPS + 1)
        form = self.pick(["stop", "start_stop", "step"])
        if form == "stop":
            return stop
        start = self.bounded_int(scope, 6)
        if form == "start_stop":
            return Expr(INT, f"{start.plain}, {stop.plain}", f"{start.checked}, {stop.checked}")
        step = self.pick(["1", "2", "3", "(-1)", "(-2)"])
        # A negative step counts down, so start from the high bound.
        first, last = (start, stop) if not step.startswith("(") else (stop, start)
        return Expr(
            INT, f"{first.plain}, {last.plain}, {step}", f"{first.checked}, {last.checked}, {step}"
        )

    def bounded_int(self, scope, modulus):
        """An int in 0..modulus-1: a literal, or an expression reduced by %."""
        if self.chance(50):
            return _same(INT, str(self.draw(st.integers(0, modulus - 1))))
        inner = self.expr(scope, INT, 1)
        return Expr(INT, f"({inner.plain} % {modulus})", f"({inner.checked} % {modulus})")

    def early_exit(self, scope, depth, indent):
        """``if cond: return`` (or break/continue inside a loop)."""
        exits = ["return"] + (["break", "continue"] if scope.in_loop else [])
        kind = self.pick(exits)
        cond = self.condition(scope, 2)
        lines = [_line(indent, f"if {cond.plain}:", f"if {cond.checked}:")]
        if kind == "return":
            value = self.return_value(scope)
            return lines + [_line(indent + 1, f"return {value.plain}", f"return {value.checked}")]
        return lines + [_line(indent + 1, kind, kind)]

    def return_value(self, scope, final=False):
        if isinstance(self.return_type, tuple):
            same = [n for n, t in scope.tuples() if t == self.return_type]
            if same and self.chance(50):
                return _same("tuple", self.pick(same))
            items = [self.final_item(scope, t, final) for t in self.return_type]
            return Expr(
                "tuple",
                f"({', '.join(i.plain for i in items)})",
                f"({', '.join(i.checked for i in items)})",
            )
        return self.final_item(scope, self.return_type, final)

    def final_item(self, scope, type_, final):
        if final and self.chance(70):
            return digest(scope, type_) or self.expr(scope, type_)
        return self.expr(scope, type_)

    # -- the function ------------------------------------------------------

    def program(self):
        params = tuple((name, self.pick(SCALARS)) for name in "abc"[: self.draw(st.integers(1, 3))])
        scope = Scope(dict(params))
        if self.features.tuples and self.chance(50):
            self.return_type = tuple(
                self.pick(SCALARS) for _ in range(self.draw(st.integers(2, 3)))
            )
        else:
            self.return_type = self.pick(SCALARS)
        body = self.block(scope, 0, 1, min_size=0, max_size=6)
        value = self.return_value(scope, final=True)
        body.append(_line(1, f"return {value.plain}", f"return {value.checked}"))
        header = f"def f({', '.join(name for name, _ in params)}):"
        return Program(
            params=params,
            source="\n".join([header] + [plain for plain, _ in body]) + "\n",
            checked_source="\n".join([header] + [checked for _, checked in body]) + "\n",
        )


def digest(scope, type_):
    """Fold the latest variables into one ``type_`` value, so that less of the
    computed state is dead. Uses only operations that can neither raise nor
    overflow: float sums (from 0.0, so no int addition happens) and xor of
    ints or bools. Returns None when fewer than two variables fit."""
    names = [n for n, t in scope.types.items() if t in SCALARS][-5:]
    if type_ == FLOAT:
        parts = [Expr(FLOAT, "0.0", "0.0")] + [Expr(FLOAT, n, f"_f({n})") for n in names]
        op = "+"
    else:
        # An int first, so that the xor of ints and bools is an int.
        allowed = (INT, BOOL) if type_ == INT else (BOOL,)
        parts = sorted(
            (_same(type_, n) for n in names if scope.types[n] in allowed),
            key=lambda e: scope.types[e.plain] != type_,
        )
        op = "^"
        if not parts or scope.types[parts[0].plain] != type_:
            return None
    if len(parts) < 2 + (type_ == FLOAT):
        return None
    return Expr(
        type_,
        "(" + f" {op} ".join(p.plain for p in parts) + ")",
        "(" + f" {op} ".join(p.checked for p in parts) + ")",
    )


def _tuple_items(scope, type_):
    """(tuple name, index, length) for every visible tuple item of ``type_``."""
    return [
        (name, k, len(t)) for name, t in scope.tuples() for k, item in enumerate(t) if item == type_
    ]


def _line(indent, plain, checked):
    pad = "    " * indent
    return pad + plain, pad + checked


def _int_result(plain, checked, parens=True):
    if parens:
        plain, checked = f"({plain})", f"({checked})"
    return Expr(INT, plain, f"_c({checked})")


def _float_operand(expr, has_float):
    return f"_f({expr.checked})" if has_float and expr.type == INT else expr.checked


def _float_op(left, op, right):
    """``left op right`` with a float result (mixed operands or int / int)."""
    return Expr(
        FLOAT,
        f"({left.plain} {op} {right.plain})",
        f"({_float_operand(left, True)} {op} {_float_operand(right, True)})",
    )


@st.composite
def programs(draw, features):
    """A strategy for ``Program``s using the given statement features."""
    return _Builder(draw, features).program()


def values(type_):
    """A strategy for one argument of the given scalar type."""
    if type_ == INT:
        return (
            st.integers(-20, 20)
            | st.integers(-1000, 1000)
            | st.sampled_from([0, 1, -1, 2**31 - 1, -(2**31), 2**40])
        )
    if type_ == FLOAT:
        return st.floats(-100, 100) | st.sampled_from(
            [0.0, -0.0, 0.5, -2.5, 1e-300, 1e300, float("inf"), float("-inf"), float("nan")]
        )
    return st.booleans()


def argument_lists(params, max_size=4):
    """A strategy for several argument tuples for one program (one compile, many calls)."""
    one = st.tuples(*(values(type_) for _, type_ in params))
    return st.lists(one, min_size=1, max_size=max_size)
