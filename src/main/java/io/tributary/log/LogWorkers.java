package io.tributary.log;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * The worker pools a shard log's blocking work runs on: {@code writes} for its single writer, recovery and
 * maintenance, {@code reads} for reads and time lookups. A null pool means Vert.x's default worker pool.
 * Either way the result completes on the calling context.
 */
public record LogWorkers(WorkerExecutor writes, WorkerExecutor reads) {
  public static final LogWorkers DEFAULT = new LogWorkers(null, null);

  <T> Future<T> write(Vertx vertx, Callable<T> work) {
    return writes == null ? vertx.getOrCreateContext().executeBlocking(work, false) : writes.executeBlocking(work, false);
  }

  <T> Future<T> read(Vertx vertx, Callable<T> work) {
    return reads == null ? vertx.getOrCreateContext().executeBlocking(work, false) : reads.executeBlocking(work, false);
  }
}
