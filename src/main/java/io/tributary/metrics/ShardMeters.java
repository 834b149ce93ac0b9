package io.tributary.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shard-level meters of one shard: only those of the metrics its stream has enhanced monitoring of
 * (the others are null). Prometheus names are {@code kinesis_shard_*}, tagged with the stream's tags and
 * {@code shard}.
 */
final class ShardMeters {
  private final MeterRegistry registry;
  private final List<Meter> registered = new ArrayList<>();
  final ShardLevelSet enabled;
  final Counter incomingBytes;
  final Counter incomingRecords;
  final Counter outgoingBytes;
  final Counter outgoingRecords;
  final Counter writeThrottled;
  final Counter readThrottled;

  ShardMeters(MeterRegistry registry, Tags streamTags, String shardId, ShardLevelSet enabled, AtomicLong iteratorAge) {
    this.registry = registry;
    this.enabled = enabled;
    Tags tags = streamTags.and("shard", shardId);
    incomingBytes = enabled.incomingBytes() ? counter("kinesis.shard.incoming.bytes",
        "IncomingBytes per shard: bytes (data and partition keys) put to the shard", tags) : null;
    incomingRecords = enabled.incomingRecords() ? counter("kinesis.shard.incoming.records",
        "IncomingRecords per shard: records put to the shard", tags) : null;
    outgoingBytes = enabled.outgoingBytes() ? counter("kinesis.shard.outgoing.bytes",
        "OutgoingBytes per shard: bytes read from the shard (GetRecords and SubscribeToShard)", tags) : null;
    outgoingRecords = enabled.outgoingRecords() ? counter("kinesis.shard.outgoing.records",
        "OutgoingRecords per shard: records read from the shard (GetRecords and SubscribeToShard)", tags) : null;
    writeThrottled = enabled.writeThrottled() ? counter("kinesis.shard.write.provisioned.throughput.exceeded",
        "WriteProvisionedThroughputExceeded per shard: records refused over the shard's write throughput", tags) : null;
    readThrottled = enabled.readThrottled() ? counter("kinesis.shard.read.provisioned.throughput.exceeded",
        "ReadProvisionedThroughputExceeded per shard: GetRecords calls refused over the shard's read throughput", tags)
        : null;
    if (enabled.iteratorAge()) {
      registered.add(Gauge.builder("kinesis.shard.iterator.age.milliseconds", iteratorAge, AtomicLong::get)
          .description("IteratorAgeMilliseconds per shard: age of the last record the latest GetRecords call returned")
          .tags(tags).strongReference(true).register(registry));
    }
  }

  private Counter counter(String name, String description, Tags tags) {
    Counter counter = Counter.builder(name).description(description).tags(tags).register(registry);
    registered.add(counter);
    return counter;
  }

  void remove() {
    registered.forEach(registry::remove);
  }
}
