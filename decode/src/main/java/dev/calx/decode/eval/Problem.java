package dev.calx.decode.eval;

/**
 * One evaluation problem: an id (from the data or the line number), the question, and the
 * reference answer (already taken out of a GSM8K "#### " line or a MATH solution's \boxed{}).
 *
 * @param id        the row's {@code id}, {@code idx}, {@code unique_id}, {@code ID} or
 *                  {@code task_id}, else {@code "line-N"}; also names the executor session
 * @param question  the question text given to the prompt format
 * @param reference the answer to grade against (see {@link References#answerOf})
 * @param line      1-based line of the problem in its JSONL file; with the id, the key by
 *                  which a resumed run recognizes problems already solved
 */
public record Problem(String id, String question, String reference, int line) {}
