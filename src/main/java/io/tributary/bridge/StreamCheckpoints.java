package io.tributary.bridge;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The progress of a stream-to-topic mirror, kept in Kafka: one compacted topic per mirror
 * ({@code <kafka.checkpoint.topic.prefix><mirror>}, one partition) written by the mirror's transactional
 * producer in the same transaction as the records it mirrors, so the records and the checkpoint that covers
 * them commit together or not at all. Key: {@code <stream uid>/<shard id>}; value: JSON
 * {@code {"next": <offset of the next record to mirror>, "done": <every record of the closed shard mirrored>}}.
 */
final class StreamCheckpoints {
  /** One shard's progress. */
  record Checkpoint(long next, boolean done) { }

  static final Map<String, String> TOPIC_CONFIG = Map.of(
      "cleanup.policy", "compact",
      "segment.ms", "600000",
      "min.cleanable.dirty.ratio", "0.1");

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private StreamCheckpoints() { }

  static String topic(KafkaClientSettings kafka, String mirror) {
    return kafka.checkpointTopicPrefix() + mirror;
  }

  static ProducerRecord<byte[], byte[]> record(String topic, String streamUid, String shardId, Checkpoint checkpoint) {
    byte[] key = (streamUid + "/" + shardId).getBytes(StandardCharsets.UTF_8);
    byte[] value = new JsonObject().put("next", checkpoint.next()).put("done", checkpoint.done()).encode()
        .getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(topic, 0, key, value);
  }

  /**
   * The latest committed checkpoint of each shard of the stream, by shard id. Call after the producer's
   * initTransactions, which ends any transaction a previous instance left open, so the last stable offset
   * is the end of the partition. Blocking calls, on the bridge's pool.
   */
  static Future<Map<String, Checkpoint>> read(WorkerExecutor workers, KafkaClientSettings kafka, String topic, String streamUid) {
    String prefix = streamUid + "/";
    return latest(workers, kafka, topic, prefix).map(values -> {
      Map<String, Checkpoint> checkpoints = new HashMap<>();
      values.forEach((key, value) -> checkpoints.put(key.substring(prefix.length()),
          new Checkpoint(value.getLong("next"), value.getBoolean("done"))));
      return checkpoints;
    });
  }

  /**
   * The latest committed JSON value of each key of a one-partition topic that starts with the prefix (the
   * {@link TopicJournal} is kept the same way). Call after the producer's initTransactions, as above.
   */
  static Future<Map<String, JsonObject>> latest(WorkerExecutor workers, KafkaClientSettings kafka, String topic,
      String prefix) {
    return workers.executeBlocking(() -> {
      Map<String, JsonObject> values = new HashMap<>();
      TopicPartition partition = new TopicPartition(topic, 0);
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer(null))) {
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (consumer.position(partition) < end) {
          if (System.nanoTime() > deadline) {
            throw new org.apache.kafka.common.errors.TimeoutException("checkpoints of " + topic + " not read within " + READ_TIMEOUT);
          }
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (!key.startsWith(prefix) || record.value() == null) continue;
            values.put(key, new JsonObject(new String(record.value(), StandardCharsets.UTF_8)));
          }
        }
      }
      return values;
    }, false);
  }
}
