package io.tributary.api.operation;

import static io.tributary.api.operation.AddTagsToStreamTest.ILLEGAL_CHARACTERS;
import static io.tributary.api.operation.AddTagsToStreamTest.INVALID_CHARACTERS;
import static io.tributary.api.operation.AddTagsToStreamTest.tag;
import static io.tributary.api.operation.AddTagsToStreamTest.tags;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class TagResourceTest extends ApiTest {
  static final String ARN_PATTERN = "arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+";

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void tagsAStreamByItsArn(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("tag-resource", 1);
    client.tagResource(b -> b.resourceARN(streamArn(name)).tags(Map.of("team", "data", "tier", "1")));
    client.tagResource(b -> b.resourceARN(streamArn(name)).tags(Map.of("tier", "2")));
    assertEquals(List.of(tag("team", "data"), tag("tier", "2")), client.listTagsForStream(b -> b.streamName(name)).tags());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void tagsAConsumerApartFromItsStream(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("tag-consumer", 1);
    Consumer consumer = registerConsumer(name, "reader");
    client.tagResource(b -> b.resourceARN(consumer.consumerARN()).tags(Map.of("owner", "analytics")));
    assertEquals(List.of(tag("owner", "analytics")),
        client.listTagsForResource(b -> b.resourceARN(consumer.consumerARN())).tags());
    assertEquals(List.of(), client.listTagsForResource(b -> b.resourceARN(streamArn(name))).tags());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesTagsAwsRefuses(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("tag-resource-rules", 1);
    String consumerArn = registerConsumer(name, "reader").consumerARN();
    assertKinesisError(InvalidArgumentException.class, INVALID_CHARACTERS,
        () -> client.tagResource(b -> b.resourceARN(streamArn(name)).tags(Map.of("a", "semi;colon"))));
    assertKinesisError(InvalidArgumentException.class,
        "Failed to add tags to consumer reader under account 000000000000" + ILLEGAL_CHARACTERS,
        () -> client.tagResource(b -> b.resourceARN(consumerArn).tags(Map.of("a%", "b"))));
    assertKinesisError(InvalidArgumentException.class, "Failed to add tags to stream " + name
            + " under account 000000000000 because some tag keys start with the reserved prefix 'aws:'.",
        () -> client.tagResource(b -> b.resourceARN(streamArn(name)).tags(Map.of("aws:x", "b"))));
    client.tagResource(b -> b.resourceARN(streamArn(name)).tags(tags("k", 45)));
    assertKinesisError(InvalidArgumentException.class, "Failed to add tags to stream " + name
            + " under account 000000000000 because a given stream cannot have more than 50 tags associated with it.",
        () -> client.tagResource(b -> b.resourceARN(streamArn(name)).tags(tags("more", 6))));
    assertKinesisError(InvalidArgumentException.class, "Failed to add tags to consumer reader under account "
            + "000000000000 because a given consumer cannot have more than 50 tags associated with it.",
        () -> client.tagResource(b -> b.resourceARN(consumerArn).tags(tags("k", 51))));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void failsForAMissingResource(ClientKind kind) {
    KinesisClient client = client(kind);
    String missingStream = streamArn("missing-stream");
    assertKinesisError(ResourceNotFoundException.class, "Stream " + missingStream + " under account 000000000000 not found.",
        () -> client.tagResource(b -> b.resourceARN(missingStream).tags(Map.of("a", "b"))));
    String name = createStream("tag-missing-consumer", 1);
    String missingConsumer = streamArn(name) + "/consumer/nobody:1700000000";
    assertKinesisError(ResourceNotFoundException.class, "Consumer " + missingConsumer + ", account 000000000000 not found.",
        () -> client.tagResource(b -> b.resourceARN(missingConsumer).tags(Map.of("a", "b"))));
    assertKinesisError(InvalidArgumentException.class, "ResourceARN arn:aws:kinesis:us-east-1:000000000000:deliverystream/x "
            + "is not a valid stream or consumer ARN.",
        () -> client.tagResource(b -> b.resourceARN("arn:aws:kinesis:us-east-1:000000000000:deliverystream/x")
            .tags(Map.of("a", "b"))));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    assertErrorCode("ValidationException", "2 validation errors detected: Value null at 'tags' failed to satisfy "
            + "constraint: Member must not be null; Value 'orders' at 'resourceARN' failed to satisfy constraint: "
            + "Member must satisfy regular expression pattern: " + ARN_PATTERN,
        () -> client(kind).tagResource(b -> b.resourceARN("orders")));
    assertErrorCode("ValidationException", "1 validation error detected: Value null at 'resourceARN' failed to satisfy "
        + "constraint: Member must not be null", () -> client(kind).tagResource(b -> b.tags(Map.of("a", "b"))));
  }

  @Test
  void refusesToTagAConsumerThatIsNotActive() {
    try (TestServer slow = TestServer.start(Map.of("consumer.create.delay.ms", "60000"))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, slow.endpoint());
      client.createStream(b -> b.streamName("slow").shardCount(1));
      Consumer consumer = client.registerStreamConsumer(b -> b.streamARN(streamArn("slow")).consumerName("late"))
          .consumer();
      assertKinesisError(ResourceInUseException.class, "Consumer late with creation timestamp "
              + consumer.consumerCreationTimestamp().getEpochSecond()
              + " under stream slow and account 000000000000 is not in ACTIVE status.",
          () -> client.tagResource(b -> b.resourceARN(consumer.consumerARN()).tags(Map.of("a", "b"))));
    }
  }
}
