package io.tributary.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * What the bridge tests share: records named {@code <key>:<n>} (n counting up per key, so per-key order and
 * duplicates can be checked), writing and reading them on both sides with real clients, and the management API.
 */
final class MirrorFixture {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private MirrorFixture() { }

  /** Puts {@code perKey} records for each key, {@code <key>:<first>} to {@code <key>:<first + perKey - 1>}, 500 a call. */
  static void putRecords(KinesisClient kinesis, String stream, List<String> keys, int first, int perKey) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int n = first; n < first + perKey; n++) {
      for (String key : keys) {
        entries.add(PutRecordsRequestEntry.builder().partitionKey(key)
            .data(SdkBytes.fromUtf8String(key + ":" + n)).build());
        if (entries.size() == 500) {
          putAll(kinesis, stream, entries);
          entries.clear();
        }
      }
    }
    if (!entries.isEmpty()) putAll(kinesis, stream, entries);
  }

  private static void putAll(KinesisClient kinesis, String stream, List<PutRecordsRequestEntry> entries) {
    assertEquals(0, kinesis.putRecords(b -> b.streamName(stream).records(entries)).failedRecordCount());
  }

  /** Produces the same pattern of records to Kafka, keys as Kafka keys, and waits for the acknowledgements. */
  static void produce(String bootstrap, String topic, List<String> keys, int first, int perKey) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.LINGER_MS_CONFIG, 5))) {
      for (int n = first; n < first + perKey; n++) {
        for (String key : keys) {
          producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
              (key + ":" + n).getBytes(StandardCharsets.UTF_8)));
        }
      }
      producer.flush();
    }
  }

  /** Every committed record of the topic, by partition in offset order, as (key, value) text. */
  static List<ConsumerRecord<byte[], byte[]>> readTopic(String bootstrap, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
      Set<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) records.add(record);
      }
      records.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
          .thenComparingLong(ConsumerRecord::offset));
      return records;
    }
  }

  /**
   * The sum of the topic's last stable offsets: it grows with every committed transaction (records and
   * markers), which tells that a mirror is producing without reading the topic.
   */
  static long lastStableOffsets(String bootstrap, String topic) {
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < partitions; p++) latest.put(new TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
      return admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
          org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get().values().stream()
          .mapToLong(org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
    } catch (java.util.concurrent.ExecutionException e) {
      return 0;  // the mirror has not created the topic yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The data of every record of the topic, as text, per key in the topic's order. */
  static Map<String, List<String>> topicByKey(String bootstrap, String topic) {
    Map<String, List<String>> byKey = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : readTopic(bootstrap, topic)) {
      byKey.computeIfAbsent(new String(record.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
          .add(new String(record.value(), StandardCharsets.UTF_8));
    }
    return byKey;
  }

  /** Every record of every shard of the stream (parents before children), per key in the stream's order. */
  static Map<String, List<String>> streamByKey(KinesisClient kinesis, String stream) {
    Map<String, List<String>> byKey = new LinkedHashMap<>();
    List<Shard> shards = new ArrayList<>(kinesis.listShards(b -> b.streamName(stream)).shards());
    shards.sort(Comparator.comparing(Shard::shardId));  // ids count up, children after parents
    for (Shard shard : shards) {
      String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      while (iterator != null) {
        String current = iterator;
        GetRecordsResponse page = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
        for (Record record : page.records()) {
          byKey.computeIfAbsent(record.partitionKey(), k -> new ArrayList<>()).add(record.data().asUtf8String());
        }
        if (page.records().isEmpty() && (page.millisBehindLatest() == 0 || page.nextShardIterator() == null)) break;
        iterator = page.nextShardIterator();
      }
    }
    return byKey;
  }

  static int count(Map<String, List<String>> byKey) {
    return byKey.values().stream().mapToInt(List::size).sum();
  }

  /**
   * Asserts that every key holds exactly {@code <key>:0} to {@code <key>:<perKey - 1>}, in that order: nothing
   * missing, nothing twice, per-key order kept.
   */
  static void assertExactlyOnceInOrder(Map<String, List<String>> byKey, List<String> keys, int perKey) {
    assertEquals(Set.copyOf(keys), byKey.keySet(), "keys");
    for (String key : keys) {
      List<String> expected = new ArrayList<>();
      for (int n = 0; n < perKey; n++) expected.add(key + ":" + n);
      List<String> actual = byKey.get(key);
      if (!expected.equals(actual)) {
        Map<String, Integer> seen = new HashMap<>();
        for (String value : actual) seen.merge(value, 1, Integer::sum);
        long duplicated = seen.values().stream().filter(c -> c > 1).count();
        long missing = expected.stream().filter(v -> !seen.containsKey(v)).count();
        throw new AssertionError("key " + key + ": " + actual.size() + " records, " + missing + " missing, "
            + duplicated + " duplicated, in order: " + actual.equals(actual.stream().sorted(
                Comparator.comparingInt(v -> Integer.parseInt(v.substring(v.indexOf(':') + 1)))).toList()));
      }
    }
  }

  static List<String> keys(String prefix, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) keys.add(prefix + i);
    return keys;
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(100);
    }
  }

  /** A management call: the status code and the JSON body. */
  record Answer(int status, JsonObject body) { }

  static Answer management(int port, String method, String path, JsonObject body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(120))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body().isEmpty() ? null : new JsonObject(response.body()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String metrics(int port) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
