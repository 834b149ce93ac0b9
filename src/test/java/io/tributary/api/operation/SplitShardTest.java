package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

class SplitShardTest extends ApiTest {
  private static final String MIDDLE = "170141183460469231731687303715884105728";

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void splitsAShardIntoTwoChildren(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("split", 1);
    put(name, "before", "in the parent");
    client.splitShard(b -> b.streamName(name).shardToSplit("shardId-000000000000").newStartingHashKey(MIDDLE));

    List<Shard> shards = client.describeStream(b -> b.streamName(name)).streamDescription().shards();
    assertEquals(3, shards.size());
    Shard parent = shards.get(0);
    assertNotNull(parent.sequenceNumberRange().endingSequenceNumber(), "the parent is closed");
    Shard low = shards.get(1);
    Shard high = shards.get(2);
    assertEquals("shardId-000000000001", low.shardId());
    assertEquals("shardId-000000000000", low.parentShardId());
    assertEquals("0", low.hashKeyRange().startingHashKey());
    assertEquals("170141183460469231731687303715884105727", low.hashKeyRange().endingHashKey());
    assertEquals(MIDDLE, high.hashKeyRange().startingHashKey());
    assertEquals("340282366920938463463374607431768211455", high.hashKeyRange().endingHashKey());
    assertEquals(2, client.listShards(b -> b.streamName(name)
        .shardFilter(f -> f.type(software.amazon.awssdk.services.kinesis.model.ShardFilterType.AT_LATEST))).shards().size());

    // New records route by the children's ranges: MD5("a") is in the lower half, MD5("b") in the upper.
    assertEquals("shardId-000000000001", put(name, "a", "low").shardId());
    assertEquals("shardId-000000000002", put(name, "b", "high").shardId());

    // As AWS's: the parent's end bears the second before its children were made.
    assertEquals(createdSeconds(low.sequenceNumberRange().startingSequenceNumber()) - 1,
        arrivalSeconds(parent.sequenceNumberRange().endingSequenceNumber()));

    // The parent's last records come with a next iterator, as AWS's do; the page after them names its
    // children and gives no next iterator.
    String iterator = iterator(client, name, parent.shardId(), ShardIteratorType.TRIM_HORIZON);
    GetRecordsResponse page = client.getRecords(b -> b.shardIterator(iterator));
    assertEquals(List.of("in the parent"), page.records().stream().map(r -> r.data().asUtf8String()).toList());
    assertNotNull(page.nextShardIterator());
    assertTrue(page.childShards().isEmpty());
    while (page.nextShardIterator() != null) {
      String next = page.nextShardIterator();
      page = client.getRecords(b -> b.shardIterator(next));
    }
    assertNull(page.nextShardIterator());
    assertTrue(page.records().isEmpty());
    List<ChildShard> children = page.childShards();
    assertEquals(List.of("shardId-000000000001", "shardId-000000000002"), children.stream().map(ChildShard::shardId).toList());
    for (ChildShard child : children) assertEquals(List.of("shardId-000000000000"), child.parentShards());
    assertEquals(MIDDLE, children.get(1).hashKeyRange().startingHashKey());
  }

