package io.tributary.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.common.util.concurrent.ListenableFuture;
import io.tributary.support.ApiTest;
import io.tributary.support.KclConsumer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.kinesis.producer.Attempt;
import software.amazon.kinesis.producer.KinesisProducer;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;
import software.amazon.kinesis.producer.UserRecordFailedException;
import software.amazon.kinesis.producer.UserRecordResult;

/**
 * The Kinesis Producer Library 1.1.x (its native daemon, which always speaks TLS and HTTP/1.1 JSON) writes
 * aggregated user records with many partition keys to a four-shard stream through the TLS port; then the KCL
 * reads the stream back and de-aggregates. Every user record must arrive exactly once: the KCL drops user records
 * whose hash key is outside its shard's range, so this holds only if the server routes each aggregate by its
 * ExplicitHashKey. A plain GetRecords shows what is stored: KPL aggregates, sent with partition key "a", apart
 * from the first user record (put alone and awaited so that the KPL's shard map is ready for the rest) and the
 * odd record a buffer flush finds alone.
 */
class KplTest extends ApiTest {
  private static final int SHARDS = 4;
  private static final int USER_RECORDS = 400;
  private static final byte[] KPL_MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aggregatedUserRecordsArriveOnceThroughTheKcl() throws Exception {
    String stream = createStream("kpl", SHARDS);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < USER_RECORDS; i++) expected.add(stream + "/user-record/" + i);

    long started = System.nanoTime();
    Map<String, Integer> userRecordsByShard = produce(stream, expected);
    System.out.printf("kpl: %d user records put in %d ms; by shard %s%n", USER_RECORDS,
        (System.nanoTime() - started) / 1_000_000, userRecordsByShard);
    assertEquals(SHARDS, userRecordsByShard.size(), "the KPL spread its user records over every shard");

    // What the server stored: aggregates (magic bytes first) under the partition key the KPL gives them.
    Map<String, Integer> stored = new TreeMap<>();
    for (Shard shard : setup().listShards(b -> b.streamName(stream)).shards()) {
      String iterator = iterator(setup(), stream, shard.shardId(), ShardIteratorType.TRIM_HORIZON);
      for (Record record : setup().getRecords(b -> b.shardIterator(iterator).limit(10_000)).records()) {
        byte[] data = record.data().asByteArray();
        boolean aggregate = data.length > 4 && Arrays.equals(KPL_MAGIC, Arrays.copyOf(data, 4));
        String key = aggregate ? "aggregate, partition key " + record.partitionKey()
            : "plain, data " + new String(data, StandardCharsets.UTF_8);
        stored.merge(key, 1, Integer::sum);
      }
    }
    System.out.printf("kpl: stored records %s%n", stored);
    // The first user record goes alone (put before the KPL's shard map is ready); after it the KPL sends a
    // record plain only when a buffer flushes holding just that one record, which timing decides.
    int plain = 0;
    for (Map.Entry<String, Integer> entry : stored.entrySet()) {
      if (entry.getKey().startsWith("plain, data ")) {
        assertTrue(expected.contains(entry.getKey().substring("plain, data ".length())) && entry.getValue() == 1,
            "a plain record is one user record, stored once: " + entry);
        plain++;
      } else {
        assertEquals("aggregate, partition key a", entry.getKey(), "aggregates carry the KPL's partition key");
      }
    }
    assertTrue(stored.containsKey("plain, data " + expected.get(0)), "the first user record alone: " + stored);
    int aggregates = stored.getOrDefault("aggregate, partition key a", 0);
    assertTrue(plain <= USER_RECORDS / 20 && aggregates >= SHARDS && aggregates <= (USER_RECORDS - plain) / 2,
        "the user records were aggregated, at least one aggregate per shard: " + aggregates + " aggregates, "
        + plain + " plain records");
    try (KclConsumer kcl = KclConsumer.start(server().endpoint(), stream, true)) {
      KclConsumer.Collected collected = kcl.collected;
      kcl.await("every KPL user record (de-aggregated)", () -> collected.records.keySet().containsAll(expected));
      // Let anything processed twice show up before counting.
      Thread.sleep(1500);
      System.out.printf("kpl: KCL processed all %d user records after %d ms%n", USER_RECORDS, kcl.elapsedMillis());
      assertEquals(Map.of(), collected.duplicates(), "user records processed more than once");
      assertEquals(new TreeSet<>(expected), new TreeSet<>(collected.records.keySet()),
          "the user records processed are exactly the user records written");
      assertTrue(collected.errors.isEmpty(), "record processor errors: " + collected.errors);
      assertEquals(SHARDS, collected.shardsWithRecords.size(),
          "user records came from every shard: " + collected.shardsWithRecords);
    }
  }

  /** Puts every value with its own partition key through the KPL; returns user records per shard. */
  private static Map<String, Integer> produce(String stream, List<String> values) throws Exception {
    KinesisProducerConfiguration config = new KinesisProducerConfiguration()
        .setRegion("us-east-1")
        .setCredentialsProvider(KclConsumer.credentials())
        .setMetricsCredentialsProvider(KclConsumer.credentials())
        .setKinesisEndpoint("127.0.0.1")
        .setKinesisPort(server().tlsPort())
        .setVerifyCertificate(false)
        .setMetricsLevel("none")
        // Never called with metrics off; pointed at a closed port all the same.
        .setCloudwatchEndpoint("127.0.0.1")
        .setCloudwatchPort(9)
        .setAggregationEnabled(true)
        .setRecordMaxBufferedTime(100)
        .setRequestTimeout(10_000)
        .setLogLevel("warning");
    KinesisProducer producer = new KinesisProducer(config);
    try {
      Map<String, ListenableFuture<UserRecordResult>> futures = new LinkedHashMap<>();
      // The KPL aggregates only once its shard map (ListShards) is ready and sends what comes before one by one:
      // the first user record goes alone, and the rest follow once it has been put.
      futures.put(values.get(0), producer.addUserRecord(stream, "partition-key-0",
          ByteBuffer.wrap(values.get(0).getBytes(StandardCharsets.UTF_8))));
      try {
        futures.get(values.get(0)).get(30, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        fail("the KPL did not put its first user record within 30 s");
      }
      for (int i = 1; i < values.size(); i++) {
        String value = values.get(i);
        futures.put(value, producer.addUserRecord(stream, "partition-key-" + i,
            ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8))));
      }
      producer.flush();
      Map<String, Integer> byShard = new TreeMap<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (Map.Entry<String, ListenableFuture<UserRecordResult>> entry : futures.entrySet()) {
        UserRecordResult result;
        try {
          result = entry.getValue().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          fail("the KPL did not complete user record " + entry.getKey() + " within 60 s; "
              + producer.getOutstandingRecordsCount() + " records outstanding");
          return byShard;
        } catch (ExecutionException e) {
          String attempts = e.getCause() instanceof UserRecordFailedException failed
              ? describe(failed.getResult().getAttempts()) : String.valueOf(e.getCause());
          fail("the KPL failed user record " + entry.getKey() + ": " + attempts);
          return byShard;
        }
        assertTrue(result.isSuccessful(), "user record " + entry.getKey() + ": " + describe(result.getAttempts()));
        byShard.merge(result.getShardId(), 1, Integer::sum);
      }
      return byShard;
    } finally {
      producer.destroy();
    }
  }

  private static String describe(List<Attempt> attempts) {
    List<String> described = new ArrayList<>();
    for (Attempt attempt : attempts) {
      described.add(attempt.isSuccessful() ? "ok" : attempt.getErrorCode() + ": " + attempt.getErrorMessage());
    }
    return described.toString();
  }
}
