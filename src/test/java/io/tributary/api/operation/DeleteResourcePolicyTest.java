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

class DeleteResourcePolicyTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void removesThePolicyOfAStreamOrAConsumer(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("delete-policy", 1);
    String arn = streamArn(name);
    String consumerArn = registerConsumer(name, "reader").consumerARN();
    setup().putResourcePolicy(b -> b.resourceARN(arn).policy(policy(arn, "kinesis:GetRecords")));
    setup().putResourcePolicy(b -> b.resourceARN(consumerArn).policy(policy(consumerArn, "kinesis:SubscribeToShard")));

    client.deleteResourcePolicy(b -> b.resourceARN(consumerArn));
    assertEquals("{}", client.getResourcePolicy(b -> b.resourceARN(consumerArn)).policy());
    assertEquals(policy(arn, "kinesis:GetRecords"), client.getResourcePolicy(b -> b.resourceARN(arn)).policy());
    client.deleteResourcePolicy(b -> b.resourceARN(arn));
    assertEquals("{}", client.getResourcePolicy(b -> b.resourceARN(arn)).policy());

    assertKinesisError(ResourceNotFoundException.class, "No resource policy found for resource ARN " + arn + ".",
        () -> client.deleteResourcePolicy(b -> b.resourceARN(arn)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void failsForAMissingResource(ClientKind kind) {
    String missing = streamArn("missing-stream");
    assertKinesisError(ResourceNotFoundException.class, "Stream " + missing + " under account 000000000000 not found.",
        () -> client(kind).deleteResourcePolicy(b -> b.resourceARN(missing)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    assertErrorCode("ValidationException", "1 validation error detected: Value 'arn:aws:s3:::bucket' at 'resourceARN' "
            + "failed to satisfy constraint: Member must satisfy regular expression pattern: " + ARN_PATTERN,
        () -> client(kind).deleteResourcePolicy(b -> b.resourceARN("arn:aws:s3:::bucket")));
  }
}
