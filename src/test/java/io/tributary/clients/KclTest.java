package io.tributary.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ApiTest;
import io.tributary.support.KclConsumer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The Kinesis Client Library 3.x end to end against the server: a Scheduler (leases in an embedded DynamoDB
 * Local, no CloudWatch calls; see {@link KclConsumer}) consumes a two-shard stream over h2c while records are
 * written before and during consumption and one shard is split mid-way. Every record must be processed exactly
 * once, the parent shard must reach its end, and the lease table must hold the checkpoints. Once with polling
 * (GetRecords), once with enhanced fan-out (RegisterStreamConsumer + SubscribeToShard).
 */
class KclTest extends ApiTest {
  private static final String PARENT = "shardId-000000000000";

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void pollingConsumesEveryRecordOnceAcrossASplit() throws Exception {
    consumeAcrossSplit("kcl-poll", true);
  }

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void enhancedFanOutConsumesEveryRecordOnceAcrossASplit() throws Exception {
    consumeAcrossSplit("kcl-efo", false);
  }

  private void consumeAcrossSplit(String prefix, boolean polling) throws Exception {
    String stream = createStream(prefix, 2);
    Set<String> expected = ConcurrentHashMap.newKeySet();

    // Before the Scheduler starts: it must read these from TRIM_HORIZON.
    expected.addAll(putBatch(stream, "before", 40));

    try (KclConsumer kcl = KclConsumer.start(server().endpoint(), stream, polling)) {
      KclConsumer.Collected collected = kcl.collected;
      kcl.await("the first records written before the Scheduler started", () -> collected.distinct() >= 40);
      System.out.printf("%s: first 40 records after %d ms%n", prefix, kcl.elapsedMillis());

      // While it consumes.
      expected.addAll(putBatch(stream, "during", 40));
      kcl.await("the records written during consumption", () -> collected.distinct() >= 80);

      // Split the first shard in the middle of its hash key range, then write to parent's children and shard 1.
      Shard parent = setup().listShards(b -> b.streamName(stream)).shards().stream()
          .filter(s -> s.shardId().equals(PARENT)).findFirst().orElseThrow();
      BigInteger low = new BigInteger(parent.hashKeyRange().startingHashKey());
      BigInteger high = new BigInteger(parent.hashKeyRange().endingHashKey());
      String middle = low.add(high).shiftRight(1).toString();
      setup().splitShard(b -> b.streamName(stream).shardToSplit(PARENT).newStartingHashKey(middle));
      awaitActive(setup(), stream);
      expected.addAll(putBatch(stream, "after-split", 60));

      kcl.await("every record, and the end of the split shard " + PARENT,
          () -> collected.records.keySet().containsAll(expected) && collected.shardsEnded.contains(PARENT));
      // Let anything processed twice show up before counting.
      Thread.sleep(1500);
      System.out.printf("%s: all %d records after %d ms%n", prefix, expected.size(), kcl.elapsedMillis());

      assertEquals(Map.of(), collected.duplicates(), "records processed more than once");
      assertEquals(new TreeSet<>(expected), new TreeSet<>(collected.records.keySet()),
          "the records processed are exactly the records written");
      assertTrue(collected.errors.isEmpty(), "record processor errors: " + collected.errors);

      // The lease table holds the checkpoints: SHARD_END for the parent, a sequence number for shards that had records.
      Map<String, String> checkpoints = kcl.checkpoints();
      assertEquals("SHARD_END", checkpoints.get(PARENT), "parent's checkpoint; lease table: " + checkpoints);
      for (String shardId : collected.shardsWithRecords) {
        if (shardId.equals(PARENT)) continue;
        String checkpoint = checkpoints.get(shardId);
        assertTrue(checkpoint != null && checkpoint.matches("\\d+"),
            "shard " + shardId + " has a sequence-number checkpoint; lease table: " + checkpoints);
      }
      // The records came the way the test meant: GetRecords polling, or SubscribeToShard pushes to a registered consumer.
      Map<String, ?> calls = new TreeMap<>(kcl.calls);
      System.out.printf("%s: Kinesis calls by the KCL: %s%n", prefix, calls);
      if (polling) {
        assertTrue(kcl.count("GetRecords") > 0, "polling reads with GetRecords: " + calls);
        assertEquals(0, kcl.count("SubscribeToShard"), "polling does not subscribe: " + calls);
      } else {
        assertTrue(kcl.count("SubscribeToShard") >= 3,
            "enhanced fan-out subscribes to the parent, the other shard and a child: " + calls);
        assertTrue(kcl.count("RegisterStreamConsumer") + kcl.count("DescribeStreamConsumer") > 0,
            "enhanced fan-out registers its consumer: " + calls);
        assertEquals(List.of(kcl.application), setup().listStreamConsumers(b -> b.streamARN(streamArn(stream)))
            .consumers().stream().map(c -> c.consumerName()).toList(), "the consumer the KCL registered");
      }
      assertTrue(collected.shardsWithRecords.size() >= 3,
          "records came from the parent, the other shard and at least one child: " + collected.shardsWithRecords);
    }
  }

  private static List<String> putBatch(String stream, String phase, int count) {
    List<String> data = new ArrayList<>();
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String value = stream + "/" + phase + "/" + i;
      data.add(value);
      entries.add(PutRecordsRequestEntry.builder().partitionKey("pk-" + phase + "-" + i)
          .data(SdkBytes.fromUtf8String(value)).build());
    }
    var response = setup().putRecords(b -> b.streamName(stream).records(entries));
    assertEquals(0, response.failedRecordCount(), "PutRecords failures");
    return data;
  }
}
