package io.tributary.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamCatalogFileTest {
  private final Vertx vertx = Vertx.vertx();
  private final WorkerExecutor workers = vertx.createSharedWorkerExecutor("catalog-test");

  @AfterEach
  void closeVertx() {
    vertx.close().await();
  }

  @Test
  void keepsAccountSettingsWarmThroughputAndEncryptionHistory(@TempDir Path dir) {
    StreamKey key = new StreamKey("000000000000", "us-east-1", "orders");
    StreamDescriptor written = StreamDescriptor.builder(key, "abcdefghijklmnopqrst")
        .status(StreamStatus.ACTIVE)
        .mode(StreamMode.ON_DEMAND)
        .createdMillis(1_000)
        .shards(List.of(ShardDescriptor.open(0, HashKeyRange.split(1).get(0), null, null, 1_000)))
        .tags(Map.of())
        .warmThroughputMiBps(200)
        .warmThroughputCurrentMiBps(100)
        .encryption("KMS", "alias/aws/kinesis", 5_000)
        .build();
    BillingCommitment commitment = BillingCommitment.NEVER.enable(7_000).disable(8_000);
    new StreamCatalogFile(workers, dir).write(new StreamCatalog.Contents(List.of(written), List.of(),
        List.of(new AccountSettings("000000000000", "us-east-1", commitment)))).await();

    StreamCatalog.Contents loaded = new StreamCatalogFile(workers, dir).load().await();
    StreamDescriptor stream = loaded.streams().get(0);
    assertEquals(200, stream.warmThroughputMiBps());
    assertEquals(100, stream.warmThroughputCurrentMiBps());
    assertEquals("KMS", stream.encryptionType());
    assertEquals("alias/aws/kinesis", stream.keyId());
    assertEquals(List.of(5_000L), stream.encryptionChanges());
    assertEquals("NONE", stream.encryptionTypeAt(4_999));
    assertEquals("KMS", stream.encryptionTypeAt(5_000));
    assertEquals(List.of(new AccountSettings("000000000000", "us-east-1", commitment)), loaded.accounts());
  }

  @Test
  void loadsACatalogWrittenBeforeAccountsWereKept(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("streams.json"), """
        {
          "version" : 1,
          "streams" : [ {
            "account" : "000000000000", "region" : "us-east-1", "name" : "old", "uid" : "abcdefghijklmnopqrst",
            "status" : "ACTIVE", "mode" : "PROVISIONED", "createdMillis" : 1000, "retentionHours" : 24,
            "maxRecordSizeKiB" : 1024,
            "shards" : [ {
              "shardId" : "shardId-000000000000", "index" : 0, "startingHashKey" : "0",
              "endingHashKey" : "340282366920938463463374607431768211455", "createdMillis" : 1000
            } ],
            "tags" : { }, "encryptionType" : "NONE", "shardLevelMetrics" : [ ]
          } ]
        }
        """);
    StreamCatalog.Contents loaded = new StreamCatalogFile(workers, dir).load().await();
    assertEquals(List.of(), loaded.accounts());
    StreamDescriptor stream = loaded.streams().get(0);
    assertEquals("old", stream.name());
    assertNull(stream.warmThroughputCurrentMiBps());
    assertEquals(List.of(), stream.encryptionChanges());
    assertEquals("NONE", stream.encryptionTypeAt(2_000));
  }

  @Test
  void keepsAReshardUnderWayWithTheShardIdsItTook(@TempDir Path dir) {
    StreamKey key = new StreamKey("000000000000", "us-east-1", "splitting");
    StreamDescriptor stream = StreamDescriptor.builder(key, "abcdefghijklmnopqrst")
        .status(StreamStatus.ACTIVE)
        .createdMillis(1_000)
        .shards(List.of(ShardDescriptor.open(0, HashKeyRange.split(1).get(0), null, null, 1_000)))
        .build();
    Resharding.Plan plan = Resharding.split(stream, stream.shard("shardId-000000000000"),
        HashKeyRange.split(2).get(1).start(), 2_000);
    StreamDescriptor updating = stream.toBuilder().status(StreamStatus.UPDATING).pendingReshard(plan).build();
    assertEquals(3, updating.nextShardIndex(), "the children's ids are taken while the split is under way");
    assertEquals(1, updating.shards().size(), "the children are not listed before the split is done");

    new StreamCatalogFile(workers, dir).write(new StreamCatalog.Contents(List.of(updating), List.of(), List.of())).await();
    StreamDescriptor loaded = new StreamCatalogFile(workers, dir).load().await().streams().get(0);

    assertEquals(StreamStatus.UPDATING, loaded.status());
    assertEquals(plan, loaded.pendingReshard());
    assertEquals(3, loaded.nextShardIndex());
    assertEquals(List.of("shardId-000000000001", "shardId-000000000002"),
        loaded.pendingReshard().created().stream().map(ShardDescriptor::shardId).toList());
  }
}
