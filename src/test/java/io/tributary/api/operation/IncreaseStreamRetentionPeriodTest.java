package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.MutableClock;
import io.tributary.support.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

class IncreaseStreamRetentionPeriodTest extends ApiTest {

  private static int retention(KinesisClient client, String stream) {
    return client.describeStream(b -> b.streamName(stream)).streamDescription().retentionPeriodHours();
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void raisesTheRetentionPeriod(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("retention-up", 1);
    client.increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(48));
    assertEquals(48, retention(client, name));

    String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + name;
    client.increaseStreamRetentionPeriod(b -> b.streamARN(arn).retentionPeriodHours(8760));
    assertEquals(8760, client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary()
        .retentionPeriodHours());
    // Asking for the period the stream already has is no error.
    client.increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(8760));
    assertEquals(8760, retention(client, name));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesAPeriodShorterThanTheCurrentOne(ClientKind kind) {
    String name = createStream("retention-up-short", 1);
    client(kind).increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(72));
    assertKinesisError(InvalidArgumentException.class, "Requested retention period (48 hours) for stream " + name
            + " can not be shorter than existing retention period (72 hours). Use DecreaseRetentionPeriod API.",
        () -> client(kind).increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(48)));
    assertEquals(72, retention(client(kind), name));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesPeriodsOutsideTwentyFourHoursToOneYear(ClientKind kind) {
    String name = createStream("retention-up-bounds", 1);
    assertKinesisError(InvalidArgumentException.class,
        "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.",
        () -> client(kind).increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(23)));
    assertKinesisError(InvalidArgumentException.class,
        "Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.",
        () -> client(kind).increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(8761)));
    assertEquals(24, retention(client(kind), name));
  }

  @Test
  void keepsRecordsReadableForTheLongerPeriod() {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(Map.of(), clock)) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_JSON_HTTP1, server.endpoint());
      client.createStream(b -> b.streamName("kept").shardCount(1));
      client.putRecord(b -> b.streamName("kept").partitionKey("k").data(SdkBytes.fromUtf8String("old")));
      client.increaseStreamRetentionPeriod(b -> b.streamName("kept").retentionPeriodHours(48));
      clock.advance(Duration.ofHours(30));
      String iterator = iterator(client, "kept", "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
      assertEquals(List.of("old"), client.getRecords(b -> b.shardIterator(iterator)).records().stream()
          .map(r -> r.data().asUtf8String()).toList());
    }
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void needsAnActiveStream(ClientKind kind) {
    assertNeedsAnActiveStream(kind, (client, name) ->
        client.increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(48)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void reportsAMissingStream(ClientKind kind) {
    assertReportsAMissingStream(kind, (client, name) ->
        client.increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(48)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    KinesisException error = assertKinesisError(KinesisException.class,
        "2 validation errors detected: Value null at 'retentionPeriodHours' failed to satisfy constraint: Member must "
            + "not be null; Value 'bad name' at 'streamName' failed to satisfy constraint: Member must satisfy regular "
            + "expression pattern: [a-zA-Z0-9_.-]+",
        () -> client(kind).increaseStreamRetentionPeriod(b -> b.streamName("bad name")));
    assertEquals("ValidationException", error.awsErrorDetails().errorCode());
  }
}
