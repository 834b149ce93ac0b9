package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamDescription;

class DescribeStreamTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void pagesShardsWithLimitAndExclusiveStartShardId(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("describe", 5);
    StreamDescription first = client.describeStream(b -> b.streamName(name).limit(2)).streamDescription();
    assertEquals(2, first.shards().size());
    assertTrue(first.hasMoreShards());
    String last = first.shards().get(1).shardId();
    StreamDescription rest = client.describeStream(b -> b.streamName(name).exclusiveStartShardId(last)).streamDescription();
    assertEquals(3, rest.shards().size());
    assertEquals("shardId-000000000002", rest.shards().get(0).shardId());
    assertFalse(rest.hasMoreShards());
    assertEquals(1, rest.enhancedMonitoring().size());
    assertTrue(rest.enhancedMonitoring().get(0).shardLevelMetrics().isEmpty());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void acceptsTheStreamArnInsteadOfTheName(ClientKind kind) {
    String name = createStream("by-arn", 1);
    String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + name;
    StreamDescription description = client(kind).describeStream(b -> b.streamARN(arn)).streamDescription();
    assertEquals(name, description.streamName());
    assertEquals(1, description.shards().stream().map(Shard::shardId).count());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void reportsAMissingStream(ClientKind kind) {
    assertReportsAMissingStream(kind, (client, name) -> client.describeStream(b -> b.streamName(name)));
    assertReportsAMissingStream(kind, (client, name) -> client.describeStreamSummary(b -> b.streamName(name)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void summarisesAStream(ClientKind kind) {
    String name = createStream("summary", 3);
    var summary = client(kind).describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary();
    assertEquals(name, summary.streamName());
    assertEquals(3, summary.openShardCount());
    assertEquals(0, summary.consumerCount());
    assertEquals(1024, summary.maxRecordSizeInKiB());
    assertEquals("NONE", summary.encryptionTypeAsString());
    assertNull(summary.keyId());
    assertNull(summary.warmThroughput());
    assertEquals(1, summary.enhancedMonitoring().size());
    assertTrue(summary.enhancedMonitoring().get(0).shardLevelMetrics().isEmpty());
  }
}
