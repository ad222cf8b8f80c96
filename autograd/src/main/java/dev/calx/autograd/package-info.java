/** Calx autograd module. */
package dev.calx.autograd;
