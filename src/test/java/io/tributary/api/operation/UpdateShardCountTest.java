package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;
import software.amazon.awssdk.services.kinesis.model.UpdateShardCountResponse;

class UpdateShardCountTest extends ApiTest {

  @ParameterizedTest
  @CsvSource({"1,2", "2,4", "4,8", "4,2", "3,5", "5,3", "3,6", "6,3", "7,4", "4,7"})
  void scalesToEqualShardsWithLineage(int from, int to) {
    KinesisClient client = client(ClientKind.ASYNC_CBOR_H2C);
    String name = createStream("scale", from);
    UpdateShardCountResponse response = client.updateShardCount(b -> b.streamName(name).targetShardCount(to)
        .scalingType(ScalingType.UNIFORM_SCALING));
    assertEquals(from, response.currentShardCount());
    assertEquals(to, response.targetShardCount());

    List<Shard> open = client.listShards(b -> b.streamName(name).shardFilter(f -> f.type(ShardFilterType.AT_LATEST))).shards();
    assertEquals(to, open.size());
    List<Shard> all = client.listShards(b -> b.streamName(name)).shards();
    Set<String> ids = new HashSet<>();
    for (Shard shard : all) ids.add(shard.shardId());
    for (Shard shard : all) {
      if (shard.parentShardId() != null) assertTrue(ids.contains(shard.parentShardId()), "parent listed: " + shard);
      if (shard.adjacentParentShardId() != null) assertTrue(ids.contains(shard.adjacentParentShardId()));
    }
    // Equal ranges, contiguous from 0 to 2^128-1.
    BigInteger step = BigInteger.ONE.shiftLeft(128).divide(BigInteger.valueOf(to));
    BigInteger expectedStart = BigInteger.ZERO;
    List<Shard> sorted = open.stream().sorted((a, b) -> new BigInteger(a.hashKeyRange().startingHashKey())
        .compareTo(new BigInteger(b.hashKeyRange().startingHashKey()))).toList();
    for (int i = 0; i < to; i++) {
      assertEquals(expectedStart.toString(), sorted.get(i).hashKeyRange().startingHashKey());
      expectedStart = expectedStart.add(step);
    }
    assertEquals("340282366920938463463374607431768211455", sorted.get(to - 1).hashKeyRange().endingHashKey());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void enforcesAwsScalingLimits(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("scale-limits", 2);
    assertKinesisError(LimitExceededException.class, "UpdateShardCount cannot scale up over double your current open "
            + "shard count. Current open shard count: 2, Target shard count: 5",
        () -> client.updateShardCount(b -> b.streamName(name).targetShardCount(5).scalingType(ScalingType.UNIFORM_SCALING)));
    String four = createStream("scale-down", 4);
    assertKinesisError(LimitExceededException.class, "UpdateShardCount cannot scale down below half your current open "
            + "shard count. Current open shard count: 4, Target shard count: 1",
        () -> client.updateShardCount(b -> b.streamName(four).targetShardCount(1).scalingType(ScalingType.UNIFORM_SCALING)));
  }

  @org.junit.jupiter.api.Test
  void allowsTenScalingsPerDay() {
    KinesisClient client = client(ClientKind.SYNC_JSON_HTTP1);
    String name = createStream("scale-ten", 1);
    for (int i = 0; i < 10; i++) {
      int target = i % 2 == 0 ? 2 : 1;
      client.updateShardCount(b -> b.streamName(name).targetShardCount(target).scalingType(ScalingType.UNIFORM_SCALING));
    }
    assertKinesisError(LimitExceededException.class, "Exceeded the limit of 10 UpdateShardCount calls per rolling 24-hour "
            + "period for stream " + name + " under account 000000000000.",
        () -> client.updateShardCount(b -> b.streamName(name).targetShardCount(2).scalingType(ScalingType.UNIFORM_SCALING)));
  }
}
