package io.tributary.limits;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.config.Settings;

/**
 * The server-wide bounds on what requests may hold in memory at once, so overload is answered with AWS's
 * throttling errors rather than an OutOfMemoryError:
 *
 * <ul>
 *   <li>{@code requests}: request bodies being read or served ({@code limits.inflight.request.bytes});
 *   <li>{@code appends}: records sent to shards and not yet acknowledged ({@code limits.inflight.append.bytes});
 *   <li>{@code reads}: GetRecords pages asked of shards and not yet answered, at their largest size
 *       ({@code limits.inflight.read.bytes});
 *   <li>{@code decodes}: large bodies waiting for or in the decode pool ({@code limits.decode.queue}).
 * </ul>
 *
 * A byte setting of 0 takes its default from the heap (Runtime.maxMemory()), so a server given more heap
 * admits more; {@link #shardQueueBytes} bounds the bytes of appends in flight to any one shard.
 */
public final class MemoryBudgets {
  private final Budget requests;
  private final Budget appends;
  private final Budget reads;
  private final Budget decodes;
  private final long shardQueueBytes;
  private final int decodeThreads;

  private MemoryBudgets(Budget requests, Budget appends, Budget reads, Budget decodes, long shardQueueBytes,
      int decodeThreads) {
    this.requests = requests;
    this.appends = appends;
    this.reads = reads;
    this.decodes = decodes;
    this.shardQueueBytes = shardQueueBytes;
    this.decodeThreads = decodeThreads;
  }

  public static MemoryBudgets from(Settings settings, MeterRegistry meters) {
    long heap = Runtime.getRuntime().maxMemory();
    long shardQueueBytes = bytes(settings, "limits.shard.queue.bytes", heap / 8);
    int threads = settings.integer("limits.decode.threads");
    // Half the processors by default: decoding is CPU-bound, and the event loops need the other half to keep
    // answering small calls while large bodies are decoded.
    if (threads <= 0) threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    int queue = settings.integer("limits.decode.queue");
    if (queue <= 0) queue = threads * 4;
    return new MemoryBudgets(
        new Budget("requests", bytes(settings, "limits.inflight.request.bytes", heap / 4)).register(meters),
        new Budget("appends", bytes(settings, "limits.inflight.append.bytes", heap / 4)).register(meters),
        new Budget("reads", bytes(settings, "limits.inflight.read.bytes", heap / 4)).register(meters),
        new Budget("decodes", queue).register(meters),
        shardQueueBytes, threads);
  }

  /** Budgets without meters, for embedding and tests: each of the given size. */
  public static MemoryBudgets of(long requestBytes, long appendBytes, long readBytes, long shardQueueBytes) {
    return new MemoryBudgets(new Budget("requests", requestBytes), new Budget("appends", appendBytes),
        new Budget("reads", readBytes), new Budget("decodes", 16), shardQueueBytes, 2);
  }

  private static long bytes(Settings settings, String key, long derived) {
    long value = settings.longValue(key);
    if (value < 0) throw new IllegalArgumentException("setting '" + key + "' must be 0 (from the heap) or more, not " + value);
    return value == 0 ? Math.max(1, derived) : value;
  }

  public Budget requests() { return requests; }

  public Budget appends() { return appends; }

  public Budget reads() { return reads; }

  public Budget decodes() { return decodes; }

  public long shardQueueBytes() { return shardQueueBytes; }

  public int decodeThreads() { return decodeThreads; }

  @Override
  public String toString() {
    return requests + ", " + appends + ", " + reads + ", " + decodes + ", shard queue " + shardQueueBytes;
  }
}
