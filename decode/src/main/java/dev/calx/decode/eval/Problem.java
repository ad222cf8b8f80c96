package dev.calx.decode.eval;

/**
 * One evaluation problem: an id (from the data or the line number), the question, and the
 * reference answer (already taken out of a GSM8K "#### " line or a MATH solution's \boxed{}).
 */
public record Problem(String id, String question, String reference, int line) {}
