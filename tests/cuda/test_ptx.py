"""PTX from llvmlite alone, checked on a machine without a GPU: kernels lower to
an `.entry` with the special registers, barriers and shared memory; ptxas (when
installed) assembles the result."""

import shutil
import subprocess

import numpy as np
import pytest

from ember import cuda
from ember import types as et

from .test_shared_and_atomics import block_sums, histogram, tiled_matmul

F32_1D = et.Array(et.float32, 1, "C")
F64_1D = et.Array(et.float64, 1, "C")


@cuda.jit
def vector_add(a, b, result):
    i = cuda.grid(1)
    if i < result.shape[0]:
        result[i] = a[i] + b[i]


def _ptxas(text, tmp_path):
    if shutil.which("ptxas") is None:
        pytest.skip("ptxas is not on PATH: the PTX is produced but not assembled")
    source = tmp_path / "kernel.ptx"
    source.write_text(text)
    done = subprocess.run(["ptxas", "-arch=sm_75", str(source), "-o", str(tmp_path / "k.o")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_slide8_kernel_lowers_to_ptx(tmp_path):
    text = vector_add.inspect_ptx((F32_1D, F32_1D, F32_1D))
    assert ".visible .entry vector_add(" in text
    assert "%tid.x" in text and "%ctaid.x" in text and "%ntid.x" in text
    assert "add.rn.f32" in text
    _ptxas(text, tmp_path)


def test_inspect_after_launch_gives_one_entry_per_signature():
    a = np.ones(10, dtype=np.float32)
    vector_add[1, 32](a, a, np.zeros_like(a))
    listing = vector_add.inspect_asm()
    assert (F32_1D, F32_1D, F32_1D) in listing
    assert all(".entry vector_add" in text for text in listing.values())


def test_nvvm_ir_marks_the_kernel_and_uses_registers():
    ir_text = vector_add.inspect_llvm("void(float32[::1], float32[::1], float32[::1])")
    assert 'target triple = "nvptx64-nvidia-cuda"' in ir_text
    assert "!nvvm.annotations" in ir_text and '!"kernel"' in ir_text
    assert "llvm.nvvm.read.ptx.sreg.tid.x" in ir_text


def test_shared_memory_reduction_lowers_to_shared_and_barriers(tmp_path):
    ir_text = block_sums.inspect_llvm((F64_1D, F64_1D))
    assert "addrspace(3)" in ir_text
    text = block_sums.inspect_ptx((F64_1D, F64_1D))
    assert ".shared" in text and "bar.sync" in text and "ld.shared" in text
    _ptxas(text, tmp_path)


def test_tiled_matmul_and_atomics_assemble(tmp_path):
    f32_2d = et.Array(et.float32, 2, "C")
    matmul = tiled_matmul.inspect_ptx((f32_2d, f32_2d, f32_2d))
    assert matmul.count("bar.sync") == 2
    _ptxas(matmul, tmp_path)
    i64 = et.Array(et.int64, 1, "C")
    atomics = histogram.inspect_ptx((i64, i64))
    assert "atom." in atomics
    _ptxas(atomics, tmp_path)
