/**
 * Running model-written code: the {@link dev.calx.decode.exec.PythonExecutor} interface the tool
 * loops call (one session per problem; implement it to run code elsewhere, e.g. CPython or a
 * remote sandbox), its result {@link dev.calx.decode.exec.ExecutionResult}, and
 * {@link dev.calx.decode.exec.InterpreterExecutor}, the implementation over the sandboxed GraalPy
 * interpreter module.
 */
package dev.calx.decode.exec;
