/**
 * Support code, not API: {@link dev.calx.trainer.io.AtomicFiles} writes data sets, metrics
 * snapshots and checkpoint files so that a crash never leaves half a file.
 */
package dev.calx.trainer.io;
