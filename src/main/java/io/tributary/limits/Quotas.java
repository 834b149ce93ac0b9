package io.tributary.limits;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.api.Operation;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.stream.StreamDescriptor;
import java.time.Clock;

/**
 * AWS's throughput quotas, enforced only when {@code limits.enforce} is true (off by default, so that
 * local load tests run unthrottled): call rates checked before a handler runs, shard throughput checked by
 * each shard's verticle against the {@link ShardQuota} a request carries. Throttled calls and records are
 * counted either way, since a full shard queue throttles too.
 */
public final class Quotas {
  private final boolean enforced;
  private final CallRates callRates;
  private final ThrottleCounters counters;

  public Quotas(boolean enforced, Clock clock, MeterRegistry meters) {
    this.enforced = enforced;
    this.callRates = new CallRates(clock);
    this.counters = new ThrottleCounters(meters);
  }

  public boolean enforced() { return enforced; }

  /** Fails the call with AWS's error when its operation's call rate is used up. */
  public void admitCall(Operation operation, RequestContext context, Input input) {
    if (enforced) callRates.admit(operation, context, input);
  }

  /** The quota a request to one of the stream's shards carries; null when quotas are off. */
  public ShardQuota shardQuota(StreamDescriptor stream) {
    return enforced ? ShardQuota.of(stream) : null;
  }

  public ThrottleCounters counters() { return counters; }
}
