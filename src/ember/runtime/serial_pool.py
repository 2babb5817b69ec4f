"""A stand-in for the thread pool: runs a parallel region on the calling
thread, in two halves so that the per-thread partials path is exercised.
Replaced by runtime/threads.py when the thread pool lands."""

from llvmlite import ir

from ember.codegen import models as m

FUNCTIONS = ("ember_parallel_for", "ember_get_num_threads", "ember_get_thread_id")
_BODY = ir.FunctionType(m.i32, [m.i8p, m.i64, m.i64, m.i64])


def emit_serial_pool(module):
    llvm = module.llvm
    run = ir.Function(llvm, ir.FunctionType(m.i32, [_BODY.as_pointer(), m.i8p, m.i64]),
                      "ember_parallel_for")
    body, env, count = run.args
    bld = ir.IRBuilder(run.append_basic_block())
    half = bld.sdiv(count, ir.Constant(m.i64, 2))
    first = bld.call(body, [env, ir.Constant(m.i64, 0), half, ir.Constant(m.i64, 0)])
    with bld.if_then(bld.icmp_unsigned("!=", first, ir.Constant(m.i32, 0))):
        bld.ret(first)
    bld.ret(bld.call(body, [env, half, count, ir.Constant(m.i64, 1)]))
    threads = ir.Function(llvm, ir.FunctionType(m.i64, []), "ember_get_num_threads")
    ir.IRBuilder(threads.append_basic_block()).ret(ir.Constant(m.i64, 2))
    thread_id = ir.Function(llvm, ir.FunctionType(m.i64, []), "ember_get_thread_id")
    ir.IRBuilder(thread_id.append_basic_block()).ret(ir.Constant(m.i64, 0))
