package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class DescribeStreamConsumerTest extends ApiTest {
  static final String CONSUMER_ARN_PATTERN =
      "^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+";

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void describesAConsumerByArnByNameOrByBoth(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("describe-consumer", 1);
    Consumer consumer = registerConsumer(name, "reader");

    ConsumerDescription byArn = client.describeStreamConsumer(b -> b.consumerARN(consumer.consumerARN()))
        .consumerDescription();
    assertEquals("reader", byArn.consumerName());
    assertEquals(consumer.consumerARN(), byArn.consumerARN());
    assertEquals(ConsumerStatus.ACTIVE, byArn.consumerStatus());
    assertEquals(consumer.consumerCreationTimestamp(), byArn.consumerCreationTimestamp());
    assertEquals(streamArn(name), byArn.streamARN());
    assertEquals(byArn, client.describeStreamConsumer(b -> b.streamARN(streamArn(name)).consumerName("reader"))
        .consumerDescription());
    assertEquals(byArn, client.describeStreamConsumer(b -> b.streamARN(streamArn(name)).consumerName("reader")
        .consumerARN(consumer.consumerARN())).consumerDescription());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesMembersThatDoNotAgree(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("describe-conflict", 1);
    String arn = registerConsumer(name, "reader").consumerARN();
    assertKinesisError(InvalidArgumentException.class, "Either ConsumerARN or both StreamARN and ConsumerName must be "
        + "provided.", () -> client.describeStreamConsumer(b -> b.consumerName("reader")));
    assertKinesisError(InvalidArgumentException.class, "Either ConsumerARN or both StreamARN and ConsumerName must be "
        + "provided.", () -> client.describeStreamConsumer(b -> b.streamARN(streamArn(name))));
    assertKinesisError(InvalidArgumentException.class, "StreamARN " + streamArn("other") + " does not match the stream "
        + "of ConsumerARN " + arn + ".", () -> client.describeStreamConsumer(b -> b.consumerARN(arn)
        .streamARN(streamArn("other"))));
    assertKinesisError(InvalidArgumentException.class, "ConsumerName writer does not match the name in ConsumerARN "
        + arn + ".", () -> client.describeStreamConsumer(b -> b.consumerARN(arn).consumerName("writer")));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void failsForAMissingConsumerOrStream(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("describe-missing", 1);
    assertKinesisError(ResourceNotFoundException.class, "Consumer nobody, account 000000000000 not found.",
        () -> client.describeStreamConsumer(b -> b.streamARN(streamArn(name)).consumerName("nobody")));
    Consumer consumer = registerConsumer(name, "reader");
    // The same name at another creation time is another consumer.
    String stale = streamArn(name) + "/consumer/reader:" + (consumer.consumerCreationTimestamp().getEpochSecond() - 60);
    assertKinesisError(ResourceNotFoundException.class, "Consumer " + stale + ", account 000000000000 not found.",
        () -> client.describeStreamConsumer(b -> b.consumerARN(stale)));
    assertKinesisError(ResourceNotFoundException.class, "Stream missing-stream under account 000000000000 not found.",
        () -> client.describeStreamConsumer(b -> b.streamARN(streamArn("missing-stream")).consumerName("reader")));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    String notAConsumer = streamArn("orders");
    assertErrorCode("ValidationException", "2 validation errors detected: Value 'a b' at 'consumerName' failed to "
            + "satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '" + notAConsumer
            + "' at 'consumerARN' failed to satisfy constraint: Member must satisfy regular expression pattern: "
            + CONSUMER_ARN_PATTERN,
        () -> client(kind).describeStreamConsumer(b -> b.consumerName("a b").consumerARN(notAConsumer)));
  }
}
