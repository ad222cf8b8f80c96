/** Calx interpreter module. */
package dev.calx.interpreter;
