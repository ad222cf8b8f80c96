/** Calx trainer module. */
package dev.calx.trainer;
