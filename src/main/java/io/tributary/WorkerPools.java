package io.tributary;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.config.Settings;
import io.tributary.log.LogWorkers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server's worker pools, one per kind of blocking work, so that one kind backing up (many busy shard
 * writers, a broker that does not answer) cannot starve the others: shard log writes (and recovery), shard
 * log reads, the Kafka bridge's client calls, control-plane work (catalog writes, metrics scrapes, removing
 * logs), and decoding large request bodies off the event loops.
 * Threads are named {@code tributary-<pool>-<n>}. Made once at start.
 */
public record WorkerPools(MeteredWorkerExecutor logWrite, MeteredWorkerExecutor logRead,
    MeteredWorkerExecutor bridge, MeteredWorkerExecutor control, MeteredWorkerExecutor decode) {

  /**
   * The pools as sized by {@code pool.log.write.size}, {@code pool.log.read.size}, {@code pool.bridge.size}
   * and {@code pool.control.size} (0: derived from the processor count), and the decode pool of
   * {@code decodeThreads} ({@code limits.decode.threads}), their gauges bound to the registry.
   */
  public static WorkerPools create(Vertx vertx, Settings settings, MeterRegistry meters, int decodeThreads) {
    int processors = Runtime.getRuntime().availableProcessors();
    WorkerPools pools = new WorkerPools(
        pool(vertx, "log-write", size(settings, "pool.log.write.size", Math.max(8, 4 * processors)), 10),
        pool(vertx, "log-read", size(settings, "pool.log.read.size", Math.max(4, 2 * processors)), 10),
        pool(vertx, "bridge", size(settings, "pool.bridge.size", Math.max(4, processors)), 120),
        pool(vertx, "control", size(settings, "pool.control.size", Math.max(2, processors / 2)), 60),
        pool(vertx, "decode", decodeThreads, 10));
    pools.all().forEach(pool -> pool.bindTo(meters));
    return pools;
  }

  /** What the shard logs run on. */
  public LogWorkers logWorkers() {
    return new LogWorkers(logWrite, logRead);
  }

  public List<MeteredWorkerExecutor> all() {
    return List.of(logWrite, logRead, bridge, control, decode);
  }

  public Future<Void> close() {
    return Future.join(all().stream().map(MeteredWorkerExecutor::close).toList()).mapEmpty();
  }

  private static int size(Settings settings, String key, int derived) {
    int size = settings.integer(key);
    if (size < 0) throw new IllegalArgumentException("setting '" + key + "' must be 0 (derived) or a thread count, not " + size);
    return size == 0 ? derived : size;
  }

  /**
   * A shared Vert.x worker executor; a task running longer than {@code warnSeconds} is logged by Vert.x's
   * blocked-thread checker.
   */
  private static MeteredWorkerExecutor pool(Vertx vertx, String name, int size, long warnSeconds) {
    String threadPrefix = "tributary-" + name;
    return new MeteredWorkerExecutor(name, size,
        vertx.createSharedWorkerExecutor(threadPrefix, size, warnSeconds, TimeUnit.SECONDS));
  }
}
