package io.tributary.api.operation;

import static io.tributary.api.operation.AddTagsToStreamTest.ILLEGAL_CHARACTERS;
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
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class UntagResourceTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void removesTagsFromAStreamOrAConsumer(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("untag-resource", 1);
    String consumerArn = setup().registerStreamConsumer(b -> b.streamARN(streamArn(name)).consumerName("reader")
        .tags(Map.of("a", "1", "b", "2"))).consumer().consumerARN();
    setup().addTagsToStream(b -> b.streamName(name).tags(Map.of("a", "1", "b", "2")));

    client.untagResource(b -> b.resourceARN(streamArn(name)).tagKeys("a", "not-there"));
    client.untagResource(b -> b.resourceARN(consumerArn).tagKeys("b"));
    assertEquals(List.of(tag("b", "2")), client.listTagsForResource(b -> b.resourceARN(streamArn(name))).tags());
    assertEquals(List.of(tag("a", "1")), client.listTagsForResource(b -> b.resourceARN(consumerArn)).tags());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesKeysAwsRefuses(ClientKind kind) {
    String name = createStream("untag-rules", 1);
    assertKinesisError(InvalidArgumentException.class,
        "Failed to remove tags from stream " + name + " under account 000000000000" + ILLEGAL_CHARACTERS,
        () -> client(kind).untagResource(b -> b.resourceARN(streamArn(name)).tagKeys("50%")));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void failsForAMissingResource(ClientKind kind) {
    String missing = streamArn("missing-stream");
    assertKinesisError(ResourceNotFoundException.class, "Stream " + missing + " under account 000000000000 not found.",
        () -> client(kind).untagResource(b -> b.resourceARN(missing).tagKeys("a")));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    assertErrorCode("ValidationException", "2 validation errors detected: Value '[]' at 'tagKeys' failed to satisfy "
            + "constraint: Member must have length greater than or equal to 1; Value 'stream/x' at 'resourceARN' failed "
            + "to satisfy constraint: Member must satisfy regular expression pattern: " + ARN_PATTERN,
        () -> client(kind).untagResource(b -> b.resourceARN("stream/x").tagKeys(List.of())));
  }
}
