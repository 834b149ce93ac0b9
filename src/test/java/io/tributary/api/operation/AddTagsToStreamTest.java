package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Tag;

class AddTagsToStreamTest extends ApiTest {
  static final String INVALID_CHARACTERS = "Some tags contain invalid characters. Valid characters: Unicode letters, "
      + "digits, white space, _ . / = + - % @ :.";
  static final String ILLEGAL_CHARACTERS = " because some tags contained illegal characters. The allowed characters are "
      + "Unicode letters, white-spaces, '_',',','/','=','+','-','@',':'.";

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void addsTagsAndReplacesValues(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("add-tags", 1);
    client.addTagsToStream(b -> b.streamName(name).tags(Map.of("b", "1", "ü0 _.", "x", "/=+-@:", "y", "a", "")));
    client.addTagsToStream(b -> b.streamARN(streamArn(name)).tags(Map.of("b", "2")));

    assertEquals(List.of(tag("/=+-@:", "y"), tag("a", ""), tag("b", "2"), tag("ü0 _.", "x")),
        client.listTagsForStream(b -> b.streamName(name)).tags());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesCharactersAwsRefuses(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("tag-chars", 1);
    assertKinesisError(InvalidArgumentException.class, INVALID_CHARACTERS,
        () -> client.addTagsToStream(b -> b.streamName(name).tags(Map.of("abc;def", "1"))));
    assertKinesisError(InvalidArgumentException.class, INVALID_CHARACTERS,
        () -> client.addTagsToStream(b -> b.streamName(name).tags(Map.of("a", "tab\there"))));
    assertKinesisError(InvalidArgumentException.class,
        "Failed to add tags to stream " + name + " under account 000000000000" + ILLEGAL_CHARACTERS,
        () -> client.addTagsToStream(b -> b.streamName(name).tags(Map.of("a", "100%"))));
    assertKinesisError(InvalidArgumentException.class, "Failed to add tags to stream " + name
            + " under account 000000000000 because some tag keys start with the reserved prefix 'aws:'.",
        () -> client.addTagsToStream(b -> b.streamName(name).tags(Map.of("aws:owner", "me"))));
    assertEquals(List.of(), client.listTagsForStream(b -> b.streamName(name)).tags());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void holdsAtMostFiftyTags(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("tag-limit", 1);
    client.addTagsToStream(b -> b.streamName(name).tags(tags("k", 40)));
    // Values of tags the stream has already do not count twice.
    client.addTagsToStream(b -> b.streamName(name).tags(tags("k", 40)));
    assertKinesisError(InvalidArgumentException.class, "Failed to add tags to stream " + name
            + " under account 000000000000 because a given stream cannot have more than 10 tags associated with it.",
        () -> client.addTagsToStream(b -> b.streamName(name).tags(tags("extra", 11))));
    client.addTagsToStream(b -> b.streamName(name).tags(tags("extra", 10)));
    assertEquals(50, client.listTagsForStream(b -> b.streamName(name)).tags().size());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    KinesisClient client = client(kind);
    assertErrorCode("ValidationException", "1 validation error detected: Value null at 'tags' failed to satisfy "
        + "constraint: Member must not be null", () -> client.addTagsToStream(b -> b.streamName("any")));
    assertErrorCode("ValidationException", "2 validation errors detected: Value '{}' at 'tags' failed to satisfy "
            + "constraint: Member must have length greater than or equal to 1; Value 'bad name!' at 'streamName' failed "
            + "to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        () -> client.addTagsToStream(b -> b.streamName("bad name!").tags(Map.of())));
    String longKey = "k".repeat(129);
    assertErrorCode("ValidationException", "1 validation error detected: Value '{" + longKey + "=v}' at 'tags' failed "
            + "to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to "
            + "128, Member must have length greater than or equal to 1]",
        () -> client.addTagsToStream(b -> b.streamName("any").tags(Map.of(longKey, "v"))));
    String longValue = "v".repeat(257);
    assertErrorCode("ValidationException", "1 validation error detected: Value '{a=1, k=" + longValue + "}' at 'tags' "
            + "failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or "
            + "equal to 256, Member must have length greater than or equal to 0]",
        () -> client.addTagsToStream(b -> b.streamName("any").tags(Map.of("k", longValue, "a", "1"))));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void failsForAMissingStream(ClientKind kind) {
    assertKinesisError(ResourceNotFoundException.class, "Stream missing-stream under account 000000000000 not found.",
        () -> client(kind).addTagsToStream(b -> b.streamName("missing-stream").tags(Map.of("a", "b"))));
  }

  static Map<String, String> tags(String prefix, int count) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) tags.put(prefix + i, "v" + i);
    return tags;
  }

  static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }
}
