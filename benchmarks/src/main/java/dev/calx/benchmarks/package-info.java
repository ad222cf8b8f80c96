/** Calx benchmarks module. */
package dev.calx.benchmarks;
