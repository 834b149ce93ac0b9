package io.tributary.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** What the per-operation tests share: the suite's server, its clients, unique stream names and assertions. */
public abstract class ApiTest {
  private static final AtomicInteger STREAMS = new AtomicInteger();
  private static final List<String> NAMED = new CopyOnWriteArrayList<>();

  protected static TestServer server() {
    return TestServer.shared();
  }

  protected static KinesisClient client(ClientKind kind) {
    return KinesisClients.of(kind, server().endpoint());
  }

  /** The client used to set up a test's streams, whatever kind the test itself exercises. */
  protected static KinesisClient setup() {
    return client(ClientKind.SYNC_CBOR_HTTP1);
  }

  protected static String newStreamName(String prefix) {
    String name = prefix + "-" + STREAMS.incrementAndGet() + "-" + System.nanoTime() % 100000;
    NAMED.add(name);
    return name;
  }

  /**
   * Deletes the shared server's streams named by the test that ran, consumers and all, so that the suite
   * stays within the account's shard limit.
   */
  @AfterEach
  void deleteStreamsNamed() {
    for (String name : NAMED) {
      try {
        setup().deleteStream(b -> b.streamName(name).enforceConsumerDeletion(true));
      } catch (ResourceNotFoundException notThere) {
        // never created, or deleted by the test itself
      } catch (software.amazon.awssdk.services.kinesis.model.ResourceInUseException kept) {
        // a stream that still feeds a channel stays; channel tests make only a few
      }
    }
    NAMED.clear();
  }

  protected static String createStream(String prefix, int shards) {
    String name = newStreamName(prefix);
    setup().createStream(b -> b.streamName(name).shardCount(shards));
    return name;
  }

  /** The ARN of a stream of the suite's account and region. */
  protected static String streamArn(String stream) {
    return "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream;
  }

  /** Registers a consumer on a stream of the shared server (ACTIVE at once: the suite's delays are 0). */
  protected static Consumer registerConsumer(String stream, String consumerName) {
    return setup().registerStreamConsumer(b -> b.streamARN(streamArn(stream)).consumerName(consumerName)).consumer();
  }

  protected static PutRecordResponse put(String stream, String partitionKey, String data) {
    return setup().putRecord(b -> b.streamName(stream).partitionKey(partitionKey).data(SdkBytes.fromUtf8String(data)));
  }

  protected static String iterator(KinesisClient client, String stream, String shardId, ShardIteratorType type) {
    return client.getShardIterator(b -> b.streamName(stream).shardId(shardId).shardIteratorType(type)).shardIterator();
  }

  /** A new stream on {@link TestServer#sharedCreating()}, which stays CREATING. */
  protected static String creatingStream(ClientKind kind) {
    String name = newStreamName("creating");
    KinesisClients.of(kind, TestServer.sharedCreating().endpoint()).createStream(b -> b.streamName(name).shardCount(1));
    return name;
  }

  /** Waits until the stream is ACTIVE again after an asynchronous change. */
  protected static void awaitActive(KinesisClient client, String stream) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    while (client.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
        != StreamStatus.ACTIVE) {
      if (System.nanoTime() > deadline) throw new AssertionError("stream " + stream + " did not become ACTIVE");
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Asserts the call, made by {@code kind} on a stream that is still CREATING, fails as AWS answers it. */
  protected static void assertNeedsAnActiveStream(ClientKind kind, BiConsumer<KinesisClient, String> call) {
    String name = creatingStream(kind);
    assertKinesisError(ResourceInUseException.class,
        "Stream " + name + " under account 000000000000 not ACTIVE, instead in state CREATING",
        () -> call.accept(KinesisClients.of(kind, TestServer.sharedCreating().endpoint()), name));
  }

  /** Asserts the call, made by {@code kind} on a stream that does not exist, fails as AWS answers it. */
  protected static void assertReportsAMissingStream(ClientKind kind, BiConsumer<KinesisClient, String> call) {
    assertKinesisError(ResourceNotFoundException.class, "Stream no-such-stream under account 000000000000 not found.",
        () -> call.accept(client(kind), "no-such-stream"));
  }

  /** Asserts the call fails with exactly this Kinesis error type and message. */
  protected static <T extends AwsServiceException> T assertKinesisError(Class<T> type, String message, Executable call) {
    T error = assertThrows(type, call);
    assertEquals(400, error.statusCode(), "HTTP status");
    assertEquals(message, error.awsErrorDetails().errorMessage(), "message");
    return error;
  }

  /** Asserts the call fails with exactly this error code (ValidationException and other untyped ones) and message. */
  protected static AwsServiceException assertErrorCode(String code, String message, Executable call) {
    AwsServiceException error = assertKinesisError(AwsServiceException.class, message, call);
    assertEquals(code, error.awsErrorDetails().errorCode(), "error code");
    return error;
  }
}
