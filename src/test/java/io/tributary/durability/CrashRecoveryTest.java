package io.tributary.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ChildServer;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Kills the real server with SIGKILL while producers write, several times over, and checks after each
 * restart that every record whose put was acknowledged is there, once, in order, with the sequence
 * number it was acknowledged with, and that sequence numbers keep increasing across the crashes.
 */
class CrashRecoveryTest {
  private static final int ROUNDS = 3;
  private static final int PRODUCERS = 4;
  private static final String STREAM = "crash";

  /** Acknowledged records: data → the sequence number the put was answered with. */
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();

  @Test
  void acknowledgedRecordsSurviveSigkill(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Random random = new Random(20261122);
    Map<String, BigInteger> lastSequencePerShard = new HashMap<>();
    for (int round = 0; round < ROUNDS; round++) {
      ChildServer server = ChildServer.start(data, Map.of("TRIBUTARY_FSYNC", "always"));
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_CBOR_H2C, server.endpoint());
      if (round == 0) client.createStream(b -> b.streamName(STREAM).shardCount(4));

      verifyEverythingAcknowledgedIsThere(client, lastSequencePerShard);

      AtomicBoolean running = new AtomicBoolean(true);
      ExecutorService producers = Executors.newFixedThreadPool(PRODUCERS);
      for (int p = 0; p < PRODUCERS; p++) {
        String producer = "r" + round + "p" + p;
        producers.submit(() -> produce(client, producer, running));
      }
      Thread.sleep(700 + random.nextInt(1300));
      server.kill();
      running.set(false);
      producers.shutdown();
      assertTrue(producers.awaitTermination(60, TimeUnit.SECONDS));
    }
    ChildServer last = ChildServer.start(data, Map.of());
    try {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_JSON_HTTP1, last.endpoint());
      verifyEverythingAcknowledgedIsThere(client, lastSequencePerShard);
      assertTrue(acknowledged.size() > 1000, "enough acknowledged records to mean something: " + acknowledged.size());
      System.out.printf("%d acknowledged records all present after %d SIGKILLs%n", acknowledged.size(), ROUNDS);
    } finally {
      last.close();
    }
  }

  private void produce(KinesisClient client, String producer, AtomicBoolean running) {
    int counter = 0;
    while (running.get()) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        entries.add(PutRecordsRequestEntry.builder().partitionKey(producer + "-" + (counter % 8))
            .data(SdkBytes.fromUtf8String(producer + "/" + counter++)).build());
      }
      try {
        PutRecordsResponse response = client.putRecords(b -> b.streamName(STREAM).records(entries));
        for (int i = 0; i < entries.size(); i++) {
          PutRecordsResultEntry result = response.records().get(i);
          if (result.errorCode() == null) acknowledged.put(entries.get(i).data().asUtf8String(), result.sequenceNumber());
        }
      } catch (RuntimeException crashed) {
        return;  // the server is gone; nothing of this call was acknowledged
      }
    }
  }

  private void verifyEverythingAcknowledgedIsThere(KinesisClient client, Map<String, BigInteger> lastSequencePerShard) {
    Map<String, String> found = new HashMap<>();
    for (Shard shard : client.listShards(b -> b.streamName(STREAM)).shards()) {
      String iterator = client.getShardIterator(b -> b.streamName(STREAM).shardId(shard.shardId())
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      BigInteger previous = BigInteger.ZERO;
      while (true) {
        String current = iterator;
        GetRecordsResponse page = client.getRecords(b -> b.shardIterator(current));
        for (Record record : page.records()) {
          BigInteger sequence = new BigInteger(record.sequenceNumber());
          assertTrue(sequence.compareTo(previous) > 0, "sequence numbers increase in " + shard.shardId());
          previous = sequence;
          String previousCopy = found.put(record.data().asUtf8String(), record.sequenceNumber());
          assertEquals(null, previousCopy, "record stored twice: " + record.data().asUtf8String());
        }
        iterator = page.nextShardIterator();
        if (page.records().isEmpty()) break;
      }
      BigInteger before = lastSequencePerShard.get(shard.shardId());
      assertTrue(before == null || previous.compareTo(before) >= 0, "no acknowledged tail lost in " + shard.shardId());
      lastSequencePerShard.put(shard.shardId(), previous);
    }
    for (Map.Entry<String, String> record : acknowledged.entrySet()) {
      assertEquals(record.getValue(), found.get(record.getKey()), "acknowledged record " + record.getKey());
    }
  }
}
