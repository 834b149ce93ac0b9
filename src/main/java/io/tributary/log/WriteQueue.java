package io.tributary.log;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of one log. Appends and maintenance tasks (flush, retention, close) queue here from
 * any thread and run one at a time, in order, on a thread of the log's write pool. Appends waiting side by
 * side are handed over as one group, so everything that queued while the previous group was being
 * written and fsynced shares the next write round and its fsync: group commit.
 *
 * <p>Offsets are assigned when an append queues, so the next append follows on at once. When an append
 * fails, {@link #releaseOffsets} takes its offsets back and the appends behind it move down, so the log
 * never has a gap. Completions are delivered on the context that queued the append or task.
 *
 * <p>Threading: the queue is guarded by this object's lock; the group writer and tasks run on one worker
 * thread at a time, which is what makes the log's segments single-writer.
 */
final class WriteQueue {
  private static final Logger LOG = LoggerFactory.getLogger(WriteQueue.class);
  /** A drain gives its worker thread back after this long, so Vert.x never sees a blocked worker. */
  private static final long DRAIN_SLICE_NANOS = 500_000_000L;

  /** Writes a group of appends on the worker, completing each one. Must not throw. */
  @FunctionalInterface
  interface GroupWriter {
    void write(List<PendingAppend> group);
  }

  /** An append waiting for its write round. */
  static final class PendingAppend {
    private final List<ShardLog.Entry> entries;
    private final Context context;
    private final Promise<Long> promise = Promise.promise();
    private long baseOffset;

    private PendingAppend(List<ShardLog.Entry> entries, Context context) {
      this.entries = entries;
      this.context = context;
    }

    List<ShardLog.Entry> entries() {
      return entries;
    }

    long baseOffset() {
      return baseOffset;
    }

    /**
     * Places the append where the log actually ends: where it was queued, unless an append before it
     * failed. Called by the group writer only, once the append has left the queue.
     */
    void placeAt(long offset) {
      baseOffset = offset;
    }

    /** Arrival of its records, or -1 for an empty append. */
    long arrivalMillis() {
      return entries.isEmpty() ? -1 : entries.get(0).arrivalMillis();
    }

    void succeed() {
      long offset = baseOffset;
      context.runOnContext(v -> promise.tryComplete(offset));
    }

    void fail(Throwable cause) {
      context.runOnContext(v -> promise.tryFail(cause));
    }
  }

  private record Task<T>(Callable<T> work, Context context, Promise<T> promise) {
    void run() {
      try {
        T result = work.call();
        context.runOnContext(v -> promise.tryComplete(result));
      } catch (Throwable e) {
        context.runOnContext(v -> promise.tryFail(e));
      }
    }
  }

  private final Vertx vertx;
  private final LogWorkers workers;
  private final GroupWriter writer;
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private long nextOffset;
  private boolean draining;
  private boolean closed;

  WriteQueue(Vertx vertx, LogWorkers workers, long nextOffset, GroupWriter writer) {
    this.vertx = vertx;
    this.workers = workers;
    this.nextOffset = nextOffset;
    this.writer = writer;
  }

  /** Queues an append; its future completes with its first offset once the group writer says so. */
  Future<Long> append(List<ShardLog.Entry> entries) {
    PendingAppend append = new PendingAppend(entries, vertx.getOrCreateContext());
    synchronized (this) {
      if (closed) return Future.failedFuture(new IllegalStateException("the log is closed"));
      append.baseOffset = nextOffset;
      nextOffset += entries.size();
      queue.add(append);
    }
    startDraining();
    return append.promise.future();
  }

  /** Queues a task behind everything queued so far. */
  <T> Future<T> run(Callable<T> work) {
    return enqueue(work, false);
  }

  /** Queues a last task: later appends and tasks fail. */
  <T> Future<T> close(Callable<T> work) {
    return enqueue(work, true);
  }

  /**
   * Gives back the offsets of a failed append: every append queued or in the current group after it
   * moves down by that many. Called by the group writer, which places its own group as it writes.
   */
  synchronized void releaseOffsets(int count) {
    nextOffset -= count;
    for (Object waiting : queue) {
      if (waiting instanceof PendingAppend append) append.baseOffset -= count;
    }
  }

  private <T> Future<T> enqueue(Callable<T> work, boolean last) {
    Task<T> task = new Task<>(work, vertx.getOrCreateContext(), Promise.promise());
    synchronized (this) {
      if (closed) return Future.failedFuture(new IllegalStateException("the log is closed"));
      closed = last;
      queue.add(task);
    }
    startDraining();
    return task.promise.future();
  }

  private void startDraining() {
    synchronized (this) {
      if (draining) return;
      draining = true;
    }
    workers.write(vertx, this::drain);
  }

  private Void drain() {
    long started = System.nanoTime();
    while (true) {
      List<PendingAppend> group = new ArrayList<>();
      Task<?> task = null;
      synchronized (this) {
        if (queue.isEmpty()) {
          draining = false;
          return null;
        }
        if (System.nanoTime() - started > DRAIN_SLICE_NANOS) {
          workers.write(vertx, this::drain);
          return null;
        }
        if (queue.peek() instanceof Task<?> next) {
          task = next;
          queue.poll();
        } else {
          while (queue.peek() instanceof PendingAppend append) group.add((PendingAppend) queue.poll());
        }
      }
      if (task != null) {
        task.run();
      } else {
        try {
          writer.write(group);
        } catch (Throwable e) {
          LOG.error("Log writer failed", e);
          group.forEach(append -> append.fail(e));
        }
      }
    }
  }
}
