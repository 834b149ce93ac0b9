package io.tributary.bridge;

import io.tributary.Services;
import io.tributary.shard.ShardRecord;
import io.tributary.shard.ShardRequest.Position;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a mirror's stream (every shard from its trim horizon, parents before children) and its topic
 * (every partition from the beginning, committed records only) in full and compares them key by key: the
 * records of one key must be the same data in the same order on both sides. The mirror's source side may
 * be ahead (records not mirrored yet are its lag); anything else that differs is a mismatch.
 *
 * <p>Records are compared by a 64-bit fingerprint of their data (the first 8 bytes of its MD5), so memory
 * grows by about 40 bytes a record; both sides are held at once.
 */
final class StreamTopicComparison {
  private static final int OUT_OF_ORDER_KEYS_SHOWN = 10;

  /** One record: its data's fingerprint and when it was written (arrival, or the Kafka timestamp). */
  private record Entry(long fingerprint, long timestamp) { }

  /** One side: records per key in order, with its count and time span. */
  private static final class Side {
    final Map<String, List<Entry>> byKey = new HashMap<>();
    long records;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;

    void add(String key, byte[] data, long timestamp) {
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new Entry(fingerprint(data), timestamp));
      records++;
      first = Math.min(first, timestamp);
      last = Math.max(last, timestamp);
    }

    JsonObject summary() {
      long span = records > 1 ? last - first : 0;
      return new JsonObject()
          .put("records", records)
          .put("firstTimestamp", records > 0 ? first : null)
          .put("lastTimestamp", records > 0 ? last : null)
          .put("recordsPerSecond", span > 0 ? Math.round(records * 1000.0 / span) : null);
    }
  }

  private StreamTopicComparison() { }

  static Future<JsonObject> compare(Services services, KafkaClientSettings kafka, MirrorDefinition definition,
      JsonObject mirrorStatus) {
    StreamDescriptor stream = services.registry().find(definition.stream());
    if (stream == null) {
      return Future.failedFuture(new BridgeVerticle.MirrorRequestException(404, "stream " + definition.stream().name() + " does not exist"));
    }
    Side streamSide = new Side();
    Future<Void> read = Future.succeededFuture();
    List<ShardDescriptor> shards = new ArrayList<>(stream.shards());
    shards.sort(Comparator.comparingInt(ShardDescriptor::index));  // children have higher indexes than parents
    for (ShardDescriptor shard : shards) {
      read = read.compose(v -> services.shards().locate(stream, shard, Position.TRIM_HORIZON, 0))
          .compose(start -> readShard(services, stream, shard, start, streamSide));
    }
    return read.compose(v -> services.pools().bridge().executeBlocking(() -> readTopic(kafka, definition), false))
        .map(topicSide -> report(definition, streamSide, topicSide, mirrorStatus));
  }

  private static Future<Void> readShard(Services services, StreamDescriptor stream, ShardDescriptor shard, long from, Side side) {
    return services.shards().read(stream, shard, from, 10_000, 8L * 1024 * 1024).compose(page -> {
      for (ShardRecord record : page.records()) side.add(record.partitionKey(), record.data(), record.arrivalMillis());
      return page.records().isEmpty() || page.nextOffset() >= page.endOffset()
          ? Future.succeededFuture() : readShard(services, stream, shard, page.nextOffset(), side);
    });
  }

  /** Blocking: on a worker. */
  private static Side readTopic(KafkaClientSettings kafka, MirrorDefinition definition) {
    Side side = new Side();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer(null))) {
      Set<TopicPartition> partitions = consumer.partitionsFor(definition.topic(), Duration.ofSeconds(10)).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).collect(Collectors.toSet());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("topic " + definition.topic() + " not read in time");
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() >= ends.get(new TopicPartition(record.topic(), record.partition()))) continue;
          String key = record.key() == null || record.key().length == 0
              ? (definition.direction() == MirrorDefinition.Direction.TOPIC_TO_STREAM ? definition.nullKeyPartitionKey() : "")
              : new String(record.key(), StandardCharsets.UTF_8);
          side.add(key, record.value() == null ? new byte[0] : record.value(), record.timestamp());
        }
      }
    }
    return side;
  }

  private static JsonObject report(MirrorDefinition definition, Side stream, Side topic, JsonObject mirrorStatus) {
    boolean fromStream = definition.direction() == MirrorDefinition.Direction.STREAM_TO_TOPIC;
    Side source = fromStream ? stream : topic;
    Side target = fromStream ? topic : stream;
    long missing = 0;
    long extra = 0;
    long oldestMissing = Long.MAX_VALUE;
    int outOfOrder = 0;
    JsonArray outOfOrderKeys = new JsonArray();
    Set<String> keys = new java.util.HashSet<>(source.byKey.keySet());
    keys.addAll(target.byKey.keySet());
    for (String key : keys) {
      List<Entry> from = source.byKey.getOrDefault(key, List.of());
      List<Entry> to = target.byKey.getOrDefault(key, List.of());
      List<Entry> sourceCommon = common(from, to);
      List<Entry> targetCommon = common(to, from);
      missing += from.size() - sourceCommon.size();
      extra += to.size() - targetCommon.size();
      for (Entry entry : notIn(from, to)) oldestMissing = Math.min(oldestMissing, entry.timestamp());
      boolean sameOrder = sourceCommon.size() == targetCommon.size();
      for (int i = 0; sameOrder && i < sourceCommon.size(); i++) {
        sameOrder = sourceCommon.get(i).fingerprint() == targetCommon.get(i).fingerprint();
      }
      if (!sameOrder) {
        outOfOrder++;
        if (outOfOrderKeys.size() < OUT_OF_ORDER_KEYS_SHOWN) outOfOrderKeys.add(key);
      }
    }
    return new JsonObject()
        .put("mirror", definition.name())
        .put("direction", definition.direction().name())
        .put("match", missing == 0 && extra == 0 && outOfOrder == 0)
        .put("keys", keys.size())
        .put("keysOutOfOrder", outOfOrder)
        .put("outOfOrderKeys", outOfOrderKeys)
        .put("missing", missing)
        .put("extra", extra)
        .put("lagRecords", missing)
        .put("lagMillis", missing == 0 ? 0 : Math.max(0, source.last - oldestMissing))
        .put("mirrorLagRecords", mirrorStatus.getLong("lagRecords"))
        .put("mirrorLagMillis", mirrorStatus.getLong("lagMillis"))
        .put("stream", stream.summary())
        .put("topic", topic.summary());
  }

  /** The entries of {@code list} that {@code other} also holds (as many times as it holds them), in order. */
  private static List<Entry> common(List<Entry> list, List<Entry> other) {
    Map<Long, Integer> available = counts(other);
    List<Entry> common = new ArrayList<>();
    for (Entry entry : list) {
      if (available.merge(entry.fingerprint(), -1, Integer::sum) >= 0) common.add(entry);
    }
    return common;
  }

  private static List<Entry> notIn(List<Entry> list, List<Entry> other) {
    Map<Long, Integer> available = counts(other);
    List<Entry> rest = new ArrayList<>();
    for (Entry entry : list) {
      if (available.merge(entry.fingerprint(), -1, Integer::sum) < 0) rest.add(entry);
    }
    return rest;
  }

  private static Map<Long, Integer> counts(List<Entry> entries) {
    Map<Long, Integer> counts = new HashMap<>();
    for (Entry entry : entries) counts.merge(entry.fingerprint(), 1, Integer::sum);
    return counts;
  }

  private static long fingerprint(byte[] data) {
    try {
      return ByteBuffer.wrap(MessageDigest.getInstance("MD5").digest(data)).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
