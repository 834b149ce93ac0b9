package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

class DescribeStreamSummaryTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void summarisesAStreamAndCountsItsConsumers(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("summary", 2);
    StreamDescriptionSummary summary = client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary();
    assertEquals(name, summary.streamName());
    assertEquals(streamArn(name), summary.streamARN());
    assertEquals(StreamStatus.ACTIVE, summary.streamStatus());
    assertEquals(2, summary.openShardCount());
    assertEquals(0, summary.consumerCount());

    registerConsumer(name, "one");
    String second = registerConsumer(name, "two").consumerARN();
    assertEquals(2, client.describeStreamSummary(b -> b.streamARN(streamArn(name))).streamDescriptionSummary()
        .consumerCount());
    setup().deregisterStreamConsumer(b -> b.consumerARN(second));
    assertEquals(1, client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().consumerCount());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void failsForAMissingStream(ClientKind kind) {
    assertKinesisError(ResourceNotFoundException.class, "Stream missing-stream under account 000000000000 not found.",
        () -> client(kind).describeStreamSummary(b -> b.streamName("missing-stream")));
  }
}
