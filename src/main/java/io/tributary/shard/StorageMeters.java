package io.tributary.shard;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tributary.log.FileShardLog;
import io.tributary.stream.StreamDescriptor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What durable storage holds and costs: {@code tributary_storage_fsync_seconds} (every fsync of a segment
 * file, server-wide: one disk), and per stream {@code tributary_storage_bytes} (record batches in its
 * segment files) and {@code tributary_storage_segments} (segment files), summed over the open logs of the
 * stream's shards. A stream's gauges go when its logs are deleted.
 */
final class StorageMeters {
  private static final Duration[] FSYNC_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
      Duration.ofSeconds(10)};

  /** The open logs of one stream incarnation, by shard id, and the gauges that sum them. */
  private record StreamLogs(Map<String, FileShardLog> logs, List<Meter> gauges) { }

  private final MeterRegistry registry;
  private final Map<String, StreamLogs> streams = new ConcurrentHashMap<>();

  StorageMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  Timer fsyncTimer() {
    return Timer.builder("tributary.storage.fsync").description("fsync of a shard log's segment file")
        .serviceLevelObjectives(FSYNC_BUCKETS).register(registry);
  }

  void opened(StreamDescriptor stream, String shardId, FileShardLog log) {
    streams.computeIfAbsent(stream.uid(), uid -> {
      Map<String, FileShardLog> logs = new ConcurrentHashMap<>();
      Tags tags = Tags.of("account", stream.key().account(), "region", stream.key().region(), "stream", stream.name());
      return new StreamLogs(logs, List.of(
          Gauge.builder("tributary.storage.bytes", logs, StorageMeters::bytes)
              .description("Bytes of record batches in the stream's segment files").tags(tags)
              .strongReference(true).register(registry),
          Gauge.builder("tributary.storage.segments", logs, StorageMeters::segments)
              .description("Segment files of the stream's shard logs").tags(tags)
              .strongReference(true).register(registry)));
    }).logs().put(shardId, log);
  }

  void shardDeleted(String streamUid, String shardId) {
    StreamLogs kept = streams.get(streamUid);
    if (kept != null) kept.logs().remove(shardId);
  }

  void streamDeleted(String streamUid) {
    StreamLogs kept = streams.remove(streamUid);
    if (kept != null) kept.gauges().forEach(registry::remove);
  }

  private static double bytes(Map<String, FileShardLog> logs) {
    long bytes = 0;
    for (FileShardLog log : logs.values()) bytes += log.segmentBytes();
    return bytes;
  }

  private static double segments(Map<String, FileShardLog> logs) {
    long count = 0;
    for (FileShardLog log : logs.values()) count += log.segmentCount();
    return count;
  }
}
