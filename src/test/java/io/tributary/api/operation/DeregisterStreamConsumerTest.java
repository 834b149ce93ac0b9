package io.tributary.api.operation;

import static io.tributary.api.operation.DescribeStreamConsumerTest.CONSUMER_ARN_PATTERN;
import static io.tributary.api.operation.PutResourcePolicyTest.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

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
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class DeregisterStreamConsumerTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void deregistersByArnByNameOrByBoth(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("deregister", 1);
    String first = registerConsumer(name, "first").consumerARN();
    registerConsumer(name, "second");
    String third = registerConsumer(name, "third").consumerARN();

    client.deregisterStreamConsumer(b -> b.consumerARN(first));
    client.deregisterStreamConsumer(b -> b.streamARN(streamArn(name)).consumerName("second"));
    client.deregisterStreamConsumer(b -> b.streamARN(streamArn(name)).consumerName("third").consumerARN(third));
    assertEquals(List.of(), client.listStreamConsumers(b -> b.streamARN(streamArn(name))).consumers());
    assertKinesisError(ResourceNotFoundException.class, "Consumer " + first + ", account 000000000000 not found.",
        () -> client.describeStreamConsumer(b -> b.consumerARN(first)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void takesTheConsumersPolicyAndTagsWithIt(ClientKind kind) {
    String name = createStream("deregister-policy", 1);
    String arn = setup().registerStreamConsumer(b -> b.streamARN(streamArn(name)).consumerName("reader")
        .tags(Map.of("a", "b"))).consumer().consumerARN();
    setup().putResourcePolicy(b -> b.resourceARN(arn).policy(policy(arn, "kinesis:SubscribeToShard")));
    client(kind).deregisterStreamConsumer(b -> b.consumerARN(arn));

    Consumer again = registerConsumer(name, "reader");
    assertEquals("{}", setup().getResourcePolicy(b -> b.resourceARN(again.consumerARN())).policy());
    assertEquals(List.of(), setup().listTagsForResource(b -> b.resourceARN(again.consumerARN())).tags());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void failsForAConsumerNotThere(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("deregister-missing", 1);
    assertKinesisError(ResourceNotFoundException.class, "Consumer nobody, account 000000000000 not found.",
        () -> client.deregisterStreamConsumer(b -> b.streamARN(streamArn(name)).consumerName("nobody")));
    assertKinesisError(ResourceNotFoundException.class, "Stream missing-stream under account 000000000000 not found.",
        () -> client.deregisterStreamConsumer(b -> b.streamARN(streamArn("missing-stream")).consumerName("nobody")));
    assertKinesisError(InvalidArgumentException.class, "Either ConsumerARN or both StreamARN and ConsumerName must be "
        + "provided.", () -> client.deregisterStreamConsumer(b -> { }));
    String arn = registerConsumer(name, "reader").consumerARN();
    assertKinesisError(InvalidArgumentException.class, "ConsumerName writer does not match the name in ConsumerARN "
        + arn + ".", () -> client.deregisterStreamConsumer(b -> b.consumerARN(arn).consumerName("writer")));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    String consumerArn = "arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c";
    assertErrorCode("ValidationException", "1 validation error detected: Value '" + consumerArn + "' at 'consumerARN' "
            + "failed to satisfy constraint: Member must satisfy regular expression pattern: " + CONSUMER_ARN_PATTERN,
        () -> client(kind).deregisterStreamConsumer(b -> b.consumerARN(consumerArn)));
  }

  @Test
  void staysDeletingForTheConfiguredDelay() throws InterruptedException {
    try (TestServer slow = TestServer.start(Map.of("consumer.delete.delay.ms", "400"))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, slow.endpoint());
      client.createStream(b -> b.streamName("slow").shardCount(1));
      Consumer consumer = client.registerStreamConsumer(b -> b.streamARN(streamArn("slow")).consumerName("leaving"))
          .consumer();
      client.deregisterStreamConsumer(b -> b.consumerARN(consumer.consumerARN()));
      assertEquals(ConsumerStatus.DELETING, client.describeStreamConsumer(b -> b.consumerARN(consumer.consumerARN()))
          .consumerDescription().consumerStatus());
      assertKinesisError(ResourceInUseException.class, "Consumer leaving with creation timestamp "
              + consumer.consumerCreationTimestamp().getEpochSecond()
              + " under stream slow and account 000000000000 is not in ACTIVE status.",
          () -> client.deregisterStreamConsumer(b -> b.consumerARN(consumer.consumerARN())));

      long deadline = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < deadline) {
        try {
          client.describeStreamConsumer(b -> b.consumerARN(consumer.consumerARN()));
          Thread.sleep(50);
        } catch (ResourceNotFoundException gone) {
          return;
        }
      }
      fail("the consumer was still there after 5 s");
    }
  }
}
