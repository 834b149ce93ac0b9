package io.tributary.shard;

/**
 * A request over a shard's throughput: its quota allows no read now, or it has as many requests in flight
 * as {@code limits.shard.queue} allows. Callers answer with ProvisionedThroughputExceededException.
 */
public final class ShardThrottledException extends RuntimeException {
  public ShardThrottledException() {
    super("shard throughput exceeded", null, false, false);
  }
}
