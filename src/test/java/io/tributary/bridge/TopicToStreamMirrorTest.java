package io.tributary.bridge;

import static io.tributary.bridge.MirrorFixture.assertExactlyOnceInOrder;
import static io.tributary.bridge.MirrorFixture.await;
import static io.tributary.bridge.MirrorFixture.count;
import static io.tributary.bridge.MirrorFixture.keys;
import static io.tributary.bridge.MirrorFixture.management;
import static io.tributary.bridge.MirrorFixture.produce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ChildServer;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Topic to stream against a real broker: several partitions into several shards with a split while
 * mirroring, and SIGKILLs of the server while mirroring; in both, every record reaches the stream exactly
 * once, in per-key order, routed by its Kafka key.
 */
class TopicToStreamMirrorTest {
  @RegisterExtension
  static final BridgeTestBed BED = BridgeTestBed.with(Map.of(), new NewTopic("t2s-split", 4, (short) 1), new NewTopic("t2s-crash", 3, (short) 1));

  @Test
  void mirrorsEveryPartitionInPerKeyOrderAcrossASplit() throws Exception {
    String stream = "t2s-split";
    BED.kinesis().createStream(b -> b.streamName(stream).shardCount(3));
    assertEquals(201, management(BED.server().managementPort(), "POST", "/mirrors", new JsonObject()
        .put("name", "t2s-split").put("direction", "TOPIC_TO_STREAM").put("stream", stream).put("topic", "t2s-split")).status());
    List<String> keys = keys("k", 60);
    produce(BED.broker().bootstrapServers(), "t2s-split", keys, 0, 50);
    await("half of the records in the stream", Duration.ofSeconds(30),
        () -> count(MirrorFixture.streamByKey(BED.kinesis(), stream)) >= keys.size() * 25);
    Shard first = BED.kinesis().listShards(b -> b.streamName(stream)).shards().get(0);
    BigInteger start = new BigInteger(first.hashKeyRange().startingHashKey());
    BigInteger end = new BigInteger(first.hashKeyRange().endingHashKey());
    BED.kinesis().splitShard(b -> b.streamName(stream).shardToSplit(first.shardId())
        .newStartingHashKey(start.add(end).shiftRight(1).toString()));
    produce(BED.broker().bootstrapServers(), "t2s-split", keys, 50, 50);

    int expected = keys.size() * 100;
    await("the stream to hold every record", Duration.ofSeconds(60),
        () -> count(MirrorFixture.streamByKey(BED.kinesis(), stream)) >= expected);
    Thread.sleep(300);  // a duplicate would show up after the last record
    Map<String, List<String>> byKey = MirrorFixture.streamByKey(BED.kinesis(), stream);
    assertEquals(expected, count(byKey), "records in the stream");
    assertExactlyOnceInOrder(byKey, keys, 100);
    assertEquals(5, BED.kinesis().listShards(b -> b.streamName(stream)).shards().size());

    JsonObject comparison = management(BED.server().managementPort(), "GET", "/mirrors/t2s-split/compare", null).body();
    assertEquals(true, comparison.getBoolean("match"), comparison.encodePrettily());
    assertEquals((long) expected, comparison.getJsonObject("topic").getLong("records"));
    JsonObject status = management(BED.server().managementPort(), "GET", "/mirrors/t2s-split", null).body();
    assertEquals((long) expected, status.getLong("recordsMirrored"));
    assertEquals(4, status.getJsonObject("positions").getJsonObject("settledOffsets").size());
  }

