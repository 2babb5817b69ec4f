"""Compile errors name the file, line and column, show the source with a
caret, give the types, and tracebacks contain no ember frames."""

import inspect
import traceback

import numpy as np
import pytest

import ember
from ember.errors import EmberError, TypingError, UnsupportedError

THIS_FILE = __file__


def error_of(func, *args):
    with pytest.raises(EmberError) as info:
        ember.njit(func)(*args)
    return info.value


def unsupported_syntax(x):
    return {i: i for i in range(x)}


def test_unsupported_syntax_has_location_and_caret():
    err = error_of(unsupported_syntax, 3)
    assert isinstance(err, UnsupportedError)
    text = str(err)
    assert "dict comprehension" in text
    line = inspect.getsourcelines(unsupported_syntax)[1] + 1
    assert THIS_FILE in text and f"line {line}," in text and "column 12" in text
    assert "return {i: i for i in range(x)}" in text and "^^^" in text


def unsupported_call(x):
    return np.linalg.tensorinv(x)


def test_unsupported_call_names_function_and_points_to_table():
    err = error_of(unsupported_call, np.eye(2))
    assert "tensorinv" in str(err) and "docs/supported.md" in str(err)


def type_conflict(x):
    y = 1
    y = (1, 2)
    return y


def test_type_conflict_names_both_types():
    err = error_of(type_conflict, 1)
    assert isinstance(err, TypingError)
    assert "int64" in str(err) and "UniTuple(int64, 2)" in str(err) and "'y'" in str(err)


def bad_operands(a, b):
    return a - b


def test_wrong_argument_types_at_call_time():
    err = error_of(bad_operands, 1, (1, 2))
    line = inspect.getsourcelines(bad_operands)[1] + 1
    assert "int64" in str(err) and "UniTuple" in str(err) and f"line {line}," in str(err)


def undefined_name(x):
    return x + not_defined_anywhere  # noqa: F821


def test_undefined_name():
    err = error_of(undefined_name, 1)
    assert "not_defined_anywhere" in str(err)


def test_no_ember_frames_in_tracebacks():
    @ember.njit
    def fails(x):
        return x + (1,)

    @ember.njit
    def index(a, i):
        return a[i]
    for func, args in ((fails, (1,)), (index, (np.zeros(2), 3))):
        try:
            func(*args)
        except Exception as exc:
            frames = traceback.extract_tb(exc.__traceback__)
            assert all("/ember/" not in f.filename for f in frames), frames
        else:
            pytest.fail("expected an exception")


def test_internal_errors_are_wrapped_with_location(monkeypatch):
    from ember.codegen import function

    def explode(self, s):
        raise RuntimeError("boom")
    monkeypatch.setattr(function.FunctionEmitter, "stmt_Return", explode)

    @ember.njit
    def f(x):
        return x + 12345  # unique body so the specialisation is not cached
    with pytest.raises(ember.errors.InternalError, match="bug in ember") as info:
        f(1)
    assert "boom" in str(info.value) and "return x + 12345" in str(info.value)


def test_array_truth_value_is_ambiguous():
    def truth(a):
        if a:
            return 1
        return 0
    err = error_of(truth, np.zeros(3))
    assert "ambiguous" in str(err) and "a.any()" in str(err)


def misspelt_method(a):
    return a.summ()


def misspelt_module_function(a):
    return np.suum(a)


def misspelt_name(a):
    return lenn(a)  # noqa: F821 (the misspelling under test)


@pytest.mark.parametrize("func, hint", [
    (misspelt_method, "did you mean .sum()?"), (misspelt_module_function, "did you mean 'sum'?"),
    (misspelt_name, "did you mean 'len'?")])
def test_misspellings_get_a_did_you_mean_hint(func, hint):
    err = error_of(func, np.ones(3))
    assert hint in str(err)
    assert f"line {inspect.getsourcelines(func)[1] + 1}," in str(err)


def test_no_hint_is_invented_for_a_name_unlike_any_other():
    err = error_of(unsupported_call, np.eye(2))
    assert "did you mean" not in str(err)
