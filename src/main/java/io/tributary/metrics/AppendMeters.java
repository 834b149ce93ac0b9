package io.tributary.metrics;

import io.tributary.limits.ThrottleCounters;
import io.tributary.shard.AppendObserver;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;

/** Counts what appends did: IncomingRecords/Bytes, and refused records as WriteProvisionedThroughputExceeded. */
public final class AppendMeters implements AppendObserver {
  private final StreamMetrics metrics;
  private final ThrottleCounters throttles;

  public AppendMeters(StreamMetrics metrics, ThrottleCounters throttles) {
    this.metrics = metrics;
    this.throttles = throttles;
  }

  @Override
  public void appended(StreamDescriptor stream, ShardDescriptor shard, int records, long bytes) {
    metrics.of(stream).incoming(stream, shard, records, bytes);
  }

  @Override
  public void throttled(StreamDescriptor stream, ShardDescriptor shard, int records) {
    throttles.writesRefused(stream, shard, records);
    metrics.of(stream).writeThrottled(stream, shard, records);
  }
}
