"""Errors of @vectorize and @guvectorize: what was wrong and where, never a crash."""

import numpy as np
import pytest

import ember
from ember.errors import TypingError


def identity(x):
    return x


@pytest.mark.parametrize("signature", ["float64", "float64(", "floot64(float64)",
                                       "float64[:](float64)", "float64()"])
def test_bad_vectorize_signature_names_it_and_the_form(signature):
    with pytest.raises(TypeError) as info:
        ember.vectorize([signature])(identity)
    message = str(info.value)
    assert repr(signature) in message and "return_type(arg_types...)" in message


def test_signature_with_wrong_arity():
    with pytest.raises(TypeError, match="2 arguments but identity takes 1"):
        ember.vectorize(["float64(float64, float64)"])(identity)


def test_eager_ufunc_without_a_loop_gives_numpy_type_error():
    ufunc = ember.vectorize(["float64(float64)"])(identity)
    with pytest.raises(TypeError, match="ufunc 'identity' not supported for the input types"):
        ufunc(np.arange(3) * 1j)


def test_kernel_that_does_not_compile_names_file_line_and_types():
    @ember.vectorize
    def broken(x):
        return x.no_such_attribute
    with pytest.raises(TypingError) as info:
        broken(np.arange(3.0))
    message = str(info.value)
    assert "test_errors.py" in message and "no_such_attribute" in message
    assert "broken for (float64)" in message
    eager = ember.vectorize
    with pytest.raises(TypingError, match="broken for \\(int64\\)"):
        eager(["int64(int64)"])(broken.py_func)


def test_kernel_returning_an_array_is_refused():
    @ember.vectorize
    def makes_array(x):
        return np.zeros(3) + x
    with pytest.raises(TypingError, match="must return a scalar number"):
        makes_array(1.0)


def test_unsupported_input_dtype():
    ufunc = ember.vectorize(identity)
    with pytest.raises(TypeError, match="not supported in compiled code"):
        ufunc(np.array(["text"]))


def test_unknown_target_and_option():
    with pytest.raises(ValueError, match="target must be one of"):
        ember.vectorize(target="gpu")(identity)
    with pytest.raises(TypeError, match="unknown vectorize option"):
        ember.vectorize(no_such_option=True)(identity)
    with pytest.raises(ValueError, match="identity must be"):
        ember.vectorize(["float64(float64)"], identity=7)(identity)


@pytest.mark.parametrize("layout", ["(n)->(n", "n->n", "(n)", "(n)->()->()"])
def test_bad_layout(layout):
    with pytest.raises(ValueError, match="bad gufunc layout"):
        ember.guvectorize(["void(float64[:], float64[:])"], layout)(lambda a, o: None)


def test_guvectorize_signature_must_match_layout():
    def copy(a, out):
        out[:] = a
    with pytest.raises(TypeError, match="argument 1 is .*2d.*expected an array with ndim 1"):
        ember.guvectorize(["void(float64[:, :], float64[:])"], "(n)->(n)")(copy)
    with pytest.raises(TypeError, match="2 argument types for the 3 arguments"):
        ember.guvectorize(["void(float64[:], float64[:])"], "(n),()->(n)")(
            lambda a, w, o: None)
    with pytest.raises(TypeError, match="returns nothing"):
        ember.guvectorize(["float64(float64[:], float64[:])"], "(n)->(n)")(copy)
    with pytest.raises(TypeError, match="needs type signatures"):
        ember.guvectorize([], "(n)->(n)")(copy)
    with pytest.raises(TypeError, match="or a layout alone"):
        ember.guvectorize("void(float64[:], float64[:])")(copy)
