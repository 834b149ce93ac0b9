package io.tributary.bridge;

import static io.tributary.bridge.MirrorFixture.assertExactlyOnceInOrder;
import static io.tributary.bridge.MirrorFixture.await;
import static io.tributary.bridge.MirrorFixture.count;
import static io.tributary.bridge.MirrorFixture.keys;
import static io.tributary.bridge.MirrorFixture.management;
import static io.tributary.bridge.MirrorFixture.putRecords;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.shard.SequenceNumber;
import io.tributary.support.ChildServer;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Stream to topic against a real broker: several shards into several partitions with a split while
 * mirroring, and a SIGKILL of the server while mirroring; in both, every record reaches the topic exactly
 * once (read_committed), in per-key order, with its sequence number, shard and arrival in headers.
 */
class StreamToTopicMirrorTest {
  @RegisterExtension
  static final BridgeTestBed BED = BridgeTestBed.with(Map.of());

  @Test
  void mirrorsEveryShardInPerKeyOrderAcrossASplit() throws Exception {
    String stream = "s2t-split";
    BED.kinesis().createStream(b -> b.streamName(stream).shardCount(3));
    JsonObject created = management(BED.server().managementPort(), "POST", "/mirrors", new JsonObject()
        .put("name", "s2t-split").put("direction", "STREAM_TO_TOPIC").put("stream", stream).put("topic", "s2t-split")
        .put("partitions", 4)).body();
    assertEquals("STREAM_TO_TOPIC", created.getString("direction"));
    List<String> keys = keys("k", 60);
    putRecords(BED.kinesis(), stream, keys, 0, 50);
    Shard first = BED.kinesis().listShards(b -> b.streamName(stream)).shards().get(0);
    BigInteger start = new BigInteger(first.hashKeyRange().startingHashKey());
    BigInteger end = new BigInteger(first.hashKeyRange().endingHashKey());
    BED.kinesis().splitShard(b -> b.streamName(stream).shardToSplit(first.shardId())
        .newStartingHashKey(start.add(end).shiftRight(1).toString()));
    putRecords(BED.kinesis(), stream, keys, 50, 50);

    int expected = keys.size() * 100;
    await("the topic to hold every record", Duration.ofSeconds(60),
        () -> MirrorFixture.readTopic(BED.broker().bootstrapServers(), "s2t-split").size() >= expected);
    List<ConsumerRecord<byte[], byte[]>> records = MirrorFixture.readTopic(BED.broker().bootstrapServers(), "s2t-split");
    assertEquals(expected, records.size(), "records in the topic");
    assertExactlyOnceInOrder(MirrorFixture.topicByKey(BED.broker().bootstrapServers(), "s2t-split"), keys, 100);

    Set<Integer> partitions = new HashSet<>();
    Set<String> shards = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      partitions.add(record.partition());
      String shardId = header(record, StreamToTopicMirror.SHARD_HEADER);
      shards.add(shardId);
      SequenceNumber.Fields fields = SequenceNumber.parse(header(record, StreamToTopicMirror.SEQUENCE_HEADER));
      assertNotNull(fields);
      assertEquals(Integer.parseInt(shardId.substring("shardId-".length())), fields.shardIndex());
      // A sequence number bears its record's arrival, or its shard's creation when later: a split's children
      // are stamped a second after it is asked for.
      long arrivalSeconds = Long.parseLong(header(record, StreamToTopicMirror.ARRIVAL_HEADER)) / 1000;
      assertTrue(fields.arrivalSeconds() - arrivalSeconds >= 0 && fields.arrivalSeconds() - arrivalSeconds <= 1,
          fields.arrivalSeconds() + " for a record that arrived at " + arrivalSeconds);
    }
    assertEquals(4, partitions.size(), "records spread over the 4 partitions");
    assertEquals(5, shards.size(), "records from the 3 shards and the 2 children of the split");

    JsonObject comparison = management(BED.server().managementPort(), "GET", "/mirrors/s2t-split/compare", null).body();
    assertEquals(true, comparison.getBoolean("match"), comparison.encodePrettily());
    assertEquals(0L, comparison.getLong("missing"));
    assertEquals(0L, comparison.getLong("extra"));
    assertEquals((long) expected, comparison.getJsonObject("stream").getLong("records"));
    assertEquals((long) expected, comparison.getJsonObject("topic").getLong("records"));

