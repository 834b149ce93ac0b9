package io.tributary.limits;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.stream.StreamDescriptor;

/**
 * AWS's throughput quotas, enforced only when {@code limits.enforce} is true (off by default, so that
 * local load tests run unthrottled): shard throughput checked by each shard's verticle against the
 * {@link ShardQuota} a request carries (the API layer checks call rates). Throttled calls and records are
 * counted either way, since a full shard queue throttles too.
 */
public final class Quotas {
  private final boolean enforced;
  private final ThrottleCounters counters;

  public Quotas(boolean enforced, MeterRegistry meters) {
    this.enforced = enforced;
    this.counters = new ThrottleCounters(meters);
  }

  public boolean enforced() { return enforced; }

  /** The quota a request to one of the stream's shards carries; null when quotas are off. */
  public ShardQuota shardQuota(StreamDescriptor stream) {
    return enforced ? ShardQuota.of(stream) : null;
  }

  public ThrottleCounters counters() { return counters; }
}
