package io.tributary.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * What a server does at start with shard logs that are not as the catalog says: a log the catalog does not
 * list is moved aside and never adopted by a new shard of the same id; a log that cannot be opened leaves
 * its shard offline while the rest is served, and comes back once it can be opened.
 */
class ShardLogsAtStartTest {
  private static final String SHARD_1_START = BigInteger.TWO.pow(127).toString();

  @Test
  void unlistedShardLogsAreSetAsideNotAdopted(@TempDir Path data) throws IOException {
    Map<String, String> settings = Map.of("data.dir", data.toString());
    String uid;
    try (TestServer server = TestServer.start(settings)) {
      KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint()).createStream(b -> b.streamName("s").shardCount(1));
      uid = streamUid(data);
    }
    // A log a crash left behind under the id the next split will give, and a stream the catalog never knew.
    Path stray = data.resolve("shards").resolve(uid).resolve("shardId-000000000001");
    Files.createDirectories(stray);
    Files.writeString(stray.resolve("00000000000000000000.log"), "left behind");
    Files.createDirectories(data.resolve("shards").resolve("zzzzzzzzzzzzzzzzzzzz").resolve("shardId-000000000000"));

    try (TestServer server = TestServer.start(settings)) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      assertFalse(Files.exists(stray), "the unlisted log is no longer where a shard would adopt it");
      assertFalse(Files.exists(data.resolve("shards").resolve("zzzzzzzzzzzzzzzzzzzz")));
      try (Stream<Path> aside = Files.list(data.resolve("unlisted").resolve(uid))) {
        assertTrue(aside.anyMatch(p -> p.getFileName().toString().startsWith("shardId-000000000001.")));
      }
      try (Stream<Path> aside = Files.list(data.resolve("unlisted"))) {
        assertTrue(aside.anyMatch(p -> p.getFileName().toString().startsWith("zzzzzzzzzzzzzzzzzzzz.")));
      }

      client.splitShard(b -> b.streamName("s").shardToSplit("shardId-000000000000").newStartingHashKey(SHARD_1_START));
      String iterator = client.getShardIterator(b -> b.streamName("s").shardId("shardId-000000000001")
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      assertEquals(List.of(), client.getRecords(b -> b.shardIterator(iterator)).records(), "the new shard starts empty");
    }
  }

  @Test
  void aShardWhoseLogCannotOpenIsOfflineAloneAndComesBack(@TempDir Path data) throws Exception {
    Map<String, String> settings = Map.of("data.dir", data.toString());
    String uid;
    try (TestServer server = TestServer.start(settings)) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      client.createStream(b -> b.streamName("s").shardCount(2));
      client.putRecord(b -> b.streamName("s").partitionKey("p").explicitHashKey("0").data(SdkBytes.fromUtf8String("zero")));
      uid = streamUid(data);
    }
    // Shard 1's directory replaced by a file: its log cannot be opened.
    Path broken = data.resolve("shards").resolve(uid).resolve("shardId-000000000001");
    deleteTree(broken);
    Files.writeString(broken, "not a directory");

    try (TestServer server = TestServer.start(settings)) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_JSON_HTTP1, server.endpoint());
      assertEquals(List.of("zero", "again"), List.of(read(client, "shardId-000000000000").get(0),
          putAndRead(client, "0", "again", "shardId-000000000000")));
      KinesisException offline = assertThrows(KinesisException.class, () -> client.putRecord(b -> b.streamName("s")
          .partitionKey("p").explicitHashKey(SHARD_1_START).data(SdkBytes.fromUtf8String("refused"))));
      assertEquals(500, offline.statusCode(), "a retryable error while the shard is offline");

      Files.delete(broken);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      String stored = null;
      while (stored == null && System.nanoTime() < deadline) {
        try {
          stored = putAndRead(client, SHARD_1_START, "back", "shardId-000000000001");
        } catch (KinesisException stillOffline) {
          Thread.sleep(200);
        }
      }
      assertEquals("back", stored, "the shard came back without a restart");
    }
  }

  private static String putAndRead(KinesisClient client, String hashKey, String value, String shardId) {
    client.putRecord(b -> b.streamName("s").partitionKey("p").explicitHashKey(hashKey).data(SdkBytes.fromUtf8String(value)));
    List<String> values = read(client, shardId);
    return values.get(values.size() - 1);
  }

  private static List<String> read(KinesisClient client, String shardId) {
    String iterator = client.getShardIterator(b -> b.streamName("s").shardId(shardId)
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    return client.getRecords(b -> b.shardIterator(iterator)).records().stream()
        .map(Record::data).map(SdkBytes::asUtf8String).toList();
  }

  private static String streamUid(Path data) throws IOException {
    try (Stream<Path> streams = Files.list(data.resolve("shards"))) {
      return streams.findFirst().orElseThrow().getFileName().toString();
    }
  }

  private static void deleteTree(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
