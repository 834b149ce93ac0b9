package io.tributary.api.operation;

import static io.tributary.api.operation.AddTagsToStreamTest.tag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListTagsForStreamResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class ListTagsForStreamTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void listsTagsByKeyAPageAtATime(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("list-tags", 1);
    ListTagsForStreamResponse none = client.listTagsForStream(b -> b.streamName(name));
    assertEquals(List.of(), none.tags());
    assertFalse(none.hasMoreTags());

    setup().addTagsToStream(b -> b.streamName(name).tags(Map.of("e", "5", "b", "2", "d", "4", "a", "1", "c", "3")));
    ListTagsForStreamResponse first = client.listTagsForStream(b -> b.streamName(name).limit(2));
    assertEquals(List.of(tag("a", "1"), tag("b", "2")), first.tags());
    assertTrue(first.hasMoreTags());
    ListTagsForStreamResponse second = client.listTagsForStream(b -> b.streamARN(streamArn(name)).limit(2)
        .exclusiveStartTagKey("b"));
    assertEquals(List.of(tag("c", "3"), tag("d", "4")), second.tags());
    assertTrue(second.hasMoreTags());
    ListTagsForStreamResponse last = client.listTagsForStream(b -> b.streamName(name).exclusiveStartTagKey("cc"));
    assertEquals(List.of(tag("d", "4"), tag("e", "5")), last.tags());
    assertFalse(last.hasMoreTags());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    assertErrorCode("ValidationException", "3 validation errors detected: Value '51' at 'limit' failed to satisfy "
            + "constraint: Member must have value less than or equal to 50; Value '' at 'exclusiveStartTagKey' failed "
            + "to satisfy constraint: Member must have length greater than or equal to 1; Value 'bad name!' at "
            + "'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        () -> client(kind).listTagsForStream(b -> b.streamName("bad name!").exclusiveStartTagKey("").limit(51)));
    assertErrorCode("ValidationException", "1 validation error detected: Value '0' at 'limit' failed to satisfy "
            + "constraint: Member must have value greater than or equal to 1",
        () -> client(kind).listTagsForStream(b -> b.streamName("any").limit(0)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void failsForAMissingStream(ClientKind kind) {
    assertKinesisError(ResourceNotFoundException.class, "Stream missing-stream under account 000000000000 not found.",
        () -> client(kind).listTagsForStream(b -> b.streamName("missing-stream")));
  }
}
