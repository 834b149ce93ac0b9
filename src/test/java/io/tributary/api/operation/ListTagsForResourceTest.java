package io.tributary.api.operation;

import static io.tributary.api.operation.AddTagsToStreamTest.tag;
import static io.tributary.api.operation.TagResourceTest.ARN_PATTERN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class ListTagsForResourceTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void listsEveryTagOfAStreamOrAConsumerByKey(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = newStreamName("list-resource-tags");
    setup().createStream(b -> b.streamName(name).shardCount(1).tags(Map.of("z", "26", "a", "1")));
    String consumerArn = setup().registerStreamConsumer(b -> b.streamARN(streamArn(name)).consumerName("reader")
        .tags(Map.of("role", "reader"))).consumer().consumerARN();

    assertEquals(List.of(tag("a", "1"), tag("z", "26")), client.listTagsForResource(b -> b.resourceARN(streamArn(name))).tags());
    assertEquals(List.of(tag("role", "reader")), client.listTagsForResource(b -> b.resourceARN(consumerArn)).tags());
    String other = createStream("no-tags", 1);
    assertEquals(List.of(), client.listTagsForResource(b -> b.resourceARN(streamArn(other))).tags());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void failsForAMissingResource(ClientKind kind) {
    String name = createStream("list-tags-gone", 1);
    String consumerArn = registerConsumer(name, "gone").consumerARN();
    setup().deregisterStreamConsumer(b -> b.consumerARN(consumerArn));
    assertKinesisError(ResourceNotFoundException.class, "Consumer " + consumerArn + ", account 000000000000 not found.",
        () -> client(kind).listTagsForResource(b -> b.resourceARN(consumerArn)));
    String missing = streamArn("missing-stream");
    assertKinesisError(ResourceNotFoundException.class, "Stream " + missing + " under account 000000000000 not found.",
        () -> client(kind).listTagsForResource(b -> b.resourceARN(missing)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    String tooLong = "arn:aws:kinesis:us-east-1:000000000000:stream/" + "x".repeat(2010);
    assertErrorCode("ValidationException", "1 validation error detected: Value '" + tooLong + "' at 'resourceARN' failed "
            + "to satisfy constraint: Member must have length less than or equal to 2048",
        () -> client(kind).listTagsForResource(b -> b.resourceARN(tooLong)));
    assertErrorCode("ValidationException", "1 validation error detected: Value 'arn:aws:kinesis:us-east-1:0:stream/x' at "
            + "'resourceARN' failed to satisfy constraint: Member must satisfy regular expression pattern: " + ARN_PATTERN,
        () -> client(kind).listTagsForResource(b -> b.resourceARN("arn:aws:kinesis:us-east-1:0:stream/x")));
  }
}
