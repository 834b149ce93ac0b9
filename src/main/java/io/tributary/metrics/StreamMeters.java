package io.tributary.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tributary.stream.ConsumerDescriptor;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The meters of one stream incarnation, tagged {@code account}, {@code region} and {@code stream}, with
 * CloudWatch's metric names made Prometheus names ({@code PutRecords.ThrottledRecords} becomes
 * {@code kinesis_put_records_throttled_records_total}); shard-level ones in {@link ShardMeters},
 * SubscribeToShard ones per consumer in {@link ConsumerMeters}. Every method may be called from any thread.
 *
 * <p>Meanings, as CloudWatch's: bytes are data plus partition key; a Success counts successful calls (a
 * PutRecords call succeeds when at least one record of it does) and the Latency timer's count every call
 * that reached its shards, so their ratio is CloudWatch's average of Success; IteratorAgeMilliseconds is the
 * time between a GetRecords answer and the arrival of its last record, 0 for an answer without records
 * (the reader is at the tip). The stream-level iterator age is the largest of its shards' latest ones.
 */
public final class StreamMeters {
  private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(5)};

  private final MeterRegistry registry;
  private final String uid;
  private final Tags tags;
  private final List<Meter> registered = new ArrayList<>();
  private final Map<String, ShardMeters> shards = new ConcurrentHashMap<>();
  private final Map<String, ConsumerMeters> consumers = new ConcurrentHashMap<>();
  /** Latest GetRecords iterator age of each shard, kept whether or not the shard-level metric is on. */
  private final Map<String, AtomicLong> iteratorAges = new ConcurrentHashMap<>();
  private volatile List<String> shardLevelSource = List.of();
  private volatile ShardLevelSet shardLevel = ShardLevelSet.NONE;

  private final Counter incomingBytes;
  private final Counter incomingRecords;
  private final Counter putRecordBytes;
  private final Timer putRecordLatency;
  private final Counter putRecordSuccess;
  private final Counter putRecordsBytes;
  private final Timer putRecordsLatency;
  private final Counter putRecordsSuccess;
  private final Counter putRecordsTotalRecords;
  private final Counter putRecordsSuccessfulRecords;
  private final Counter putRecordsFailedRecords;
  private final Counter putRecordsThrottledRecords;
  private final Counter getRecordsBytes;
  private final Timer getRecordsLatency;
  private final Counter getRecordsRecords;
  private final Counter getRecordsSuccess;
  private final Counter outgoingBytes;
  private final Counter outgoingRecords;
  private final Counter readThrottled;
  private final Counter writeThrottled;

  StreamMeters(MeterRegistry registry, StreamDescriptor stream) {
    this.registry = registry;
    this.uid = stream.uid();
    this.tags = Tags.of("account", stream.key().account(), "region", stream.key().region(), "stream", stream.name());
    incomingBytes = counter("kinesis.incoming.bytes", "IncomingBytes: bytes (data and partition keys) put to the stream");
    incomingRecords = counter("kinesis.incoming.records", "IncomingRecords: records put to the stream");
    putRecordBytes = counter("kinesis.put.record.bytes", "PutRecord.Bytes: bytes put with PutRecord");
    putRecordLatency = timer("kinesis.put.record.latency", "PutRecord.Latency: time taken per PutRecord call");
    putRecordSuccess = counter("kinesis.put.record.success", "PutRecord.Success: successful PutRecord calls");
    putRecordsBytes = counter("kinesis.put.records.bytes", "PutRecords.Bytes: bytes put with PutRecords");
    putRecordsLatency = timer("kinesis.put.records.latency", "PutRecords.Latency: time taken per PutRecords call");
    putRecordsSuccess = counter("kinesis.put.records.success",
        "PutRecords.Success: PutRecords calls of which at least one record succeeded");
    putRecordsTotalRecords = counter("kinesis.put.records.total.records",
        "PutRecords.TotalRecords: records sent in PutRecords calls");
    putRecordsSuccessfulRecords = counter("kinesis.put.records.successful.records",
        "PutRecords.SuccessfulRecords: records of PutRecords calls that were put");
    putRecordsFailedRecords = counter("kinesis.put.records.failed.records",
        "PutRecords.FailedRecords: records of PutRecords calls refused for an internal failure");
    putRecordsThrottledRecords = counter("kinesis.put.records.throttled.records",
        "PutRecords.ThrottledRecords: records of PutRecords calls refused over a shard's throughput");
    getRecordsBytes = counter("kinesis.get.records.bytes", "GetRecords.Bytes: bytes returned by GetRecords");
    getRecordsLatency = timer("kinesis.get.records.latency", "GetRecords.Latency: time taken per GetRecords call");
    getRecordsRecords = counter("kinesis.get.records.records", "GetRecords.Records: records returned by GetRecords");
    getRecordsSuccess = counter("kinesis.get.records.success", "GetRecords.Success: successful GetRecords calls");
    registered.add(Gauge.builder("kinesis.get.records.iterator.age.milliseconds", iteratorAges, StreamMeters::oldest)
        .description("GetRecords.IteratorAgeMilliseconds: the largest, over the stream's shards, of the age of the last "
            + "record the latest GetRecords call returned (0 at the tip)")
        .tags(tags).strongReference(true).register(registry));
    outgoingBytes = counter("kinesis.outgoing.bytes",
        "OutgoingBytes: bytes read from the stream (GetRecords and SubscribeToShard)");
    outgoingRecords = counter("kinesis.outgoing.records",
        "OutgoingRecords: records read from the stream (GetRecords and SubscribeToShard)");
    readThrottled = counter("kinesis.read.provisioned.throughput.exceeded",
        "ReadProvisionedThroughputExceeded: GetRecords calls refused over a shard's read throughput");
    writeThrottled = counter("kinesis.write.provisioned.throughput.exceeded",
        "WriteProvisionedThroughputExceeded: records refused over a shard's write throughput");
  }

  String uid() { return uid; }

  private Counter counter(String name, String description) {
    Counter counter = Counter.builder(name).description(description).tags(tags).register(registry);
    registered.add(counter);
    return counter;
  }

  private Timer timer(String name, String description) {
    Timer timer = Timer.builder(name).description(description).tags(tags)
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    registered.add(timer);
    return timer;
  }

  private static double oldest(Map<String, AtomicLong> ages) {
    long oldest = 0;
    for (AtomicLong age : ages.values()) oldest = Math.max(oldest, age.get());
    return oldest;
  }

  // --- writes -------------------------------------------------------------------------------------------

  /** Records a shard took, from any writer (PutRecord, PutRecords, a Kafka mirror): IncomingBytes/Records. */
  public void incoming(StreamDescriptor stream, ShardDescriptor shard, int records, long bytes) {
    incomingRecords.increment(records);
    incomingBytes.increment(bytes);
    ShardMeters perShard = shard(stream, shard);
    if (perShard == null) return;
    if (perShard.incomingRecords != null) perShard.incomingRecords.increment(records);
    if (perShard.incomingBytes != null) perShard.incomingBytes.increment(bytes);
  }

  /** Records a shard refused over its write throughput: WriteProvisionedThroughputExceeded. */
  public void writeThrottled(StreamDescriptor stream, ShardDescriptor shard, int records) {
    writeThrottled.increment(records);
    ShardMeters perShard = shard(stream, shard);
    if (perShard != null && perShard.writeThrottled != null) perShard.writeThrottled.increment(records);
  }

  /** A PutRecord call that reached its shard, with the bytes put when it succeeded. */
  public void putRecord(long elapsedNanos, boolean succeeded, long bytes) {
    putRecordLatency.record(elapsedNanos, TimeUnit.NANOSECONDS);
    if (!succeeded) return;
    putRecordSuccess.increment();
    putRecordBytes.increment(bytes);
  }

  /** A PutRecords call that reached its shards: its records, how each fared, and the bytes put. */
  public void putRecords(long elapsedNanos, int total, int successful, int throttled, int failed, long bytes) {
    putRecordsLatency.record(elapsedNanos, TimeUnit.NANOSECONDS);
    putRecordsTotalRecords.increment(total);
    if (failed > 0) putRecordsFailedRecords.increment(failed);
    if (throttled > 0) putRecordsThrottledRecords.increment(throttled);
    if (successful == 0) return;
    putRecordsSuccess.increment();
    putRecordsSuccessfulRecords.increment(successful);
    putRecordsBytes.increment(bytes);
  }

  // --- reads --------------------------------------------------------------------------------------------

  /** A GetRecords answer: its records and bytes, and the age of its last record (0 without records). */
  public void getRecords(StreamDescriptor stream, ShardDescriptor shard, long elapsedNanos, int records, long bytes,
      long iteratorAgeMillis) {
    getRecordsLatency.record(elapsedNanos, TimeUnit.NANOSECONDS);
    getRecordsSuccess.increment();
    getRecordsRecords.increment(records);
    getRecordsBytes.increment(bytes);
    AtomicLong age = iteratorAges.get(shard.shardId());
    if (age == null) age = iteratorAges.computeIfAbsent(shard.shardId(), id -> new AtomicLong());
    age.set(iteratorAgeMillis);
    outgoing(stream, shard, records, bytes);
  }

  /** A GetRecords call that failed once it reached its shard. */
  public void getRecordsFailed(long elapsedNanos) {
    getRecordsLatency.record(elapsedNanos, TimeUnit.NANOSECONDS);
  }

  /** A GetRecords call its shard refused over its read throughput: ReadProvisionedThroughputExceeded. */
  public void readThrottled(StreamDescriptor stream, ShardDescriptor shard) {
    readThrottled.increment();
    ShardMeters perShard = shard(stream, shard);
    if (perShard != null && perShard.readThrottled != null) perShard.readThrottled.increment();
  }

  private void outgoing(StreamDescriptor stream, ShardDescriptor shard, int records, long bytes) {
    if (records == 0) return;
    outgoingRecords.increment(records);
    outgoingBytes.increment(bytes);
    ShardMeters perShard = shard(stream, shard);
    if (perShard == null) return;
    if (perShard.outgoingRecords != null) perShard.outgoingRecords.increment(records);
    if (perShard.outgoingBytes != null) perShard.outgoingBytes.increment(bytes);
  }

  // --- SubscribeToShard ---------------------------------------------------------------------------------

  public void subscribed(ConsumerDescriptor consumer) {
    consumer(consumer).subscribeSuccess.increment();
  }

  /** A subscription refused because the consumer has a live one on the shard: SubscribeToShard.RateExceeded. */
  public void subscribeRateExceeded(ConsumerDescriptor consumer) {
    consumer(consumer).subscribeRateExceeded.increment();
  }

  /** A SubscribeToShardEvent pushed to the consumer. */
  public void subscriptionEvent(StreamDescriptor stream, ShardDescriptor shard, ConsumerDescriptor consumer,
      int records, long bytes, long millisBehindLatest) {
    ConsumerMeters meters = consumer(consumer);
    meters.eventSuccess.increment();
    if (records > 0) {
      meters.eventRecords.increment(records);
      meters.eventBytes.increment(bytes);
    }
    meters.millisBehind(shard.shardId(), millisBehindLatest);
    outgoing(stream, shard, records, bytes);
  }

  private ConsumerMeters consumer(ConsumerDescriptor consumer) {
    ConsumerMeters meters = consumers.get(consumer.arn());
    if (meters != null) return meters;
    return consumers.computeIfAbsent(consumer.arn(), arn -> new ConsumerMeters(registry, tags, consumer.name(), arn));
  }

  // --- shard level and upkeep ---------------------------------------------------------------------------

  /** The shard's meters, or null when the stream has no enhanced monitoring on. */
  private ShardMeters shard(StreamDescriptor stream, ShardDescriptor shard) {
    ShardLevelSet enabled = shardLevel(stream);
    if (!enabled.any()) return null;
    ShardMeters meters = shards.get(shard.shardId());
    if (meters != null && meters.enabled.equals(enabled)) return meters;
    return shards.compute(shard.shardId(), (id, previous) -> {
      if (previous != null && previous.enabled.equals(enabled)) return previous;
      if (previous != null) previous.remove();
      return new ShardMeters(registry, tags, id, enabled, iteratorAges.computeIfAbsent(id, i -> new AtomicLong()));
    });
  }

  /** The stream's shard-level set; the list is compared by identity, so an unchanged descriptor costs nothing. */
  private ShardLevelSet shardLevel(StreamDescriptor stream) {
    List<String> source = stream.shardLevelMetrics();
    if (source != shardLevelSource) {
      shardLevel = ShardLevelSet.of(source);
      shardLevelSource = source;
    }
    return shardLevel;
  }

  /** Drops the meters of shards, consumers and shard-level metrics the stream no longer has. */
  void keepOnly(StreamDescriptor now) {
    ShardLevelSet enabled = shardLevel(now);
    Set<String> shardIds = now.shards().stream().map(ShardDescriptor::shardId).collect(Collectors.toSet());
    shards.forEach((id, meters) -> {
      if ((!shardIds.contains(id) || !meters.enabled.equals(enabled)) && shards.remove(id, meters)) meters.remove();
    });
    iteratorAges.keySet().retainAll(shardIds);
    Set<String> consumerArns = now.consumers().stream().map(ConsumerDescriptor::arn).collect(Collectors.toSet());
    consumers.forEach((arn, meters) -> {
      if (!consumerArns.contains(arn) && consumers.remove(arn, meters)) meters.remove();
    });
  }

  /** Removes every meter of the stream from the registry. */
  void remove() {
    registered.forEach(registry::remove);
    shards.values().forEach(ShardMeters::remove);
    consumers.values().forEach(ConsumerMeters::remove);
  }
}
