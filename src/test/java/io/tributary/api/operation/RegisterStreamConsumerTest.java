package io.tributary.api.operation;

import static io.tributary.api.operation.AddTagsToStreamTest.INVALID_CHARACTERS;
import static io.tributary.api.operation.AddTagsToStreamTest.tag;
import static io.tributary.api.operation.AddTagsToStreamTest.tags;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class RegisterStreamConsumerTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void registersAConsumerThatIsCreatingThenActive(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("register", 1);
    Instant before = Instant.now().minusSeconds(1);
    Consumer consumer = client.registerStreamConsumer(b -> b.streamARN(streamArn(name)).consumerName("reader.v1_a-b"))
        .consumer();

    assertEquals("reader.v1_a-b", consumer.consumerName());
    assertEquals(ConsumerStatus.CREATING, consumer.consumerStatus());
    Instant created = consumer.consumerCreationTimestamp();
    assertTrue(created.isAfter(before) && created.isBefore(Instant.now().plusSeconds(1)), "creation time " + created);
    assertEquals(streamArn(name) + "/consumer/reader.v1_a-b:" + created.getEpochSecond(), consumer.consumerARN());
    // The suite's consumer.create.delay.ms is 0.
    assertEquals(ConsumerStatus.ACTIVE, client.describeStreamConsumer(b -> b.consumerARN(consumer.consumerARN()))
        .consumerDescription().consumerStatus());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesANameInUse(ClientKind kind) {
    String name = createStream("register-twice", 1);
    Consumer first = registerConsumer(name, "reader");
    assertKinesisError(ResourceInUseException.class, "Consumer reader with creation timestamp "
            + first.consumerCreationTimestamp().getEpochSecond() + " under stream " + name
            + " and account 000000000000 already exists.",
        () -> client(kind).registerStreamConsumer(b -> b.streamARN(streamArn(name)).consumerName("reader")));
  }

  private static String fullStream;

  /** One stream with 20 consumers, shared by every client kind (so not deleted after each test). */
  private static synchronized String streamWithTwentyConsumers() {
    if (fullStream == null) {
      fullStream = "register-limit-" + System.nanoTime();
      setup().createStream(b -> b.streamName(fullStream).shardCount(1));
      for (int i = 0; i < 20; i++) registerConsumer(fullStream, "c" + i);
    }
    return fullStream;
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void allowsTwentyConsumersPerStream(ClientKind kind) {
    String name = streamWithTwentyConsumers();
    assertKinesisError(LimitExceededException.class, "This request would exceed the consumer limit for the stream "
            + name + " under account 000000000000. Current consumer count for the stream: 20. Limit: 20.",
        () -> client(kind).registerStreamConsumer(b -> b.streamARN(streamArn(name)).consumerName("one-more")));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void takesTagsForTheConsumer(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("register-tags", 1);
    Consumer consumer = client.registerStreamConsumer(b -> b.streamARN(streamArn(name)).consumerName("tagged")
        .tags(Map.of("team", "search"))).consumer();
    assertEquals(List.of(tag("team", "search")), client.listTagsForResource(b -> b.resourceARN(consumer.consumerARN())).tags());

    assertKinesisError(InvalidArgumentException.class, INVALID_CHARACTERS,
        () -> client.registerStreamConsumer(b -> b.streamARN(streamArn(name)).consumerName("bad-tags")
            .tags(Map.of("a", "new\nline"))));
    assertKinesisError(InvalidArgumentException.class, "Failed to register consumer many-tags under account 000000000000 "
            + "because a given consumer cannot have more than 50 tags associated with it.",
        () -> client.registerStreamConsumer(b -> b.streamARN(streamArn(name)).consumerName("many-tags")
            .tags(tags("k", 51))));
    assertEquals(1, client.listStreamConsumers(b -> b.streamARN(streamArn(name))).consumers().size());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void failsForAMissingStream(ClientKind kind) {
    assertKinesisError(ResourceNotFoundException.class, "Stream missing-stream under account 000000000000 not found.",
        () -> client(kind).registerStreamConsumer(b -> b.streamARN(streamArn("missing-stream")).consumerName("c")));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    KinesisClient client = client(kind);
    assertErrorCode("ValidationException", "2 validation errors detected: Value null at 'streamARN' failed to satisfy "
        + "constraint: Member must not be null; Value null at 'consumerName' failed to satisfy constraint: Member must "
        + "not be null", () -> client.registerStreamConsumer(b -> { }));
    assertErrorCode("ValidationException", "2 validation errors detected: Value 'orders' at 'streamARN' failed to "
            + "satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+; "
            + "Value 'bad name' at 'consumerName' failed to satisfy constraint: Member must satisfy regular expression "
            + "pattern: [a-zA-Z0-9_.-]+",
        () -> client.registerStreamConsumer(b -> b.streamARN("orders").consumerName("bad name")));
    assertErrorCode("ValidationException", "1 validation error detected: Value '" + "c".repeat(129) + "' at "
            + "'consumerName' failed to satisfy constraint: Member must have length less than or equal to 128",
        () -> client.registerStreamConsumer(b -> b.streamARN(streamArn("any")).consumerName("c".repeat(129))));
  }

  @Test
  void staysCreatingForTheConfiguredDelayAndAllowsFiveCreatingAtOnce() throws InterruptedException {
    try (TestServer slow = TestServer.start(Map.of("consumer.create.delay.ms", "1500"))) {
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_CBOR_H2C, slow.endpoint());
      client.createStream(b -> b.streamName("slow").shardCount(1));
      for (int i = 0; i < 5; i++) {
        int n = i;
        client.registerStreamConsumer(b -> b.streamARN(streamArn("slow")).consumerName("c" + n));
      }
      assertKinesisError(LimitExceededException.class, "This request would exceed the limit of 5 consumers in CREATING "
              + "status for the stream slow under account 000000000000.",
          () -> client.registerStreamConsumer(b -> b.streamARN(streamArn("slow")).consumerName("sixth")));
      assertEquals(ConsumerStatus.CREATING, client.describeStreamConsumer(b -> b.streamARN(streamArn("slow"))
          .consumerName("c0")).consumerDescription().consumerStatus());

      long deadline = System.nanoTime() + 10_000_000_000L;
      ConsumerStatus status;
      do {
        Thread.sleep(50);
        status = client.describeStreamConsumer(b -> b.streamARN(streamArn("slow")).consumerName("c4"))
            .consumerDescription().consumerStatus();
      } while (status != ConsumerStatus.ACTIVE && System.nanoTime() < deadline);
      assertEquals(ConsumerStatus.ACTIVE, status);
      client.registerStreamConsumer(b -> b.streamARN(streamArn("slow")).consumerName("sixth"));
    }
  }

  @Test
  void refusesAStreamThatIsNotActive() {
    try (TestServer slow = TestServer.start(Map.of("stream.create.delay.ms", "60000"))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_JSON_HTTP1, slow.endpoint());
      client.createStream(b -> b.streamName("new").shardCount(1));
      assertKinesisError(ResourceInUseException.class, "Stream new under account 000000000000 not ACTIVE, instead in state CREATING",
          () -> client.registerStreamConsumer(b -> b.streamARN(streamArn("new")).consumerName("early")));
    }
  }
}
