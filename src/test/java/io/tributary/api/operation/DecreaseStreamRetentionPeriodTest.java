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

class DecreaseStreamRetentionPeriodTest extends ApiTest {

  private static int retention(KinesisClient client, String stream) {
    return client.describeStream(b -> b.streamName(stream)).streamDescription().retentionPeriodHours();
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void lowersTheRetentionPeriod(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("retention-down", 1);
    setup().increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(168));
    client.decreaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(100));
    assertEquals(100, retention(client, name));

    String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + name;
    client.decreaseStreamRetentionPeriod(b -> b.streamARN(arn).retentionPeriodHours(24));
    assertEquals(24, client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary()
        .retentionPeriodHours());
    // Asking for the period the stream already has is no error.
    client.decreaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(24));
    assertEquals(24, retention(client, name));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesAPeriodLongerThanTheCurrentOne(ClientKind kind) {
    String name = createStream("retention-down-long", 1);
    assertKinesisError(InvalidArgumentException.class, "Requested retention period (48 hours) for stream " + name
            + " can not be longer than existing retention period (24 hours). Use IncreaseRetentionPeriod API.",
        () -> client(kind).decreaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(48)));
    assertEquals(24, retention(client(kind), name));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesPeriodsOutsideTwentyFourHoursToOneYear(ClientKind kind) {
    String name = createStream("retention-down-bounds", 1);
    assertKinesisError(InvalidArgumentException.class,
        "Minimum allowed retention period is 24 hours. Requested retention period (0 hours) is too short.",
        () -> client(kind).decreaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(0)));
    assertKinesisError(InvalidArgumentException.class,
        "Maximum allowed retention period is 8760 hours. Requested retention period (10000 hours) is too long.",
        () -> client(kind).decreaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(10000)));
  }

  @Test
  void makesRecordsOlderThanTheShorterPeriodUnreadable() {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(Map.of(), clock)) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_JSON_HTTP1, server.endpoint());
      client.createStream(b -> b.streamName("trimmed").shardCount(1));
      client.increaseStreamRetentionPeriod(b -> b.streamName("trimmed").retentionPeriodHours(48));
      client.putRecord(b -> b.streamName("trimmed").partitionKey("k").data(SdkBytes.fromUtf8String("old")));
      clock.advance(Duration.ofHours(30));
      client.putRecord(b -> b.streamName("trimmed").partitionKey("k").data(SdkBytes.fromUtf8String("new")));
      client.decreaseStreamRetentionPeriod(b -> b.streamName("trimmed").retentionPeriodHours(24));
      String iterator = iterator(client, "trimmed", "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
      assertEquals(List.of("new"), client.getRecords(b -> b.shardIterator(iterator)).records().stream()
          .map(r -> r.data().asUtf8String()).toList());
    }
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void needsAnActiveStream(ClientKind kind) {
    assertNeedsAnActiveStream(kind, (client, name) ->
        client.decreaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(24)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void reportsAMissingStream(ClientKind kind) {
    assertReportsAMissingStream(kind, (client, name) ->
        client.decreaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(24)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    KinesisException error = assertKinesisError(KinesisException.class,
        "1 validation error detected: Value null at 'retentionPeriodHours' failed to satisfy constraint: Member must "
            + "not be null",
        () -> client(kind).decreaseStreamRetentionPeriod(b -> b.streamName("any")));
    assertEquals("ValidationException", error.awsErrorDetails().errorCode());
  }
}
