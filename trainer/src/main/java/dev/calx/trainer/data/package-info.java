/**
 * Training data: {@link dev.calx.trainer.data.DataFormat} (alpaca, tora, mathcoder JSONL rows to
 * {@link dev.calx.trainer.data.Example}s, rendered with decode's templates), {@link dev.calx.trainer.data.SpanTokenizer}
 * (labelled spans to token ids and a loss mask), {@link dev.calx.trainer.data.Dataset} (a tokenized
 * file with its statistics), {@link dev.calx.trainer.data.Batcher} and {@link dev.calx.trainer.data.Batch}.
 */
package dev.calx.trainer.data;
