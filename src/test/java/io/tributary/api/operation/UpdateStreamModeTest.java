package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.RawKinesis;
import io.tributary.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

class UpdateStreamModeTest extends ApiTest {
  /** A server whose account has a billing commitment, which warm throughput needs, and whose updates take a while. */
  private static TestServer committed;

  @BeforeAll
  static void startCommittedServer() {
    committed = TestServer.startCommitted();
  }

  @AfterAll
  static void stopCommittedServer() {
    committed.close();
  }

  private static String arn(String name) {
    return "arn:aws:kinesis:us-east-1:000000000000:stream/" + name;
  }

  private static StreamDescriptionSummary summary(KinesisClient client, String name) {
    return client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary();
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void switchesBetweenProvisionedAndOnDemandKeepingTheShards(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("mode", 2);
    client.updateStreamMode(b -> b.streamARN(arn(name)).streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
    StreamDescriptionSummary onDemand = summary(client, name);
    assertEquals(StreamMode.ON_DEMAND, onDemand.streamModeDetails().streamMode());
    assertEquals(StreamStatus.ACTIVE, onDemand.streamStatus());
    assertEquals(2, onDemand.openShardCount());

    client.updateStreamMode(b -> b.streamARN(arn(name)).streamModeDetails(m -> m.streamMode(StreamMode.PROVISIONED)));
    assertEquals(StreamMode.PROVISIONED, client.describeStream(b -> b.streamName(name)).streamDescription()
        .streamModeDetails().streamMode());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void isUpdatingUntilTheChangeIsDone(ClientKind kind) {
    KinesisClient client = KinesisClients.of(kind, committed.endpoint());
    String name = newStreamName("mode-updating");
    client.createStream(b -> b.streamName(name).shardCount(1));
    client.updateStreamMode(b -> b.streamARN(arn(name)).streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
    StreamDescriptionSummary updating = summary(client, name);
    assertEquals(StreamStatus.UPDATING, updating.streamStatus());
    assertEquals(StreamMode.ON_DEMAND, updating.streamModeDetails().streamMode());
    assertKinesisError(ResourceInUseException.class,
        "Stream " + name + " under account 000000000000 not ACTIVE, instead in state UPDATING",
        () -> client.updateStreamMode(b -> b.streamARN(arn(name))
            .streamModeDetails(m -> m.streamMode(StreamMode.PROVISIONED))));
    awaitActive(client, name);
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void givesAStreamThatBecomesOnDemandItsWarmThroughput(ClientKind kind) {
    KinesisClient client = KinesisClients.of(kind, committed.endpoint());
    String name = newStreamName("mode-warm");
    client.createStream(b -> b.streamName(name).shardCount(1));
    client.updateStreamMode(b -> b.streamARN(arn(name)).streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND))
        .warmThroughputMiBps(50));
    StreamDescriptionSummary updating = summary(client, name);
    assertEquals(50, updating.warmThroughput().targetMiBps());
    assertNull(updating.warmThroughput().currentMiBps());
    awaitActive(client, name);
    assertEquals(50, summary(client, name).warmThroughput().currentMiBps());

    // A provisioned stream has no warm throughput.
    client.updateStreamMode(b -> b.streamARN(arn(name)).streamModeDetails(m -> m.streamMode(StreamMode.PROVISIONED)));
    awaitActive(client, name);
    assertNull(summary(client, name).warmThroughput());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesWarmThroughputForAProvisionedStream(ClientKind kind) {
    KinesisClient client = KinesisClients.of(kind, committed.endpoint());
    String name = newStreamName("mode-warm-provisioned");
    client.createStream(b -> b.streamName(name).shardCount(1));
    KinesisException error = assertKinesisError(KinesisException.class,
        "Warm throughput is not supported for stream " + name + " under account 000000000000 because it is "
            + "in PROVISIONED capacity mode.",
        () -> client.updateStreamMode(b -> b.streamARN(arn(name))
            .streamModeDetails(m -> m.streamMode(StreamMode.PROVISIONED)).warmThroughputMiBps(10)));
    assertEquals("ValidationException", error.awsErrorDetails().errorCode());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void needsABillingCommitmentForWarmThroughput(ClientKind kind) {
    String name = createStream("mode-warm-uncommitted", 1);
    assertKinesisError(InvalidArgumentException.class, "Warm throughput requires MinimumThroughputBillingCommitment "
            + "to be enabled for the account 000000000000 in us-east-1.",
        () -> client(kind).updateStreamMode(b -> b.streamARN(arn(name))
            .streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)).warmThroughputMiBps(10)));
    assertEquals(StreamMode.PROVISIONED, summary(client(kind), name).streamModeDetails().streamMode());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesWarmThroughputAboveTenGiBps(ClientKind kind) {
    KinesisClient client = KinesisClients.of(kind, committed.endpoint());
    String name = newStreamName("mode-warm-high");
    client.createStream(b -> b.streamName(name).shardCount(1));
    assertKinesisError(LimitExceededException.class, "Requested warm throughput of 10241 MiBps for stream " + name
            + " under account 000000000000 exceeds the limit of 10240 MiBps.",
        () -> client.updateStreamMode(b -> b.streamARN(arn(name))
            .streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)).warmThroughputMiBps(10241)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void keepsAStreamWithAutoRecordDistributionOnDemand(ClientKind kind) {
    String name = newStreamName("mode-auto");
    setup().createStream(b -> b.streamName(name).streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
    RawKinesis.shared(RawKinesis.Format.JSON).ok("UpdateStreamRecordDistributionStrategy",
        RawKinesis.object().put("StreamARN", arn(name)).put("RecordDistributionStrategy", "AUTO"));
    assertKinesisError(InvalidArgumentException.class, "The AUTO record distribution strategy is not supported for "
            + "stream " + name + " under account 000000000000 because it is in PROVISIONED capacity mode.",
        () -> client(kind).updateStreamMode(b -> b.streamARN(arn(name))
            .streamModeDetails(m -> m.streamMode(StreamMode.PROVISIONED))));
    assertEquals(StreamMode.ON_DEMAND, summary(client(kind), name).streamModeDetails().streamMode());
  }

  @Test
  void enforcesTheOnDemandStreamLimit() {
    try (TestServer limited = TestServer.start(Map.of("limits.on.demand.streams", "1"))) {
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_CBOR_H2C, limited.endpoint());
      client.createStream(b -> b.streamName("first").streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
      client.createStream(b -> b.streamName("second").shardCount(1));
      assertKinesisError(LimitExceededException.class, "This request would exceed the on-demand stream limit for the "
              + "account 000000000000 in us-east-1. Current on-demand stream count for the account: 1. Limit: 1. Refer "
              + "to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) "
              + "for current limits and how to request higher limits.",
          () -> client.updateStreamMode(b -> b.streamARN(arn("second"))
              .streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND))));
      assertEquals(StreamMode.PROVISIONED, summary(client, "second").streamModeDetails().streamMode());
      assertEquals(StreamStatus.ACTIVE, summary(client, "second").streamStatus());

      // A stream already on-demand may be switched again without counting twice.
      client.updateStreamMode(b -> b.streamARN(arn("first")).streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
      client.updateStreamMode(b -> b.streamARN(arn("first")).streamModeDetails(m -> m.streamMode(StreamMode.PROVISIONED)));
      client.updateStreamMode(b -> b.streamARN(arn("second")).streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
      assertEquals(StreamMode.ON_DEMAND, summary(client, "second").streamModeDetails().streamMode());
    }
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void needsAnActiveStream(ClientKind kind) {
    assertNeedsAnActiveStream(kind, (client, name) -> client.updateStreamMode(b -> b
            .streamARN(arn(name)).streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND))));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void reportsAMissingStream(ClientKind kind) {
    assertReportsAMissingStream(kind, (client, name) -> client.updateStreamMode(b -> b.streamARN(arn(name))
            .streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND))));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    KinesisException missing = assertKinesisError(KinesisException.class,
        "2 validation errors detected: Value null at 'streamARN' failed to satisfy constraint: Member must not be null; "
            + "Value null at 'streamModeDetails' failed to satisfy constraint: Member must not be null",
        () -> client(kind).updateStreamMode(b -> { }));
    assertEquals("ValidationException", missing.awsErrorDetails().errorCode());

    assertKinesisError(KinesisException.class,
        "3 validation errors detected: Value 'stream/x' at 'streamARN' failed to satisfy constraint: Member must "
            + "satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+; Value 'FAST' at "
            + "'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: "
            + "[PROVISIONED, ON_DEMAND]; Value '-1' at 'warmThroughputMiBps' failed to satisfy constraint: Member must "
            + "have value greater than or equal to 0",
        () -> client(kind).updateStreamMode(b -> b.streamARN("stream/x").streamModeDetails(m -> m.streamMode("FAST"))
            .warmThroughputMiBps(-1)));
  }
}
