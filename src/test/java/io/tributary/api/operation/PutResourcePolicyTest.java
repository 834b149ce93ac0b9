package io.tributary.api.operation;

import static io.tributary.api.operation.TagResourceTest.ARN_PATTERN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class PutResourcePolicyTest extends ApiTest {
  static final String MALFORMED = "Invalid policy document. The policy must be a valid JSON object.";

  static String policy(String resourceArn, String action) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},"
        + "\"Action\":[\"" + action + "\"],\"Resource\":\"" + resourceArn + "\"}]}";
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void attachesAndReplacesTheStreamsPolicy(ClientKind kind) {
    KinesisClient client = client(kind);
    String arn = streamArn(createStream("put-policy", 1));
    client.putResourcePolicy(b -> b.resourceARN(arn).policy(policy(arn, "kinesis:GetRecords")));
    String replacement = policy(arn, "kinesis:PutRecord");
    client.putResourcePolicy(b -> b.resourceARN(arn).policy(replacement));
    assertEquals(replacement, client.getResourcePolicy(b -> b.resourceARN(arn)).policy());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void attachesAPolicyToAConsumer(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("consumer-policy", 1);
    String consumerArn = registerConsumer(name, "reader").consumerARN();
    String policy = policy(consumerArn, "kinesis:SubscribeToShard");
    client.putResourcePolicy(b -> b.resourceARN(consumerArn).policy(policy));
    assertEquals(policy, client.getResourcePolicy(b -> b.resourceARN(consumerArn)).policy());
    assertEquals("{}", client.getResourcePolicy(b -> b.resourceARN(streamArn(name))).policy());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesAPolicyThatIsNotAJsonObject(ClientKind kind) {
    KinesisClient client = client(kind);
    String arn = streamArn(createStream("bad-policy", 1));
    for (String policy : new String[] {"not json", "[1, 2]", "\"text\"", "", "{\"Version\": \"2012-10-17\"", "{} {}"}) {
      assertKinesisError(InvalidArgumentException.class, MALFORMED,
          () -> client.putResourcePolicy(b -> b.resourceARN(arn).policy(policy)));
    }
    assertEquals("{}", client.getResourcePolicy(b -> b.resourceARN(arn)).policy());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void failsForAMissingResource(ClientKind kind) {
    KinesisClient client = client(kind);
    String missing = streamArn("missing-stream");
    assertKinesisError(ResourceNotFoundException.class, "Stream " + missing + " under account 000000000000 not found.",
        () -> client.putResourcePolicy(b -> b.resourceARN(missing).policy("{}")));
    String consumer = missing + "/consumer/reader:1700000000";
    assertKinesisError(ResourceNotFoundException.class, "Consumer " + consumer + ", account 000000000000 not found.",
        () -> client.putResourcePolicy(b -> b.resourceARN(consumer).policy("{}")));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    assertErrorCode("ValidationException", "2 validation errors detected: Value null at 'resourceARN' failed to satisfy "
            + "constraint: Member must not be null; Value null at 'policy' failed to satisfy constraint: Member must not "
            + "be null", () -> client(kind).putResourcePolicy(b -> { }));
    assertErrorCode("ValidationException", "1 validation error detected: Value 'orders' at 'resourceARN' failed to "
            + "satisfy constraint: Member must satisfy regular expression pattern: " + ARN_PATTERN,
        () -> client(kind).putResourcePolicy(b -> b.resourceARN("orders").policy("{}")));
  }

  @Test
  void refusesAConsumerThatIsNotActive() {
    try (TestServer slow = TestServer.start(Map.of("consumer.create.delay.ms", "60000"))) {
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_JSON_H2C, slow.endpoint());
      client.createStream(b -> b.streamName("slow").shardCount(1));
      Consumer consumer = client.registerStreamConsumer(b -> b.streamARN(streamArn("slow")).consumerName("late"))
          .consumer();
      assertKinesisError(ResourceInUseException.class, "Consumer late with creation timestamp "
              + consumer.consumerCreationTimestamp().getEpochSecond()
              + " under stream slow and account 000000000000 is not in ACTIVE status.",
          () -> client.putResourcePolicy(b -> b.resourceARN(consumer.consumerARN()).policy("{}")));
    }
  }
}
