package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import software.amazon.awssdk.services.kinesis.model.UpdateStreamWarmThroughputResponse;

class UpdateStreamWarmThroughputTest extends ApiTest {
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

  private static String onDemandStream(KinesisClient client, String prefix) {
    String name = newStreamName(prefix);
    client.createStream(b -> b.streamName(name).streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
    return name;
  }

  private static StreamDescriptionSummary summary(KinesisClient client, String name) {
    return client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary();
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void scalesAnOnDemandStreamToTheTargetThroughUpdating(ClientKind kind) {
    KinesisClient client = KinesisClients.of(kind, committed.endpoint());
    String name = onDemandStream(client, "warm");
    UpdateStreamWarmThroughputResponse first =
        client.updateStreamWarmThroughput(b -> b.streamName(name).warmThroughputMiBps(100));
    assertEquals(name, first.streamName());
    assertEquals("arn:aws:kinesis:us-east-1:000000000000:stream/" + name, first.streamARN());
    assertEquals(100, first.warmThroughput().targetMiBps());
    assertNull(first.warmThroughput().currentMiBps());

    StreamDescriptionSummary updating = summary(client, name);
    assertEquals(StreamStatus.UPDATING, updating.streamStatus());
    assertEquals(100, updating.warmThroughput().targetMiBps());
    assertNull(updating.warmThroughput().currentMiBps());
    awaitActive(client, name);
    assertEquals(100, summary(client, name).warmThroughput().currentMiBps());

    String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + name;
    UpdateStreamWarmThroughputResponse second =
        client.updateStreamWarmThroughput(b -> b.streamARN(arn).warmThroughputMiBps(250));
    assertEquals(250, second.warmThroughput().targetMiBps());
    assertEquals(100, second.warmThroughput().currentMiBps());
    assertKinesisError(ResourceInUseException.class,
        "Stream " + name + " under account 000000000000 not ACTIVE, instead in state UPDATING",
        () -> client.updateStreamWarmThroughput(b -> b.streamName(name).warmThroughputMiBps(300)));
    awaitActive(client, name);
    StreamDescriptionSummary done = summary(client, name);
    assertEquals(250, done.warmThroughput().targetMiBps());
    assertEquals(250, done.warmThroughput().currentMiBps());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesAProvisionedStream(ClientKind kind) {
    KinesisClient client = KinesisClients.of(kind, committed.endpoint());
    String name = newStreamName("warm-provisioned");
    client.createStream(b -> b.streamName(name).shardCount(1));
    KinesisException error = assertKinesisError(KinesisException.class,
        "Warm throughput is not supported for stream " + name + " under account 000000000000 because it is "
            + "in PROVISIONED capacity mode.",
        () -> client.updateStreamWarmThroughput(b -> b.streamName(name).warmThroughputMiBps(10)));
    assertEquals("ValidationException", error.awsErrorDetails().errorCode());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void needsABillingCommitment(ClientKind kind) {
    String name = onDemandStream(setup(), "warm-uncommitted");
    assertKinesisError(InvalidArgumentException.class, "Warm throughput requires MinimumThroughputBillingCommitment "
            + "to be enabled for the account 000000000000 in us-east-1.",
        () -> client(kind).updateStreamWarmThroughput(b -> b.streamName(name).warmThroughputMiBps(10)));
    assertNull(summary(client(kind), name).warmThroughput());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesMoreThanTenGiBps(ClientKind kind) {
    KinesisClient client = KinesisClients.of(kind, committed.endpoint());
    String name = onDemandStream(client, "warm-high");
    assertKinesisError(LimitExceededException.class, "Requested warm throughput of 10241 MiBps for stream " + name
            + " under account 000000000000 exceeds the limit of 10240 MiBps.",
        () -> client.updateStreamWarmThroughput(b -> b.streamName(name).warmThroughputMiBps(10241)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void needsAnActiveStream(ClientKind kind) {
    assertNeedsAnActiveStream(kind, (client, name) ->
        client.updateStreamWarmThroughput(b -> b.streamName(name).warmThroughputMiBps(10)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void reportsAMissingStream(ClientKind kind) {
    assertReportsAMissingStream(kind, (client, name) ->
        client.updateStreamWarmThroughput(b -> b.streamName(name).warmThroughputMiBps(10)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    KinesisException missing = assertKinesisError(KinesisException.class,
        "1 validation error detected: Value null at 'warmThroughputMiBps' failed to satisfy constraint: Member must "
            + "not be null",
        () -> client(kind).updateStreamWarmThroughput(b -> b.streamName("any")));
    assertEquals("ValidationException", missing.awsErrorDetails().errorCode());

    assertKinesisError(KinesisException.class,
        "2 validation errors detected: Value 'a/b' at 'streamName' failed to satisfy constraint: Member must satisfy "
            + "regular expression pattern: [a-zA-Z0-9_.-]+; Value '-5' at 'warmThroughputMiBps' failed to satisfy "
            + "constraint: Member must have value greater than or equal to 0",
        () -> client(kind).updateStreamWarmThroughput(b -> b.streamName("a/b").warmThroughputMiBps(-5)));
  }
}
