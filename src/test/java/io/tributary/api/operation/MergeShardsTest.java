package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

class MergeShardsTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void mergesTwoAdjacentShards(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("merge", 3);
    put(name, "a", "before");
    client.mergeShards(b -> b.streamName(name).shardToMerge("shardId-000000000000").adjacentShardToMerge("shardId-000000000001"));

    List<Shard> shards = client.listShards(b -> b.streamName(name)).shards();
    assertEquals(4, shards.size());
    assertNotNull(shards.get(0).sequenceNumberRange().endingSequenceNumber());
    assertNotNull(shards.get(1).sequenceNumberRange().endingSequenceNumber());
    Shard child = shards.get(3);
    assertEquals("shardId-000000000003", child.shardId());
    assertEquals("shardId-000000000000", child.parentShardId());
    assertEquals("shardId-000000000001", child.adjacentParentShardId());
    assertEquals("0", child.hashKeyRange().startingHashKey());
    assertEquals(shards.get(1).hashKeyRange().endingHashKey(), child.hashKeyRange().endingHashKey());
    assertEquals("shardId-000000000003", put(name, "a", "after").shardId());

    String iterator = iterator(client, name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
    GetRecordsResponse page = client.getRecords(b -> b.shardIterator(iterator));
    while (page.nextShardIterator() != null) {
      String next = page.nextShardIterator();
      page = client.getRecords(b -> b.shardIterator(next));
    }
    assertEquals("shardId-000000000003", page.childShards().get(0).shardId());
    assertEquals(List.of("shardId-000000000000", "shardId-000000000001"), page.childShards().get(0).parentShards());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesShardsThatAreNotNeighbours(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("merge-bad", 3);
    assertKinesisError(InvalidArgumentException.class, "Shards shardId-000000000000 and shardId-000000000002 in stream "
            + name + " under account 000000000000 are not an adjacent pair of shards eligible for merging",
        () -> client.mergeShards(b -> b.streamName(name).shardToMerge("shardId-000000000000")
            .adjacentShardToMerge("shardId-000000000002")));
  }

  /** As AWS: the adjacent shard's range must come right after the first one's; an inverted pair is refused. */
  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesAnInvertedPair(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("merge-inverted", 2);
    assertKinesisError(InvalidArgumentException.class, "Shards shardId-000000000001 and shardId-000000000000 in stream "
            + name + " under account 000000000000 are not an adjacent pair of shards eligible for merging",
        () -> client.mergeShards(b -> b.streamName(name).shardToMerge("shardId-000000000001")
            .adjacentShardToMerge("shardId-000000000000")));
  }
}
