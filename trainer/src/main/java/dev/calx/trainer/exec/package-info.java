/**
 * Running the programs of synthesized solutions in bulk: {@link dev.calx.trainer.exec.CodeRunner},
 * with {@link dev.calx.trainer.exec.GraalPyCodeRunner} (the sandboxed interpreter; {@code AutoCloseable})
 * and {@link dev.calx.trainer.exec.ProcessCodeRunner} (a CPython process).
 */
package dev.calx.trainer.exec;
