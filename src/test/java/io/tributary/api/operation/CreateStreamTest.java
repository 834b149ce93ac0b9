package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.RawKinesis;
import io.tributary.support.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.MinimumThroughputBillingCommitmentInputStatus;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamDescription;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.kinesis.model.WarmThroughputObject;

class CreateStreamTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void createsAProvisionedStreamWithEvenlySplitShards(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = newStreamName("create");
    Instant before = Instant.now().minusSeconds(1);
    client.createStream(b -> b.streamName(name).shardCount(3));

    StreamDescription description = client.describeStream(b -> b.streamName(name)).streamDescription();
    assertEquals(StreamStatus.ACTIVE, description.streamStatus());
    assertEquals("arn:aws:kinesis:us-east-1:000000000000:stream/" + name, description.streamARN());
    assertEquals(StreamMode.PROVISIONED, description.streamModeDetails().streamMode());
    assertEquals(24, description.retentionPeriodHours());
    Instant created = description.streamCreationTimestamp();
    assertTrue(created.isAfter(before) && created.isBefore(Instant.now().plusSeconds(1)), "creation time " + created);

    List<Shard> shards = description.shards();
    assertEquals(List.of("shardId-000000000000", "shardId-000000000001", "shardId-000000000002"),
        shards.stream().map(Shard::shardId).toList());
    // The layout AWS gives a three-shard stream.
    assertEquals("0", shards.get(0).hashKeyRange().startingHashKey());
    assertEquals("113427455640312821154458202477256070484", shards.get(0).hashKeyRange().endingHashKey());
    assertEquals("113427455640312821154458202477256070485", shards.get(1).hashKeyRange().startingHashKey());
    assertEquals("226854911280625642308916404954512140969", shards.get(1).hashKeyRange().endingHashKey());
    assertEquals("340282366920938463463374607431768211455", shards.get(2).hashKeyRange().endingHashKey());
    for (Shard shard : shards) {
      assertEquals(56, shard.sequenceNumberRange().startingSequenceNumber().length());
      assertEquals(null, shard.sequenceNumberRange().endingSequenceNumber());
    }
    assertTrue(KinesisClients.sentContentTypes(kind).stream().allMatch(kind.expectedContentType()::equals),
        "every request in " + kind.expectedContentType() + ": " + KinesisClients.sentContentTypes(kind));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void createsAnOnDemandStreamWithTheDefaultShardCount(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = newStreamName("on-demand");
    client.createStream(b -> b.streamName(name).streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));

    var summary = client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary();
    assertEquals(StreamMode.ON_DEMAND, summary.streamModeDetails().streamMode());
    assertEquals(4, summary.openShardCount());
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void setsTheRecordDistributionStrategyOfAnOnDemandStream(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    String auto = newStreamName("auto");
    ObjectNode onDemand = RawKinesis.object().put("StreamName", auto).put("RecordDistributionStrategy", "AUTO");
    onDemand.putObject("StreamModeDetails").put("StreamMode", "ON_DEMAND");
    kinesis.ok("CreateStream", onDemand);
    assertEquals("AUTO", kinesis.ok("DescribeStreamSummary", RawKinesis.object().put("StreamName", auto))
        .get("StreamDescriptionSummary").get("RecordDistributionStrategy").asText());

    String provisioned = newStreamName("not-auto");
    kinesis.assertError("InvalidArgumentException", "The AUTO record distribution strategy is not supported for stream "
        + provisioned + " under account 000000000000 because it is in PROVISIONED capacity mode.", "CreateStream",
        RawKinesis.object().put("StreamName", provisioned).put("ShardCount", 1).put("RecordDistributionStrategy", "AUTO"));
    kinesis.assertError("ValidationException", "1 validation error detected: Value 'SOMETIMES' at "
        + "'recordDistributionStrategy' failed to satisfy constraint: Member must satisfy enum value set: "
        + "[AUTO, USER_PARTITION_KEY]", "CreateStream", RawKinesis.object().put("StreamName", provisioned)
        .put("ShardCount", 1).put("RecordDistributionStrategy", "SOMETIMES"));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesANameInUse(ClientKind kind) {
    String name = createStream("taken", 1);
    assertKinesisError(ResourceInUseException.class, "Stream " + name + " under account 000000000000 already exists.",
        () -> client(kind).createStream(b -> b.streamName(name).shardCount(1)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesNameAndShardCount(ClientKind kind) {
    KinesisException error = assertKinesisError(KinesisException.class,
        "2 validation errors detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value "
            + "greater than or equal to 1; Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must "
            + "satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        () -> client(kind).createStream(b -> b.streamName("bad name!").shardCount(0)));
    assertEquals("ValidationException", error.awsErrorDetails().errorCode());

    KinesisException tooLong = assertKinesisError(KinesisException.class,
        "1 validation error detected: Value '" + "x".repeat(129) + "' at 'streamName' failed to satisfy constraint: "
            + "Member must have length less than or equal to 128",
        () -> client(kind).createStream(b -> b.streamName("x".repeat(129)).shardCount(1)));
    assertEquals("ValidationException", tooLong.awsErrorDetails().errorCode());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void requiresAShardCountForProvisionedStreams(ClientKind kind) {
    KinesisException error = assertKinesisError(KinesisException.class,
        "1 validation error detected: Value null at 'shardCount' failed to satisfy constraint: Member must not be null",
        () -> client(kind).createStream(b -> b.streamName(newStreamName("no-count"))
            .streamModeDetails(m -> m.streamMode(StreamMode.PROVISIONED))));
    assertEquals("ValidationException", error.awsErrorDetails().errorCode());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void makesAnOnDemandStreamWhenAskedForNeitherCountNorMode(ClientKind kind) {
    String name = newStreamName("no-count");
    client(kind).createStream(b -> b.streamName(name));
    var summary = client(kind).describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary();
    assertEquals(StreamMode.ON_DEMAND, summary.streamModeDetails().streamMode());
    assertEquals(4, summary.openShardCount());
    client(kind).deleteStream(b -> b.streamName(name));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void tagsTheNewStream(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = newStreamName("create-tagged");
    client.createStream(b -> b.streamName(name).shardCount(1).tags(Map.of("team", "data", "cost-center", "42")));
    assertEquals(Map.of("team", "data", "cost-center", "42"), client.listTagsForStream(b -> b.streamName(name)).tags()
        .stream().collect(java.util.stream.Collectors.toMap(t -> t.key(), t -> t.value())));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void appliesTheTagRules(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = newStreamName("create-bad-tags");
    assertKinesisError(InvalidArgumentException.class, AddTagsToStreamTest.INVALID_CHARACTERS,
        () -> client.createStream(b -> b.streamName(name).shardCount(1).tags(Map.of("a", "b;c"))));
    assertKinesisError(InvalidArgumentException.class, "Failed to create stream " + name + " under account 000000000000"
            + AddTagsToStreamTest.ILLEGAL_CHARACTERS,
        () -> client.createStream(b -> b.streamName(name).shardCount(1).tags(Map.of("a%", "b"))));
    assertKinesisError(InvalidArgumentException.class, "Failed to create stream " + name + " under account 000000000000 "
            + "because some tag keys start with the reserved prefix 'aws:'.",
        () -> client.createStream(b -> b.streamName(name).shardCount(1).tags(Map.of("aws:a", "b"))));
    assertKinesisError(InvalidArgumentException.class, "Failed to create stream " + name + " under account 000000000000 "
            + "because a given stream cannot have more than 50 tags associated with it.",
        () -> client.createStream(b -> b.streamName(name).shardCount(1).tags(AddTagsToStreamTest.tags("k", 51))));
    KinesisException error = assertKinesisError(KinesisException.class, "1 validation error detected: Value '{=v}' at "
            + "'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less "
            + "than or equal to 128, Member must have length greater than or equal to 1]",
        () -> client.createStream(b -> b.streamName(name).shardCount(1).tags(Map.of("", "v"))));
    assertEquals("ValidationException", error.awsErrorDetails().errorCode());
    assertKinesisError(software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException.class,
        "Stream " + name + " under account 000000000000 not found.",
        () -> client.describeStreamSummary(b -> b.streamName(name)));
  }

  @Test
  void enforcesTheAccountShardLimit() {
    try (TestServer limited = TestServer.start(Map.of("limits.shards", "5"))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_JSON_HTTP1, limited.endpoint());
      client.createStream(b -> b.streamName("first").shardCount(3));
      assertKinesisError(LimitExceededException.class,
          "This request would exceed the shard limit for the account 000000000000 in us-east-1. Current shard count "
              + "for the account: 3. Limit: 5. Number of additional shards that would have resulted from this request: 3. "
              + "Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) "
              + "for current limits and how to request higher limits.",
          () -> client.createStream(b -> b.streamName("second").shardCount(3)));
      // ShardCount has no upper bound of its own: the largest is refused by the limit alone.
      assertKinesisError(LimitExceededException.class,
          "This request would exceed the shard limit for the account 000000000000 in us-east-1. Current shard count "
              + "for the account: 3. Limit: 5. Number of additional shards that would have resulted from this request: "
              + "2147483647. Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/"
              + "aws_service_limits.html) for current limits and how to request higher limits.",
          () -> client.createStream(b -> b.streamName("huge").shardCount(Integer.MAX_VALUE)));
    }
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void keepsTheMaximumRecordSize(ClientKind kind) {
    String name = newStreamName("max-record");
    client(kind).createStream(b -> b.streamName(name).shardCount(1).maxRecordSizeInKiB(4096));
    assertEquals(4096, client(kind).describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary()
        .maxRecordSizeInKiB());
    client(kind).putRecord(b -> b.streamName(name).partitionKey("a").data(SdkBytes.fromByteArray(new byte[4 << 20])));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void givesAnOnDemandStreamItsWarmThroughput(ClientKind kind) {
    try (TestServer committed = TestServer.start(Map.of("stream.create.delay.ms", "300"))) {
      KinesisClient client = KinesisClients.of(kind, committed.endpoint());
      client.updateAccountSettings(b -> b.minimumThroughputBillingCommitment(c -> c
          .status(MinimumThroughputBillingCommitmentInputStatus.ENABLED)));
      client.createStream(b -> b.streamName("warm").streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND))
          .warmThroughputMiBps(64));
      WarmThroughputObject creating = client.describeStreamSummary(b -> b.streamName("warm"))
          .streamDescriptionSummary().warmThroughput();
      assertEquals(64, creating.targetMiBps());
      assertNull(creating.currentMiBps());
      awaitActive(client, "warm");
      WarmThroughputObject active = client.describeStreamSummary(b -> b.streamName("warm"))
          .streamDescriptionSummary().warmThroughput();
      assertEquals(64, active.targetMiBps());
      assertEquals(64, active.currentMiBps());

      KinesisException provisioned = assertKinesisError(KinesisException.class,
          "Warm throughput is not supported for stream warm-provisioned under account 000000000000 because it "
              + "is in PROVISIONED capacity mode.",
          () -> client.createStream(b -> b.streamName("warm-provisioned").shardCount(1).warmThroughputMiBps(64)));
      assertEquals("ValidationException", provisioned.awsErrorDetails().errorCode());
      assertKinesisError(LimitExceededException.class, "Requested warm throughput of 20000 MiBps for stream warm-high "
              + "under account 000000000000 exceeds the limit of 10240 MiBps.",
          () -> client.createStream(b -> b.streamName("warm-high")
              .streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)).warmThroughputMiBps(20000)));
    }
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void needsABillingCommitmentForWarmThroughput(ClientKind kind) {
    String name = newStreamName("warm-uncommitted");
    assertKinesisError(InvalidArgumentException.class, "Warm throughput requires MinimumThroughputBillingCommitment "
            + "to be enabled for the account 000000000000 in us-east-1.",
        () -> client(kind).createStream(b -> b.streamName(name).streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND))
            .warmThroughputMiBps(10)));
  }

  @Test
  void enforcesTheOnDemandStreamLimit() {
    try (TestServer limited = TestServer.start(Map.of("limits.on.demand.streams", "2"))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_JSON_HTTP1, limited.endpoint());
      client.createStream(b -> b.streamName("first").streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
      client.createStream(b -> b.streamName("second").streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
      assertKinesisError(LimitExceededException.class, "This request would exceed the on-demand stream limit for the "
              + "account 000000000000 in us-east-1. Current on-demand stream count for the account: 2. Limit: 2. Refer "
              + "to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) "
              + "for current limits and how to request higher limits.",
          () -> client.createStream(b -> b.streamName("third").streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND))));
      // Provisioned streams do not count.
      client.createStream(b -> b.streamName("provisioned").shardCount(1));
    }
  }

  @Test
  void staysCreatingForTheConfiguredDelay() throws InterruptedException {
    try (TestServer slow = TestServer.start(Map.of("stream.create.delay.ms", "400"))) {
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_CBOR_H2C, slow.endpoint());
      client.createStream(b -> b.streamName("slow").shardCount(1));
      assertEquals(StreamStatus.CREATING, client.describeStreamSummary(b -> b.streamName("slow"))
          .streamDescriptionSummary().streamStatus());
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      StreamStatus status;
      do {
        Thread.sleep(50);
        status = client.describeStreamSummary(b -> b.streamName("slow")).streamDescriptionSummary().streamStatus();
      } while (status != StreamStatus.ACTIVE && System.nanoTime() < deadline);
      assertEquals(StreamStatus.ACTIVE, status);
    }
  }
}