  /** As AWS: a shard id that cannot name a shard is not found, even before the stream is looked up. */
  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void aShardIdThatCannotNameAShardIsNotFoundBeforeTheStream(ClientKind kind) {
    KinesisClient client = client(kind);
    for (String shardId : List.of("2147483648", "shardId-002147483648", "ABKLFD8", "2.14E4")) {
      assertKinesisError(ResourceNotFoundException.class, "Could not find shard " + shardId
              + " in stream no-such-stream under account 000000000000.",
          () -> client.splitShard(b -> b.streamName("no-such-stream").shardToSplit(shardId).newStartingHashKey("1")));
      assertKinesisError(ResourceNotFoundException.class, "Could not find shard " + shardId
              + " in stream no-such-stream under account 000000000000.",
          () -> client.mergeShards(b -> b.streamName("no-such-stream").shardToMerge(shardId)
              .adjacentShardToMerge("shardId-000000000001")));
    }
    assertKinesisError(ResourceNotFoundException.class, "Stream no-such-stream under account 000000000000 not found.",
        () -> client.splitShard(b -> b.streamName("no-such-stream").shardToSplit("shardId-000000000000")
            .newStartingHashKey("1")));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void rejectsWhatCannotBeSplit(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("split-bad", 2);
    assertKinesisError(InvalidArgumentException.class, "NewStartingHashKey 1 used in SplitShard() on shard "
            + "shardId-000000000000 in stream " + name + " under account 000000000000 is not both greater than one plus "
            + "the shard's StartingHashKey 0 and less than the shard's EndingHashKey 170141183460469231731687303715884105727.",
        () -> client.splitShard(b -> b.streamName(name).shardToSplit("shardId-000000000000").newStartingHashKey("1")));
    assertKinesisError(ResourceNotFoundException.class, "Could not find shard shardId-000000000007 in stream " + name
            + " under account 000000000000.",
        () -> client.splitShard(b -> b.streamName(name).shardToSplit("shardId-000000000007").newStartingHashKey("100")));
    client.splitShard(b -> b.streamName(name).shardToSplit("shardId-000000000000").newStartingHashKey("1000"));
    assertKinesisError(InvalidArgumentException.class, "Shard shardId-000000000000 in stream " + name + " under account "
            + "000000000000 has already been merged or split, and thus is not eligible for merging or splitting.",
        () -> client.splitShard(b -> b.streamName(name).shardToSplit("shardId-000000000000").newStartingHashKey("100")));
    KinesisException validation = assertKinesisError(KinesisException.class, "2 validation errors detected: Value 'x' at "
            + "'newStartingHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: "
            + "0|([1-9]\\d{0,38}); Value null at 'shardToSplit' failed to satisfy constraint: Member must not be null",
        () -> client.splitShard(b -> b.streamName(name).newStartingHashKey("x")));
    assertEquals("ValidationException", validation.awsErrorDetails().errorCode());
  }

  @Test
  void theStreamIsUpdatingUntilTheSplitIsDone() throws InterruptedException {
    try (TestServer slow = TestServer.start(Map.of("stream.update.delay.ms", "300"))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, slow.endpoint());
      client.createStream(b -> b.streamName("slow-split").shardCount(1));
      client.splitShard(b -> b.streamName("slow-split").shardToSplit("shardId-000000000000").newStartingHashKey(MIDDLE));
      assertEquals(StreamStatus.UPDATING,
          client.describeStreamSummary(b -> b.streamName("slow-split")).streamDescriptionSummary().streamStatus());
      assertKinesisError(ResourceInUseException.class, "Stream slow-split under account 000000000000 not ACTIVE, instead "
              + "in state UPDATING",
          () -> client.splitShard(b -> b.streamName("slow-split").shardToSplit("shardId-000000000000").newStartingHashKey("99")));
      // Writes go on while the stream is UPDATING.
      client.putRecord(b -> b.streamName("slow-split").partitionKey("k").data(SdkBytes.fromUtf8String("during")));
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < deadline && client.describeStreamSummary(b -> b.streamName("slow-split"))
          .streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE) {
        Thread.sleep(25);
      }
      assertEquals(2, client.describeStreamSummary(b -> b.streamName("slow-split")).streamDescriptionSummary().openShardCount());
    }
  }

  /** A sequence number's shard creation time: hex digits 1-9 of AWS's layout. */
  private static long createdSeconds(String sequenceNumber) {
    return Long.parseLong(new java.math.BigInteger(sequenceNumber).toString(16).substring(1, 10), 16);
  }

  /** A sequence number's arrival time: hex digits 29-37 of AWS's layout. */
  private static long arrivalSeconds(String sequenceNumber) {
    return Long.parseLong(new java.math.BigInteger(sequenceNumber).toString(16).substring(29, 38), 16);
  }
}