    JsonObject status = management(BED.server().managementPort(), "GET", "/mirrors/s2t-split", null).body();
    assertEquals((long) expected, status.getLong("recordsMirrored"));
    assertTrue(status.getBoolean("healthy"));
    String metrics = MirrorFixture.metrics(BED.server().managementPort());
    assertTrue(metrics.contains("tributary_mirror_records_total{direction=\"STREAM_TO_TOPIC\",mirror=\"s2t-split\"} " + expected + ".0"),
        metrics);
  }

  @Test
  void sigkillWhileMirroringLosesAndDuplicatesNothing(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Map<String, String> environment = BED.childEnvironment(dir.resolve("mirrors.json"), "s2t-crash", "STREAM_TO_TOPIC",
        "crash", "s2t-crash", Map.of("TRIBUTARY_MIRROR_BATCH_RECORDS", "500"));
    List<String> keys = keys("c", 40);
    int rounds = 3;
    int perRound = 100;
    for (int round = 0; round < rounds; round++) {
      ChildServer child = ChildServer.start(data, environment);
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_CBOR_H2C, child.endpoint());
      if (round == 0) client.createStream(b -> b.streamName("crash").shardCount(2));
      long before = MirrorFixture.lastStableOffsets(BED.broker().bootstrapServers(), "s2t-crash");
      putRecords(client, "crash", keys, round * perRound, perRound);
      // Killed as soon as the mirror has committed a transaction of this round: while it still produces.
      await("the mirror to produce", Duration.ofSeconds(30),
          () -> MirrorFixture.lastStableOffsets(BED.broker().bootstrapServers(), "s2t-crash") > before);
      child.kill();
      System.out.printf("round %d: killed with %d of %d records in the topic%n", round,
          MirrorFixture.readTopic(BED.broker().bootstrapServers(), "s2t-crash").size(), keys.size() * (round + 1) * perRound);
    }
    ChildServer last = ChildServer.start(data, environment);
    try {
      int expected = keys.size() * rounds * perRound;
      await("the topic to hold every record", Duration.ofSeconds(60),
          () -> MirrorFixture.readTopic(BED.broker().bootstrapServers(), "s2t-crash").size() >= expected);
      Thread.sleep(500);  // a duplicate would show up after the last record
      Map<String, List<String>> byKey = MirrorFixture.topicByKey(BED.broker().bootstrapServers(), "s2t-crash");
      assertEquals(expected, count(byKey), "records in the topic");
      assertExactlyOnceInOrder(byKey, keys, rounds * perRound);
      assertExactlyOnceInOrder(MirrorFixture.streamByKey(KinesisClients.of(ClientKind.ASYNC_CBOR_H2C, last.endpoint()), "crash"),
          keys, rounds * perRound);
    } finally {
      last.close();
    }
  }

  @Test
  void managementApiCreatesListsPausesResumesAndDeletes() throws Exception {
    int port = BED.server().managementPort();
    BED.kinesis().createStream(b -> b.streamName("s2t-api").shardCount(1));
    JsonObject definition = new JsonObject().put("name", "s2t-api").put("direction", "STREAM_TO_TOPIC")
        .put("stream", "s2t-api").put("topic", "s2t-api");
    assertEquals(201, management(port, "POST", "/mirrors", definition).status());
    assertEquals(409, management(port, "POST", "/mirrors", definition).status());
    MirrorFixture.Answer bad = management(port, "POST", "/mirrors", definition.copy().put("name", "x").put("direction", "SIDEWAYS"));
    assertEquals(400, bad.status());
    assertTrue(bad.body().getString("error").startsWith("direction must be one of"), bad.body().encode());
    assertEquals(404, management(port, "GET", "/mirrors/none", null).status());
    assertTrue(management(port, "GET", "/mirrors", null).body().getJsonArray("mirrors").stream()
        .anyMatch(m -> ((JsonObject) m).getString("name").equals("s2t-api")));

    List<String> keys = keys("a", 5);
    putRecords(BED.kinesis(), "s2t-api", keys, 0, 10);
    await("the first records mirrored", Duration.ofSeconds(30),
        () -> MirrorFixture.readTopic(BED.broker().bootstrapServers(), "s2t-api").size() == 50);
    JsonObject paused = management(port, "POST", "/mirrors/s2t-api/pause", null).body();
    assertEquals("PAUSED", paused.getString("state"));
    putRecords(BED.kinesis(), "s2t-api", keys, 10, 10);
    Thread.sleep(1_000);
    assertEquals(50, MirrorFixture.readTopic(BED.broker().bootstrapServers(), "s2t-api").size(), "nothing mirrored while paused");
    assertEquals("RUNNING", management(port, "POST", "/mirrors/s2t-api/resume", null).body().getString("state"));
    await("the rest mirrored after resume", Duration.ofSeconds(30),
        () -> MirrorFixture.readTopic(BED.broker().bootstrapServers(), "s2t-api").size() == 100);
    assertExactlyOnceInOrder(MirrorFixture.topicByKey(BED.broker().bootstrapServers(), "s2t-api"), keys, 20);

    assertEquals(200, management(port, "DELETE", "/mirrors/s2t-api", null).status());
    assertEquals(404, management(port, "GET", "/mirrors/s2t-api", null).status());
    assertTrue(!MirrorFixture.metrics(port).contains("mirror=\"s2t-api\""), "the deleted mirror's meters are gone");
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
