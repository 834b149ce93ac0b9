package io.tributary.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CloudWatch's throttling metrics on the Prometheus registry: {@code tributary_throttled_total} per stream,
 * and {@code tributary_shard_throttled_total} per shard where the stream has enhanced monitoring of that
 * metric on. WriteProvisionedThroughputExceeded counts records refused, ReadProvisionedThroughputExceeded
 * GetRecords calls refused. Counters are made once per stream (and shard) and kept.
 */
public final class ThrottleCounters {
  public static final String WRITE = "WriteProvisionedThroughputExceeded";
  public static final String READ = "ReadProvisionedThroughputExceeded";

  private final MeterRegistry meters;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public ThrottleCounters(MeterRegistry meters) {
    this.meters = meters;
  }

  public void writesRefused(StreamDescriptor stream, ShardDescriptor shard, int records) {
    count(WRITE, stream, shard, records);
  }

  public void readRefused(StreamDescriptor stream, ShardDescriptor shard) {
    count(READ, stream, shard, 1);
  }

  private void count(String metric, StreamDescriptor stream, ShardDescriptor shard, int amount) {
    String account = stream.key().account();
    counters.computeIfAbsent(metric + '/' + account + '/' + stream.name(), key -> Counter.builder("tributary.throttled")
            .description("Calls (reads) or records (writes) refused for exceeding a shard's throughput")
            .tag("metric", metric).tag("account", account).tag("stream", stream.name())
            .register(meters))
        .increment(amount);
    if (!stream.shardLevelMetrics().contains(metric)) return;
    counters.computeIfAbsent(metric + '/' + account + '/' + stream.name() + '/' + shard.shardId(),
            key -> Counter.builder("tributary.shard.throttled")
                .description("Per shard, with enhanced monitoring on: calls (reads) or records (writes) refused")
                .tag("metric", metric).tag("account", account).tag("stream", stream.name())
                .tag("shard", shard.shardId())
                .register(meters))
        .increment(amount);
  }
}
