package io.tributary.api.operation;

import static io.tributary.api.operation.AddTagsToStreamTest.ILLEGAL_CHARACTERS;
import static io.tributary.api.operation.AddTagsToStreamTest.INVALID_CHARACTERS;
import static io.tributary.api.operation.AddTagsToStreamTest.tag;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class RemoveTagsFromStreamTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void removesTagsByKeyAndIgnoresKeysNotThere(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("remove-tags", 1);
    setup().addTagsToStream(b -> b.streamName(name).tags(Map.of("a", "1", "b", "2", "ü0 _.", "3")));
    client.removeTagsFromStream(b -> b.streamName(name).tagKeys("b", "ü0 _.", "never-there"));
    assertEquals(List.of(tag("a", "1")), client.listTagsForStream(b -> b.streamName(name)).tags());
    client.removeTagsFromStream(b -> b.streamARN(streamArn(name)).tagKeys("a"));
    assertEquals(List.of(), client.listTagsForStream(b -> b.streamName(name)).tags());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesCharactersAwsRefuses(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("untag-chars", 1);
    assertKinesisError(InvalidArgumentException.class, INVALID_CHARACTERS,
        () -> client.removeTagsFromStream(b -> b.streamName(name).tagKeys("abc,def")));
    assertKinesisError(InvalidArgumentException.class,
        "Failed to remove tags from stream " + name + " under account 000000000000" + ILLEGAL_CHARACTERS,
        () -> client.removeTagsFromStream(b -> b.streamName(name).tagKeys("abc%def")));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    KinesisClient client = client(kind);
    assertErrorCode("ValidationException", "1 validation error detected: Value null at 'tagKeys' failed to satisfy "
        + "constraint: Member must not be null", () -> client.removeTagsFromStream(b -> b.streamName("any")));
    assertErrorCode("ValidationException", "3 validation errors detected: Value '[]' at 'tagKeys' failed to satisfy "
            + "constraint: Member must have length greater than or equal to 1; Value '' at 'streamName' failed to "
            + "satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value '' at "
            + "'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
        () -> client.removeTagsFromStream(b -> b.streamName("").tagKeys(List.of())));
    String longKey = "k".repeat(129);
    assertErrorCode("ValidationException", "1 validation error detected: Value '[a, " + longKey + ", b]' at 'tagKeys' "
            + "failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or "
            + "equal to 128, Member must have length greater than or equal to 1]",
        () -> client.removeTagsFromStream(b -> b.streamName("any").tagKeys("a", longKey, "b")));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 51; i++) keys.add("k" + i);
    assertErrorCode("ValidationException", "1 validation error detected: Value '" + keys + "' at 'tagKeys' failed to "
            + "satisfy constraint: Member must have length less than or equal to 50",
        () -> client.removeTagsFromStream(b -> b.streamName("any").tagKeys(keys)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void failsForAMissingStream(ClientKind kind) {
    assertKinesisError(ResourceNotFoundException.class, "Stream missing-stream under account 000000000000 not found.",
        () -> client(kind).removeTagsFromStream(b -> b.streamName("missing-stream").tagKeys("a")));
  }
}