  /**
   * The state a crash leaves in the middle of an append: the journal names a batch of 100 records as in
   * flight and the stream holds its first 50. On start the mirror appends the other 50, and only them. The
   * journal is the file an earlier server kept, which the mirror moves to Kafka.
   */
  @Test
  void uncertainBatchIsReconciledAgainstWhatTheShardsHold(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    List<String> keys = keys("u", 5);
    String uid;
    try (TestServer first = TestServer.start(Map.of("data.dir", data.toString(), "mirrors.file", ""))) {
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_CBOR_H2C, first.endpoint());
      client.createStream(b -> b.streamName("uncertain").shardCount(1));
      MirrorFixture.putRecords(client, "uncertain", keys, 0, 10);
      uid = first.server().services().registry().find(new io.tributary.stream.StreamKey("000000000000", "us-east-1",
          "uncertain")).uid();
    }
    try (Admin admin = BED.broker().admin()) {
      admin.createTopics(List.of(new NewTopic("uncertain", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    produce(BED.broker().bootstrapServers(), "uncertain", keys, 0, 20);
    Files.createDirectories(data.resolve("mirrors"));
    Files.writeString(data.resolve("mirrors").resolve("uncertain.journal.json"), new JsonObject()
        .put("streamUid", uid).put("settled", new JsonObject())
        .put("inFlight", new JsonObject().put("next", new JsonObject().put("0", 100))
            .put("tips", new JsonObject().put("shardId-000000000000", 0))).encode());
    Path mirrors = dir.resolve("mirrors.json");
    Files.writeString(mirrors, new JsonArray().add(new JsonObject().put("name", "uncertain")
        .put("direction", "TOPIC_TO_STREAM").put("stream", "uncertain").put("topic", "uncertain")).encode());
    try (TestServer second = TestServer.start(Map.of("data.dir", data.toString(), "mirrors.file", mirrors.toString(),
        "kafka.bootstrap.servers", BED.broker().bootstrapServers()))) {
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_CBOR_H2C, second.endpoint());
      await("the settled journal", Duration.ofSeconds(30), () -> management(second.managementPort(), "GET",
          "/mirrors/uncertain", null).body().getJsonObject("positions").getJsonObject("settledOffsets").getLong("0", 0L) == 100);
      assertEquals(50L, management(second.managementPort(), "GET", "/mirrors/uncertain", null).body().getLong("recordsMirrored"),
          "only the records the stream lacked were appended");
      assertExactlyOnceInOrder(MirrorFixture.streamByKey(client, "uncertain"), keys, 20);
      assertTrue(!Files.exists(data.resolve("mirrors").resolve("uncertain.journal.json")), "the file moved to Kafka");
    }
  }

  @Test
  void sigkillWhileMirroringLosesAndDuplicatesNothing(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Map<String, String> environment = BED.childEnvironment(dir.resolve("mirrors.json"), "t2s-crash", "TOPIC_TO_STREAM",
        "crash", "t2s-crash", Map.of("TRIBUTARY_KAFKA_CLIENT_MAX_POLL_RECORDS", "200"));
    List<String> keys = keys("c", 40);
    int rounds = 3;
    int perRound = 150;
    for (int round = 0; round < rounds; round++) {
      ChildServer child = ChildServer.start(data, environment);
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_CBOR_H2C, child.endpoint());
      if (round == 0) client.createStream(b -> b.streamName("crash").shardCount(2));
      int before = count(MirrorFixture.streamByKey(client, "crash"));
      produce(BED.broker().bootstrapServers(), "t2s-crash", keys, round * perRound, perRound);
      // Killed as soon as the mirror has appended part of this round (batches of at most 200 records).
      int[] seen = {before};
      await("the mirror to append", Duration.ofSeconds(30), () -> (seen[0] = count(MirrorFixture.streamByKey(client, "crash"))) > before);
      child.kill();
      System.out.printf("round %d: killed after %d of %d records were seen in the stream%n", round, seen[0],
          keys.size() * (round + 1) * perRound);
    }
    ChildServer last = ChildServer.start(data, environment);
    try {
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_CBOR_H2C, last.endpoint());
      int expected = keys.size() * rounds * perRound;
      await("the stream to hold every record", Duration.ofSeconds(60),
          () -> count(MirrorFixture.streamByKey(client, "crash")) >= expected);
      Thread.sleep(500);  // a duplicate would show up after the last record
      Map<String, List<String>> byKey = MirrorFixture.streamByKey(client, "crash");
      assertEquals(expected, count(byKey), "records in the stream");
      assertExactlyOnceInOrder(byKey, keys, rounds * perRound);
      // The journal is in Kafka, where any node of a cluster finds it.
      assertTrue(MirrorFixture.readTopic(BED.broker().bootstrapServers(), "tributary-checkpoints.t2s-crash").stream()
          .anyMatch(record -> "journal".equals(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8))));
      assertTrue(!Files.exists(data.resolve("mirrors").resolve("t2s-crash.journal.json")));
    } finally {
      last.close();
    }
  }
}
