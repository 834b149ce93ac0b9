package io.tributary.api.operation;

import static io.tributary.api.operation.PutResourcePolicyTest.policy;
import static io.tributary.api.operation.TagResourceTest.ARN_PATTERN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class GetResourcePolicyTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void answersThePolicyAsPutOrAnEmptyDocument(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("get-policy", 1);
    String arn = streamArn(name);
    String consumerArn = registerConsumer(name, "reader").consumerARN();
    assertEquals("{}", client.getResourcePolicy(b -> b.resourceARN(arn)).policy());
    assertEquals("{}", client.getResourcePolicy(b -> b.resourceARN(consumerArn)).policy());

    String policy = "{ \"Version\": \"2012-10-17\",\n  \"Statement\": [] }";
    setup().putResourcePolicy(b -> b.resourceARN(arn).policy(policy));
    assertEquals(policy, client.getResourcePolicy(b -> b.resourceARN(arn)).policy());
    assertEquals("{}", client.getResourcePolicy(b -> b.resourceARN(consumerArn)).policy());
    String consumerPolicy = policy(consumerArn, "kinesis:SubscribeToShard");
    setup().putResourcePolicy(b -> b.resourceARN(consumerArn).policy(consumerPolicy));
    assertEquals(consumerPolicy, client.getResourcePolicy(b -> b.resourceARN(consumerArn)).policy());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void failsForAMissingResource(ClientKind kind) {
    String name = createStream("get-policy-missing", 1);
    String consumer = streamArn(name) + "/consumer/nobody:1700000000";
    assertKinesisError(ResourceNotFoundException.class, "Consumer " + consumer + ", account 000000000000 not found.",
        () -> client(kind).getResourcePolicy(b -> b.resourceARN(consumer)));
    String missing = streamArn("missing-stream");
    assertKinesisError(ResourceNotFoundException.class, "Stream " + missing + " under account 000000000000 not found.",
        () -> client(kind).getResourcePolicy(b -> b.resourceARN(missing)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    assertErrorCode("ValidationException", "1 validation error detected: Value null at 'resourceARN' failed to satisfy "
        + "constraint: Member must not be null", () -> client(kind).getResourcePolicy(b -> { }));
    assertErrorCode("ValidationException", "2 validation errors detected: Value '' at 'resourceARN' failed to satisfy "
            + "constraint: Member must have length greater than or equal to 1; Value '' at 'resourceARN' failed to "
            + "satisfy constraint: Member must satisfy regular expression pattern: " + ARN_PATTERN,
        () -> client(kind).getResourcePolicy(b -> b.resourceARN("")));
  }
}
