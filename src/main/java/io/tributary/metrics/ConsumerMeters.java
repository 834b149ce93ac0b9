package io.tributary.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SubscribeToShard meters of one enhanced fan-out consumer (CloudWatch's dimensions StreamName and
 * ConsumerName), and its MillisBehindLatest per shard: the lag of that consumer on that shard.
 */
final class ConsumerMeters {
  private final MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> registered = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicLong> millisBehind = new ConcurrentHashMap<>();
  final String arn;
  final Counter subscribeSuccess;
  final Counter subscribeRateExceeded;
  final Counter eventBytes;
  final Counter eventRecords;
  final Counter eventSuccess;

  ConsumerMeters(MeterRegistry registry, Tags streamTags, String consumerName, String arn) {
    this.registry = registry;
    this.arn = arn;
    this.tags = streamTags.and("consumer", consumerName);
    subscribeSuccess = counter("kinesis.subscribe.to.shard.success",
        "SubscribeToShard.Success: subscriptions established");
    subscribeRateExceeded = counter("kinesis.subscribe.to.shard.rate.exceeded",
        "SubscribeToShard.RateExceeded: subscriptions refused because the consumer already has one on the shard");
    eventBytes = counter("kinesis.subscribe.to.shard.event.bytes",
        "SubscribeToShardEvent.Bytes: bytes of records pushed to the consumer");
    eventRecords = counter("kinesis.subscribe.to.shard.event.records",
        "SubscribeToShardEvent.Records: records pushed to the consumer");
    eventSuccess = counter("kinesis.subscribe.to.shard.event.success",
        "SubscribeToShardEvent.Success: events pushed to the consumer");
  }

  private Counter counter(String name, String description) {
    Counter counter = Counter.builder(name).description(description).tags(tags).register(registry);
    registered.add(counter);
    return counter;
  }

  /** SubscribeToShardEvent.MillisBehindLatest of the consumer on the shard, as its latest event said. */
  void millisBehind(String shardId, long millis) {
    AtomicLong held = millisBehind.get(shardId);
    if (held == null) {
      held = millisBehind.computeIfAbsent(shardId, id -> {
        AtomicLong value = new AtomicLong();
        registered.add(Gauge.builder("kinesis.subscribe.to.shard.event.millis.behind.latest", value, AtomicLong::get)
            .description("SubscribeToShardEvent.MillisBehindLatest: how far the consumer's latest event on the shard "
                + "was behind the shard's newest record")
            .tags(tags.and("shard", id)).strongReference(true).register(registry));
        return value;
      });
    }
    held.set(millis);
  }

  void remove() {
    registered.forEach(registry::remove);
  }
}
