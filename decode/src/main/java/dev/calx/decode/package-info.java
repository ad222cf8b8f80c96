/** Calx decode module. */
package dev.calx.decode;
