package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.EnableEnhancedMonitoringResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.MetricsName;

class EnableEnhancedMonitoringTest extends ApiTest {
  /** Every metric, in the order AWS lists them. */
  static final List<String> ALL_METRICS = List.of("IncomingBytes", "OutgoingRecords", "IteratorAgeMilliseconds",
      "IncomingRecords", "ReadProvisionedThroughputExceeded", "WriteProvisionedThroughputExceeded", "OutgoingBytes");

  static List<String> describedMetrics(KinesisClient client, String stream) {
    var monitoring = client.describeStream(b -> b.streamName(stream)).streamDescription().enhancedMonitoring();
    assertEquals(1, monitoring.size());
    assertEquals(monitoring, client.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary()
        .enhancedMonitoring());
    return monitoring.get(0).shardLevelMetricsAsStrings();
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void switchesOnTheNamedMetrics(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("monitor", 1);
    EnableEnhancedMonitoringResponse first = client.enableEnhancedMonitoring(b -> b.streamName(name)
        .shardLevelMetrics(MetricsName.OUTGOING_BYTES, MetricsName.INCOMING_BYTES));
    assertEquals(name, first.streamName());
    assertEquals("arn:aws:kinesis:us-east-1:000000000000:stream/" + name, first.streamARN());
    assertEquals(List.of(), first.currentShardLevelMetricsAsStrings());
    assertEquals(List.of("IncomingBytes", "OutgoingBytes"), first.desiredShardLevelMetricsAsStrings());
    assertEquals(List.of("IncomingBytes", "OutgoingBytes"), describedMetrics(client, name));

    // Metrics already on stay on; the answer lists them in AWS's order.
    EnableEnhancedMonitoringResponse second = client.enableEnhancedMonitoring(b -> b.streamName(name)
        .shardLevelMetrics(MetricsName.INCOMING_RECORDS, MetricsName.INCOMING_BYTES));
    assertEquals(List.of("IncomingBytes", "OutgoingBytes"), second.currentShardLevelMetricsAsStrings());
    assertEquals(List.of("IncomingBytes", "IncomingRecords", "OutgoingBytes"), second.desiredShardLevelMetricsAsStrings());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void switchesOnEveryMetricForAll(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("monitor-all", 1);
    String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + name;
    client.enableEnhancedMonitoring(b -> b.streamARN(arn).shardLevelMetrics(MetricsName.ITERATOR_AGE_MILLISECONDS));
    EnableEnhancedMonitoringResponse all = client.enableEnhancedMonitoring(b -> b.streamARN(arn)
        .shardLevelMetrics(MetricsName.ALL));
    assertEquals(List.of("IteratorAgeMilliseconds"), all.currentShardLevelMetricsAsStrings());
    assertEquals(ALL_METRICS, all.desiredShardLevelMetricsAsStrings());
    assertEquals(ALL_METRICS, describedMetrics(client, name));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void needsAnActiveStream(ClientKind kind) {
    assertNeedsAnActiveStream(kind, (client, name) ->
        client.enableEnhancedMonitoring(b -> b.streamName(name).shardLevelMetrics(MetricsName.ALL)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void reportsAMissingStream(ClientKind kind) {
    assertReportsAMissingStream(kind, (client, name) -> client.enableEnhancedMonitoring(b -> b.streamName(name)
            .shardLevelMetrics(MetricsName.ALL)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    KinesisException missing = assertKinesisError(KinesisException.class,
        "1 validation error detected: Value null at 'shardLevelMetrics' failed to satisfy constraint: Member must not "
            + "be null",
        () -> client(kind).enableEnhancedMonitoring(b -> b.streamName("any")));
    assertEquals("ValidationException", missing.awsErrorDetails().errorCode());
    assertKinesisError(KinesisException.class,
        "1 validation error detected: Value '[]' at 'shardLevelMetrics' failed to satisfy constraint: Member must have "
            + "length greater than or equal to 1",
        () -> client(kind).enableEnhancedMonitoring(b -> b.streamName("any").shardLevelMetrics(List.of())));
    assertKinesisError(KinesisException.class,
        "1 validation error detected: Value '[IncomingBytes, Latency]' at 'shardLevelMetrics' failed to satisfy "
            + "constraint: Member must satisfy constraint: [Member must satisfy enum value set: [IncomingBytes, "
            + "IncomingRecords, OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, "
            + "ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]]",
        () -> client(kind).enableEnhancedMonitoring(b -> b.streamName("any")
            .shardLevelMetricsWithStrings("IncomingBytes", "Latency")));
    assertKinesisError(KinesisException.class,
        "1 validation error detected: Value '[ALL, ALL, ALL, ALL, ALL, ALL, ALL, ALL]' at 'shardLevelMetrics' failed "
            + "to satisfy constraint: Member must have length less than or equal to 7",
        () -> client(kind).enableEnhancedMonitoring(b -> b.streamName("any")
            .shardLevelMetricsWithStrings(java.util.Collections.nCopies(8, "ALL"))));
  }
}
