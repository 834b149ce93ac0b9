package io.tributary.api.operation;

import static io.tributary.api.operation.EnableEnhancedMonitoringTest.ALL_METRICS;
import static io.tributary.api.operation.EnableEnhancedMonitoringTest.describedMetrics;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DisableEnhancedMonitoringResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.MetricsName;

class DisableEnhancedMonitoringTest extends ApiTest {

  private static String monitoredStream(String prefix) {
    String name = createStream(prefix, 1);
    setup().enableEnhancedMonitoring(b -> b.streamName(name).shardLevelMetrics(MetricsName.ALL));
    return name;
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void switchesOffTheNamedMetrics(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = monitoredStream("unmonitor");
    DisableEnhancedMonitoringResponse first = client.disableEnhancedMonitoring(b -> b.streamName(name)
        .shardLevelMetrics(MetricsName.OUTGOING_RECORDS, MetricsName.INCOMING_BYTES));
    assertEquals(name, first.streamName());
    assertEquals("arn:aws:kinesis:us-east-1:000000000000:stream/" + name, first.streamARN());
    assertEquals(ALL_METRICS, first.currentShardLevelMetricsAsStrings());
    List<String> rest = List.of("IteratorAgeMilliseconds", "IncomingRecords", "ReadProvisionedThroughputExceeded",
        "WriteProvisionedThroughputExceeded", "OutgoingBytes");
    assertEquals(rest, first.desiredShardLevelMetricsAsStrings());
    assertEquals(rest, describedMetrics(client, name));

    // Metrics already off are no error.
    DisableEnhancedMonitoringResponse second = client.disableEnhancedMonitoring(b -> b.streamName(name)
        .shardLevelMetrics(MetricsName.INCOMING_BYTES));
    assertEquals(rest, second.currentShardLevelMetricsAsStrings());
    assertEquals(rest, second.desiredShardLevelMetricsAsStrings());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void switchesOffEveryMetricForAll(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = monitoredStream("unmonitor-all");
    String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + name;
    DisableEnhancedMonitoringResponse all = client.disableEnhancedMonitoring(b -> b.streamARN(arn)
        .shardLevelMetrics(MetricsName.ALL));
    assertEquals(ALL_METRICS, all.currentShardLevelMetricsAsStrings());
    assertEquals(List.of(), all.desiredShardLevelMetricsAsStrings());
    assertEquals(List.of(), describedMetrics(client, name));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void needsAnActiveStream(ClientKind kind) {
    assertNeedsAnActiveStream(kind, (client, name) ->
        client.disableEnhancedMonitoring(b -> b.streamName(name).shardLevelMetrics(MetricsName.ALL)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void reportsAMissingStream(ClientKind kind) {
    assertReportsAMissingStream(kind, (client, name) -> client.disableEnhancedMonitoring(b -> b.streamName(name)
            .shardLevelMetrics(MetricsName.ALL)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    KinesisException error = assertKinesisError(KinesisException.class,
        "2 validation errors detected: Value '[Everything]' at 'shardLevelMetrics' failed to satisfy constraint: "
            + "Member must satisfy constraint: [Member must satisfy enum value set: [IncomingBytes, IncomingRecords, "
            + "OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, "
            + "IteratorAgeMilliseconds, ALL]]; Value '" + "s".repeat(129) + "' at 'streamName' failed to satisfy "
            + "constraint: Member must have length less than or equal to 128",
        () -> client(kind).disableEnhancedMonitoring(b -> b.streamName("s".repeat(129))
            .shardLevelMetricsWithStrings("Everything")));
    assertEquals("ValidationException", error.awsErrorDetails().errorCode());
  }
}
