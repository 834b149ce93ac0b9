package io.tributary.log;

import io.vertx.core.Future;
import java.util.List;

/**
 * The records of one shard, in order, each at an offset counted from 0. Only the shard's verticle calls a
 * log, always from its own event-loop context, so implementations need no locking for their callers;
 * they must never block that context: file work runs on a worker and completes the returned future.
 */
public interface ShardLog {

  /** A record to append: arrival time already assigned by the shard. */
  record Entry(long arrivalMillis, String partitionKey, byte[] data) { }

  /**
   * A page read from the log.
   *
   * @param nextOffset where the next read continues: after the last record, or where the read started
   * @param nextArrivalMillis arrival of the record at {@code nextOffset}, or -1 when there is none yet
   */
  record Page(List<StoredRecord> records, long nextOffset, long nextArrivalMillis) { }

  /**
   * Appends the entries in order. The offsets are taken at once (the next append follows on), and the
   * future completes with the offset of the first entry once they are as durable as the log promises;
   * only then are they visible to readers and counted in {@link #endOffset()}. A failed append leaves
   * nothing of itself visible.
   */
  Future<Long> append(List<Entry> entries);

  /** Where an append landed: the offset of its first record, and the arrival time its records were stored with. */
  record Stamp(long firstOffset, long arrivalMillis) { }

  /**
   * Appends as {@link #append} does, and tells the arrival time the records were stored with: a replicated log
   * takes appends from every node that keeps it, and gives an append a later arrival than it carries when
   * another node's append before it arrived later, so that arrival times never go back in the log.
   */
  default Future<Stamp> appendStamped(List<Entry> entries) {
    long arrival = entries.isEmpty() ? -1 : entries.get(0).arrivalMillis();
    return append(entries).map(first -> new Stamp(first, arrival));
  }

  /**
   * Whether the log keeps writer fences itself ({@link #appendStamped(List, WriterFence)}, {@link #fence}): a
   * replicated log does, the same on every replica and through restarts. A log kept on one node does not, and
   * its shard keeps them.
   */
  default boolean keepsFences() {
    return false;
  }

  /**
   * Appends as {@link #appendStamped(List)} does, for the writer's generation: fails with
   * {@link WriterFencedException}, appending nothing, when a newer generation fenced the log ({@link #fence}).
   * Only a log that {@linkplain #keepsFences keeps fences} takes a fence.
   */
  default Future<Stamp> appendStamped(List<Entry> entries, WriterFence fence) {
    if (fence == null) return appendStamped(entries);
    return Future.failedFuture(new UnsupportedOperationException("this log keeps no writer fences"));
  }

  /** Raises the writer's fence: from its completion on, the log refuses every earlier generation's appends. */
  default Future<Void> fence(WriterFence fence) {
    return Future.failedFuture(new UnsupportedOperationException("this log keeps no writer fences"));
  }

  /**
   * Up to {@code maxRecords} records from {@code fromOffset} on (from the trim horizon if it is older),
   * stopping before the total size would pass {@code maxBytes}, though always at least one record when
   * there is one.
   */
  Future<Page> read(long fromOffset, int maxRecords, long maxBytes);

  /** The offset of the oldest readable record: the trim horizon. */
  long startOffset();

  /** One past the last acknowledged record: the offset a reader at the tip waits at. */
  long endOffset();

  /** Arrival time of the last acknowledged record, or -1 when the log is empty. */
  long lastArrivalMillis();

  /** The offset of the first readable record that arrived at or after the time, or {@link #endOffset()}. */
  Future<Long> offsetAtOrAfter(long arrivalMillis);

  /** Records older than this stop being readable; a log that keeps everything may ignore it. */
  default void setRetentionMillis(long millis) { }

  /**
   * Refuses appends from now on, everywhere the log is kept; completes once every append taken before is
   * acknowledged. A log kept on one node needs nothing of this: its shard refuses the appends itself.
   */
  default Future<Void> seal() {
    return Future.succeededFuture();
  }

  /** Whether the log was sealed, here or (a replicated log) by another node that led its shard. */
  default boolean sealed() {
    return false;
  }

  /**
   * Told, on the shard's context, when records another node appended become readable here (a replicated
   * log's own appends are acknowledged as ever).
   */
  default void onReplicated(Runnable listener) { }

  /**
   * Makes every append acknowledged so far durable, for a log whose fsync policy acknowledges before fsync; a
   * log that acknowledges only what is durable has nothing to do.
   */
  default Future<Void> force() {
    return Future.succeededFuture();
  }

  /** Flushes what is pending and releases files. */
  Future<Void> close();
}
