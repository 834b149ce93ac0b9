package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tributary.support.ApiTest;
import io.tributary.support.KinesisClients;
import io.tributary.support.ClientKind;
import io.tributary.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * SubscribeToShard through the Java SDK v2's async client, as KCL uses it: HTTP/2 cleartext with prior
 * knowledge, and h2 without ALPN on the TLS port. Records put after subscribing arrive pushed, within
 * milliseconds; a subscription continues from its ContinuationSequenceNumber, follows a split into the
 * children, ends after its lifetime, is refused within the takeover window and taken over after it.
 */
class SubscribeToShardTest extends ApiTest {
  private static final Map<URI, KinesisAsyncClient> ASYNC = new ConcurrentHashMap<>();
  /** A server with short windows: lifetime 3 s, takeover 300 ms, idle events every 200 ms. */
  private static TestServer quick;

  @AfterAll
  static void stopQuickServer() {
    if (quick != null) quick.close();
    quick = null;
  }

  private static synchronized TestServer quick() {
    if (quick == null) {
      quick = TestServer.start(Map.of("subscription.lifetime.ms", "3000", "subscription.takeover.ms", "300",
          "subscription.heartbeat.ms", "200"));
    }
    return quick;
  }

  @Test
  void pushesRecordsPutAfterSubscribingWithinMilliseconds() throws Exception {
    String stream = createStream("subscribe-push", 1);
    String consumer = registerConsumer(stream, "pushed").consumerARN();
    Subscription subscription = subscribe(async(server().endpoint()), consumer, "shardId-000000000000", latest());
    SubscribeToShardResponse initial = subscription.initial.get(10, TimeUnit.SECONDS);
    assertEquals(200, initial.sdkHttpResponse().statusCode());

    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long sent = System.nanoTime();
      PutRecordResponse put = put(stream, "key-" + i, "pushed-" + i);
      Received received = subscription.nextWithRecords(Duration.ofSeconds(5));
      long millis = (received.nanos - sent) / 1_000_000;
      latencies.add(millis);
      SubscribeToShardEvent event = received.event;
      assertEquals(1, event.records().size(), "one record per put: " + event);
      Record record = event.records().get(0);
      assertEquals("pushed-" + i, record.data().asUtf8String());
      assertEquals("key-" + i, record.partitionKey());
      assertEquals(put.sequenceNumber(), record.sequenceNumber());
      assertEquals(put.sequenceNumber(), event.continuationSequenceNumber());
      assertEquals(0, event.millisBehindLatest());
      Instant arrival = record.approximateArrivalTimestamp();
      assertTrue(Duration.between(arrival, Instant.now()).abs().toSeconds() < 5, "arrival " + arrival);
      assertTrue(event.childShards().isEmpty());
    }
    List<Long> sorted = latencies.stream().sorted().collect(Collectors.toList());
    System.out.println("SubscribeToShard put-to-receive latency ms (h2c, fsync=always): median "
        + sorted.get(sorted.size() / 2) + ", max " + sorted.get(sorted.size() - 1) + ", all " + latencies);
    assertTrue(sorted.get(sorted.size() - 1) < 1000, "every record arrives well under a second: " + latencies);
    assertFalse(subscription.done.isDone(), "the subscription is still open");
  }

  @Test
  void catchesUpFromTrimHorizonThenFollowsAndSendsIdleEvents() throws Exception {
    KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, quick().endpoint());
    String stream = newStreamName("subscribe-catch-up");
    client.createStream(b -> b.streamName(stream).shardCount(1));
    String consumer = client.registerStreamConsumer(b -> b.streamARN(streamArn(stream)).consumerName("c"))
        .consumer().consumerARN();
    for (int i = 0; i < 3; i++) {
      int n = i;
      client.putRecord(b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String("old-" + n)));
    }
    Subscription subscription = subscribe(async(quick().endpoint()), consumer, "shardId-000000000000",
        StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build());
    assertEquals(List.of("old-0", "old-1", "old-2"), data(subscription.records(3, Duration.ofSeconds(5))));
    // Idle: events without records keep coming, with the continuation point at the last record.
    Received idle = subscription.next(Duration.ofSeconds(2));
    assertTrue(idle.event.records().isEmpty());
    assertNotNull(idle.event.continuationSequenceNumber());
    client.putRecord(b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String("new")));
    assertEquals(List.of("new"), data(subscription.records(1, Duration.ofSeconds(5))));
  }

  @Test
  void endsAfterItsLifetimeAndResumesAfterTheContinuationSequenceNumber() throws Exception {
    KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, quick().endpoint());
    String stream = newStreamName("subscribe-resume");
    client.createStream(b -> b.streamName(stream).shardCount(1));
    String consumer = client.registerStreamConsumer(b -> b.streamARN(streamArn(stream)).consumerName("c"))
        .consumer().consumerARN();
    KinesisAsyncClient async = async(quick().endpoint());

    // On the empty shard: only idle events; their continuation point resumes at the very first record.
    Subscription first = subscribe(async, consumer, "shardId-000000000000", latest());
    String emptyContinuation = first.next(Duration.ofSeconds(2)).event.continuationSequenceNumber();
    first.done.get(10, TimeUnit.SECONDS);  // ends normally after subscription.lifetime.ms
    client.putRecord(b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String("r0")));
    client.putRecord(b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String("r1")));

    Subscription second = subscribe(async, consumer, "shardId-000000000000", after(emptyContinuation));
    assertEquals(List.of("r0", "r1"), data(second.records(2, Duration.ofSeconds(5))));
    // A reader that moves to polling from that continuation point starts at the first record as well.
    String iterator = client.getShardIterator(b -> b.streamName(stream).shardId("shardId-000000000000")
        .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(emptyContinuation))
        .shardIterator();
    assertEquals(List.of("r0", "r1"), data(client.getRecords(b -> b.shardIterator(iterator)).records()));
    String continuation = second.lastContinuation;
    second.done.get(10, TimeUnit.SECONDS);
    client.putRecord(b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String("r2")));
    client.putRecord(b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String("r3")));

    Subscription third = subscribe(async, consumer, "shardId-000000000000", after(continuation));
    assertEquals(List.of("r2", "r3"), data(third.records(2, Duration.ofSeconds(5))));
    third.done.get(10, TimeUnit.SECONDS);
    assertTrue(third.events.stream().allMatch(r -> r.event.records().isEmpty()), "nothing more than the next records");
  }

  @Test
  void followsASplitShardIntoItsChildren() throws Exception {
    String stream = createStream("subscribe-split", 1);
    String consumer = registerConsumer(stream, "split").consumerARN();
    Subscription parent = subscribe(async(server().endpoint()), consumer, "shardId-000000000000", latest());
    parent.initial.get(10, TimeUnit.SECONDS);
    put(stream, "before", "before-split");
    assertEquals(List.of("before-split"), data(parent.records(1, Duration.ofSeconds(5))));

    setup().splitShard(b -> b.streamName(stream).shardToSplit("shardId-000000000000")
        .newStartingHashKey("170141183460469231731687303715884105728"));
    Received last = parent.nextWithChildShards(Duration.ofSeconds(10));
    assertNull(last.event.continuationSequenceNumber(), "no continuation at the end of a closed shard");
    assertEquals(List.of("shardId-000000000001", "shardId-000000000002"),
        last.event.childShards().stream().map(ChildShard::shardId).collect(Collectors.toList()));
    for (ChildShard child : last.event.childShards()) {
      assertEquals(List.of("shardId-000000000000"), child.parentShards());
      assertNotNull(child.hashKeyRange().startingHashKey());
    }
    parent.done.get(5, TimeUnit.SECONDS);
    assertTrue(parent.events.isEmpty(), "nothing after ChildShards");

    // The children carry on: a record routed to the lower child is pushed to its subscriber.
    Subscription child = subscribe(async(server().endpoint()), consumer, "shardId-000000000001",
        StartingPosition.builder().type(ShardIteratorType.TRIM_HORIZON).build());
    child.initial.get(10, TimeUnit.SECONDS);
    setup().putRecord(b -> b.streamName(stream).partitionKey("x").explicitHashKey("1")
        .data(SdkBytes.fromUtf8String("in-child")));
    assertEquals(List.of("in-child"), data(child.records(1, Duration.ofSeconds(5))));
  }

  @Test
  void aSecondSubscriptionWithinFiveSecondsIsRefused() throws Exception {
    String stream = createStream("subscribe-in-use", 1);
    String consumer = registerConsumer(stream, "busy").consumerARN();
    Subscription first = subscribe(async(server().endpoint()), consumer, "shardId-000000000000", latest());
    first.initial.get(10, TimeUnit.SECONDS);
    Subscription second = subscribe(async(server().endpoint()), consumer, "shardId-000000000000", latest());
    ResourceInUseException error = assertInstanceOf(ResourceInUseException.class, failure(second.done));
    assertEquals(400, error.statusCode());
    assertEquals("Another active subscription exists for consumer " + consumer + " and shard shardId-000000000000.",
        error.awsErrorDetails().errorMessage());
    // The first one is unaffected.
    put(stream, "k", "still-here");
    assertEquals(List.of("still-here"), data(first.records(1, Duration.ofSeconds(5))));
  }

  @Test
  void aSubscriptionAfterTheWindowTakesOver() throws Exception {
    KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, quick().endpoint());
    String stream = newStreamName("subscribe-takeover");
    client.createStream(b -> b.streamName(stream).shardCount(1));
    String consumer = client.registerStreamConsumer(b -> b.streamARN(streamArn(stream)).consumerName("c"))
        .consumer().consumerARN();
    KinesisAsyncClient async = async(quick().endpoint());
    Subscription first = subscribe(async, consumer, "shardId-000000000000", latest());
    first.initial.get(10, TimeUnit.SECONDS);
    Thread.sleep(400);  // past subscription.takeover.ms
    Subscription second = subscribe(async, consumer, "shardId-000000000000", latest());
    second.initial.get(10, TimeUnit.SECONDS);

    ResourceInUseException ended = assertInstanceOf(ResourceInUseException.class, failure(first.done));
    assertTrue(ended.awsErrorDetails().errorMessage().startsWith("Another active subscription exists for consumer "),
        ended.awsErrorDetails().errorMessage());
    client.putRecord(b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String("to-second")));
    assertEquals(List.of("to-second"), data(second.records(1, Duration.ofSeconds(5))));
  }

  @Test
  void deregisteringTheConsumerEndsItsSubscription() throws Exception {
    String stream = createStream("subscribe-deregister", 1);
    String consumer = registerConsumer(stream, "leaving").consumerARN();
    Subscription subscription = subscribe(async(server().endpoint()), consumer, "shardId-000000000000", latest());
    subscription.initial.get(10, TimeUnit.SECONDS);
    setup().deregisterStreamConsumer(b -> b.consumerARN(consumer));
    subscription.done.get(5, TimeUnit.SECONDS);
  }

  @Test
  void unknownConsumerOrShardIsResourceNotFound() throws Exception {
    String stream = createStream("subscribe-unknown", 1);
    String consumer = registerConsumer(stream, "known").consumerARN();
    String unknownConsumer = streamArn(stream) + "/consumer/unknown:1700000000";
    KinesisAsyncClient async = async(server().endpoint());

    ResourceNotFoundException noConsumer = assertInstanceOf(ResourceNotFoundException.class,
        failure(subscribe(async, unknownConsumer, "shardId-000000000000", latest()).done));
    assertEquals(400, noConsumer.statusCode());
    assertEquals("Consumer " + unknownConsumer + ", account 000000000000 not found.",
        noConsumer.awsErrorDetails().errorMessage());

    ResourceNotFoundException noShard = assertInstanceOf(ResourceNotFoundException.class,
        failure(subscribe(async, consumer, "shardId-000000000009", latest()).done));
    assertEquals("Shard shardId-000000000009 in stream " + stream + " under account 000000000000 does not exist",
        noShard.awsErrorDetails().errorMessage());

    String gone = "arn:aws:kinesis:us-east-1:000000000000:stream/no-such-stream/consumer/c:1700000000";
    ResourceNotFoundException noStream = assertInstanceOf(ResourceNotFoundException.class,
        failure(subscribe(async, gone, "shardId-000000000000", latest()).done));
    assertEquals("Consumer " + gone + ", account 000000000000 not found.", noStream.awsErrorDetails().errorMessage());
  }

  @Test
  void pushesOverTheTlsPortWithH2WithoutAlpn() throws Exception {
    String stream = createStream("subscribe-tls", 1);
    String consumer = registerConsumer(stream, "secure").consumerARN();
    Subscription subscription = subscribe(async(server().tlsEndpoint()), consumer, "shardId-000000000000", latest());
    subscription.initial.get(10, TimeUnit.SECONDS);
    long sent = System.nanoTime();
    put(stream, "k", "over-tls");
    Received received = subscription.nextWithRecords(Duration.ofSeconds(5));
    long millis = (received.nanos - sent) / 1_000_000;
    System.out.println("SubscribeToShard put-to-receive latency ms (h2 over TLS): " + millis);
    assertEquals("over-tls", received.event.records().get(0).data().asUtf8String());
    assertTrue(millis < 1000, "pushed in " + millis + " ms");
  }

  @Test
  void streamsOverHttp1Chunked() throws Exception {
    String stream = createStream("subscribe-http1", 1);
    String consumer = registerConsumer(stream, "plain").consumerARN();
    HttpResponse<java.io.InputStream> response = rawSubscribe(consumer, "LATEST");
    assertEquals(200, response.statusCode());
    assertEquals(HttpClient.Version.HTTP_1_1, response.version());
    assertEquals("application/vnd.amazon.eventstream", response.headers().firstValue("Content-Type").orElse(null));
    assertEquals("chunked", response.headers().firstValue("Transfer-Encoding").orElse(null));
    try (java.io.DataInputStream body = new java.io.DataInputStream(response.body())) {
      String first = readFrame(body);
      assertTrue(first.contains("initial-response") && first.endsWith("{}"), first);
      put(stream, "k", "chunked");
      String event = readFrame(body);
      while (!event.contains("\"Data\"")) event = readFrame(body);  // skip idle events
      assertTrue(event.contains("SubscribeToShardEvent"), event);
      assertTrue(event.contains("\"Data\":\"Y2h1bmtlZA==\""), event);
      assertTrue(event.contains("\"ApproximateArrivalTimestamp\":1"), event);
    }
  }

  @Test
  void aSlowSubscriberSlowsOnlyItself() throws Exception {
    String stream = createStream("subscribe-slow", 1);
    String slowConsumer = registerConsumer(stream, "slow").consumerARN();
    String fastConsumer = registerConsumer(stream, "fast").consumerARN();
    HttpResponse<java.io.InputStream> slow = rawSubscribe(slowConsumer, "LATEST");
    Subscription fast = subscribe(async(server().endpoint()), fastConsumer, "shardId-000000000000", latest());
    fast.initial.get(10, TimeUnit.SECONDS);
    try (java.io.DataInputStream slowBody = new java.io.DataInputStream(slow.body())) {
      assertTrue(readFrame(slowBody).contains("initial-response"));
      // 24 MiB, far more than loopback socket buffers hold, while the slow subscriber reads nothing.
      byte[] megabyte = new byte[1000 * 1024];
      int count = 24;
      for (int batch = 0; batch < count / 4; batch++) {
        int first = batch * 4;
        setup().putRecords(b -> b.streamName(stream).records(java.util.stream.IntStream.range(first, first + 4)
            .mapToObj(i -> software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry.builder()
                .partitionKey("p" + i).data(SdkBytes.fromByteArray(withIndex(megabyte, i))).build())
            .collect(Collectors.toList())));
      }
      List<Record> fastRecords = fast.records(count, Duration.ofSeconds(30));
      for (int i = 0; i < count; i++) assertEquals(i, fastRecords.get(i).data().asByteArray()[0]);

      // The slow one gets everything too, in order, once it reads.
      int seen = 0;
      while (seen < count) {
        String frame = readFrame(slowBody);
        seen += frame.split("\"SequenceNumber\"", -1).length - 1;
      }
      assertEquals(count, seen);
    }
  }

  private static byte[] withIndex(byte[] data, int index) {
    byte[] copy = data.clone();
    copy[0] = (byte) index;
    return copy;
  }

  @Test
  void countsSubscriptionsAndPushedRecords() throws Exception {
    String stream = createStream("subscribe-metrics", 1);
    String consumer = registerConsumer(stream, "counted").consumerARN();
    Subscription subscription = subscribe(async(server().endpoint()), consumer, "shardId-000000000000", latest());
    subscription.initial.get(10, TimeUnit.SECONDS);
    put(stream, "k", "counted");
    subscription.records(1, Duration.ofSeconds(5));
    String metrics = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server().managementPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("tributary_subscriptions_started_total"), metrics);
    assertTrue(metrics.contains("tributary_subscriptions_records_pushed_total"), metrics);
    assertTrue(metrics.contains("tributary_subscriptions_active"), metrics);
  }

  // --- helpers ---

  /** SubscribeToShard in JSON over HTTP/1.1, as botocore sends it; the body is the raw event stream. */
  private static HttpResponse<java.io.InputStream> rawSubscribe(String consumer, String type) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request = HttpRequest.newBuilder(server().endpoint())
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", "Kinesis_20131202.SubscribeToShard")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, "
            + "SignedHeaders=host;x-amz-date, Signature=abcd")
        .header("X-Amz-Date", "20260101T000000Z")
        .POST(HttpRequest.BodyPublishers.ofString("{\"ConsumerARN\":\"" + consumer
            + "\",\"ShardId\":\"shardId-000000000000\",\"StartingPosition\":{\"Type\":\"" + type + "\"}}"))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
  }

  /** One frame of the event stream as text (headers and payload). */
  private static String readFrame(java.io.DataInputStream in) throws java.io.IOException {
    int total = in.readInt();
    byte[] rest = new byte[total - 4];
    in.readFully(rest);
    return new String(rest, 8, rest.length - 12, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static StartingPosition latest() {
    return StartingPosition.builder().type(ShardIteratorType.LATEST).build();
  }

  private static StartingPosition after(String sequenceNumber) {
    return StartingPosition.builder().type(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(sequenceNumber).build();
  }

  private static List<String> data(List<Record> records) {
    return records.stream().map(r -> r.data().asUtf8String()).collect(Collectors.toList());
  }

  private static Throwable failure(CompletableFuture<Void> done) throws Exception {
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
    }
    return fail("the subscription did not fail");
  }

  /** The SDK's async client as KCL builds it: Netty, HTTP/2 (h2c on http, h2 without ALPN on https). */
  private static KinesisAsyncClient async(URI endpoint) {
    return ASYNC.computeIfAbsent(endpoint, e -> {
      AttributeMap trustAll = AttributeMap.builder().put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true).build();
      return KinesisAsyncClient.builder()
          .httpClient(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2).buildWithDefaults(trustAll))
          .endpointOverride(e)
          .region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
          .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()))
          .build();
    });
  }

  private static Subscription subscribe(KinesisAsyncClient client, String consumerArn, String shardId,
      StartingPosition position) {
    Subscription subscription = new Subscription();
    SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
        .onResponse(subscription.initial::complete)
        .subscriber(SubscribeToShardResponseHandler.Visitor.builder()
            .onSubscribeToShardEvent(event -> subscription.events.add(new Received(event, System.nanoTime())))
            .build())
        .build();
    subscription.done = client.subscribeToShard(b -> b.consumerARN(consumerArn).shardId(shardId)
        .startingPosition(position), handler);
    return subscription;
  }

  private record Received(SubscribeToShardEvent event, long nanos) { }

  private static final class Subscription {
    final CompletableFuture<SubscribeToShardResponse> initial = new CompletableFuture<>();
    final BlockingQueue<Received> events = new LinkedBlockingQueue<>();
    CompletableFuture<Void> done;
    String lastContinuation;

    Received next(Duration timeout) throws InterruptedException, TimeoutException {
      Received received = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (received == null) {
        throw new TimeoutException("no event within " + timeout + (done.isDone() ? "; the subscription ended: " + done : ""));
      }
      if (received.event.continuationSequenceNumber() != null) lastContinuation = received.event.continuationSequenceNumber();
      return received;
    }

    Received nextWithRecords(Duration timeout) throws InterruptedException, TimeoutException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        Received received = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        if (!received.event.records().isEmpty()) return received;
      }
    }

    Received nextWithChildShards(Duration timeout) throws InterruptedException, TimeoutException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        Received received = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        if (!received.event.childShards().isEmpty()) return received;
      }
    }

    List<Record> records(int count, Duration timeout) throws InterruptedException, TimeoutException {
      long deadline = System.nanoTime() + timeout.toNanos();
      List<Record> records = new ArrayList<>();
      while (records.size() < count) {
        records.addAll(next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))).event.records());
      }
      assertEquals(count, records.size(), "exactly the expected records");
      return records;
    }
  }
}
