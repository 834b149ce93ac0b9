package io.tributary.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.tributary.embedded.EmbeddedTributary;
import io.tributary.junit.TributaryExtension;
import io.tributary.support.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.MetricsName;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * With limits.enforce=true the server answers as AWS does when a client goes over a quota: per record in
 * PutRecords, for the whole call in PutRecord and GetRecords, LimitExceededException for call rates. The
 * server's clock only moves when a test moves it, so every rate is exact; the SDK's retries are off. The server
 * and its clients come from {@link TributaryExtension}, as a user's tests would get them.
 */
class ThroughputQuotaTest {
  private static final String SHARD = "shardId-000000000000";
  private static final AtomicInteger STREAMS = new AtomicInteger();
  private static final MutableClock CLOCK = new MutableClock();
  @RegisterExtension
  static final TributaryExtension KINESIS = new TributaryExtension(EmbeddedTributary.builder()
      .setting("limits.enforce", "true").setting("stream.on.demand.shards", "1").clock(CLOCK));
  private static KinesisClient client;

  @BeforeAll
  static void client(KinesisClient kinesis) {
    client = kinesis;
  }

  /** Every test starts with full buckets: a second refills any of them. */
  @BeforeEach
  void refill() {
    CLOCK.advance(Duration.ofSeconds(10));
  }

  @Test
  void producerAboveAThousandRecordsPerSecondIsThrottledPerRecordAndLosesNothing() {
    String stream = createStream(1);
    int total = 5000;
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < total; i++) pending.add(i);
    int throttled = 0;
    int rounds = 0;
    // The producer sends 500 records every 100 ms (5,000 records/s) and sends the refused ones again, first.
    while (!pending.isEmpty()) {
      List<Integer> batch = List.copyOf(pending.subList(0, Math.min(500, pending.size())));
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      for (int i : batch) entries.add(PutRecordsRequestEntry.builder().partitionKey("k").data(bytes("r" + i)).build());
      PutRecordsResponse response = client.putRecords(b -> b.streamName(stream).records(entries));
      int failed = 0;
      for (int j = 0; j < batch.size(); j++) {
        PutRecordsResultEntry result = response.records().get(j);
        if (result.sequenceNumber() != null) {
          pending.remove(batch.get(j));
          continue;
        }
        failed++;
        assertEquals("ProvisionedThroughputExceededException", result.errorCode());
        assertEquals("Rate exceeded for shard " + SHARD + " in stream " + stream + " under account 000000000000.",
            result.errorMessage());
        assertNull(result.shardId());
      }
      assertEquals(failed, response.failedRecordCount());
      throttled += failed;
      rounds++;
      CLOCK.advance(Duration.ofMillis(100));
    }
    // A second's burst (1,000 records) and then 100 records per 100 ms: after n rounds 900 + 100 n are in.
    assertEquals(41, rounds, "rounds");
    assertTrue(throttled > total, "throttled " + throttled);
    assertEquals(throttled, throttledCount(ThrottleCounters.WRITE, stream), 0.0);

    List<String> read = new ArrayList<>();
    String iterator = iterator(stream);
    for (int call = 0; call < 10 && read.size() < total; call++) {
      String from = iterator;
      GetRecordsResponse page = client.getRecords(b -> b.shardIterator(from));
      for (Record record : page.records()) read.add(record.data().asUtf8String());
      iterator = page.nextShardIterator();
      CLOCK.advance(Duration.ofSeconds(1));
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < total; i++) expected.add("r" + i);
    assertEquals(expected, read, "every accepted record once, in the order produced");
  }

  @Test
  void putRecordOverOneMiBPerSecondFailsWhole() {
    String stream = createStream(1);
    client.enableEnhancedMonitoring(b -> b.streamName(stream).shardLevelMetrics(MetricsName.WRITE_PROVISIONED_THROUGHPUT_EXCEEDED));
    SdkBytes data = SdkBytes.fromByteArray(new byte[400 * 1024]);
    client.putRecord(b -> b.streamName(stream).partitionKey("k").data(data));
    client.putRecord(b -> b.streamName(stream).partitionKey("k").data(data));
    assertAwsError(ProvisionedThroughputExceededException.class,
        "Rate exceeded for shard " + SHARD + " in stream " + stream + " under account 000000000000.",
        () -> client.putRecord(b -> b.streamName(stream).partitionKey("k").data(data)));
    assertEquals(1, throttledCount(ThrottleCounters.WRITE, stream), 0.0);
    assertEquals(1, KINESIS.server().server().services().meters().get("tributary.shard.throttled")
        .tags("metric", ThrottleCounters.WRITE, "stream", stream, "shard", SHARD).counter().count(), 0.0);
    CLOCK.advance(Duration.ofMillis(400));
    client.putRecord(b -> b.streamName(stream).partitionKey("k").data(data));
  }

  @Test
  void getRecordsAboveFiveCallsPerSecondIsThrottled() {
    String stream = createStream(1);
    String iterator = iterator(stream);
    for (int i = 0; i < 5; i++) client.getRecords(b -> b.shardIterator(iterator));
    assertAwsError(ProvisionedThroughputExceededException.class,
        "Rate exceeded for Shard - 000000000000/" + stream + "/" + SHARD,
        () -> client.getRecords(b -> b.shardIterator(iterator)));
    assertEquals(1, throttledCount(ThrottleCounters.READ, stream), 0.0);
    CLOCK.advance(Duration.ofMillis(200));
    client.getRecords(b -> b.shardIterator(iterator));
  }

  @Test
  void aTenMiBReadThrottlesTheNextFiveSeconds() {
    String stream = createStream(1);
    // Ten records of 1 MiB less 1 KiB: each takes the shard's whole second of writes.
    SdkBytes data = SdkBytes.fromByteArray(new byte[1023 * 1024]);
    for (int i = 0; i < 10; i++) {
      client.putRecord(b -> b.streamName(stream).partitionKey("k").data(data));
      CLOCK.advance(Duration.ofSeconds(1));
    }
    String iterator = iterator(stream);
    assertEquals(10, client.getRecords(b -> b.shardIterator(iterator)).records().size());
    CLOCK.advance(Duration.ofMillis(4900));
    assertThrows(ProvisionedThroughputExceededException.class, () -> client.getRecords(b -> b.shardIterator(iterator)));
    CLOCK.advance(Duration.ofMillis(100));
    assertEquals(10, client.getRecords(b -> b.shardIterator(iterator)).records().size(), "read again after 5 s");
  }

  @Test
  void callRatesAnswerLimitExceeded() {
    String stream = createStream(1);
    for (int i = 0; i < 10; i++) client.describeStream(b -> b.streamName(stream));
    assertAwsError(LimitExceededException.class, "Rate exceeded for stream " + stream + " under account 000000000000.",
        () -> client.describeStream(b -> b.streamName(stream)));
    for (int i = 0; i < 5; i++) client.listStreams(b -> { });
    assertAwsError(LimitExceededException.class, "Rate exceeded for account 000000000000.",
        () -> client.listStreams(b -> { }));
    for (int i = 0; i < 5; i++) iterator(stream);
    assertAwsError(ProvisionedThroughputExceededException.class,
        "Rate exceeded for shard " + SHARD + " in stream " + stream + " under account 000000000000.",
        () -> iterator(stream));
    CLOCK.advance(Duration.ofMillis(200));
    client.describeStream(b -> b.streamName(stream));
    client.listStreams(b -> { });
    iterator(stream);
  }

  @Test
  void subscribeToShardTakesOneCallPerSecondPerConsumerAndShard(KinesisAsyncClient async) throws Exception {
    String stream = createStream(1);
    String consumerArn = client.registerStreamConsumer(b -> b.streamARN("arn:aws:kinesis:us-east-1:000000000000:stream/"
        + stream).consumerName("fan-out")).consumer().consumerARN();
    CompletableFuture<SubscribeToShardResponse> started = new CompletableFuture<>();
    async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId(SHARD).startingPosition(p -> p.type(ShardIteratorType.LATEST)),
        SubscribeToShardResponseHandler.builder().onResponse(started::complete).subscriber(event -> { }).build());
    started.get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> second = async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId(SHARD)
        .startingPosition(p -> p.type(ShardIteratorType.LATEST)), SubscribeToShardResponseHandler.builder().subscriber(event -> { }).build());
    ExecutionException failed = assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
    LimitExceededException limited = assertInstanceOf(LimitExceededException.class, failed.getCause());
    assertEquals("Rate exceeded for consumer " + consumerArn + " and shard " + SHARD + ".",
        limited.awsErrorDetails().errorMessage());
  }

  @Test
  void anOnDemandStreamTakesItsStreamCapacityOnOneShard() {
    String stream = "quota-" + STREAMS.incrementAndGet();
    client.createStream(b -> b.streamName(stream).streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
    // A new on-demand stream takes 4 MiB/s and 4,000 records/s; here all of it on its one shard.
    for (int i = 0; i < 8; i++) assertEquals(0, client.putRecords(b -> b.streamName(stream).records(records(500))).failedRecordCount());
    assertEquals(500, client.putRecords(b -> b.streamName(stream).records(records(500))).failedRecordCount());
  }

  static List<PutRecordsRequestEntry> records(int count) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + i).data(bytes("x")).build());
    return entries;
  }

  private static String createStream(int shards) {
    String name = "quota-" + STREAMS.incrementAndGet();
    client.createStream(b -> b.streamName(name).shardCount(shards));
    return name;
  }

  private static String iterator(String stream) {
    return client.getShardIterator(b -> b.streamName(stream).shardId(SHARD).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
        .shardIterator();
  }

  private static double throttledCount(String metric, String stream) {
    Counter counter = KINESIS.server().server().services().meters().find("tributary.throttled")
        .tags("metric", metric, "stream", stream).counter();
    return counter == null ? 0 : counter.count();
  }

  private static SdkBytes bytes(String text) {
    return SdkBytes.fromString(text, StandardCharsets.UTF_8);
  }

  private static void assertAwsError(Class<? extends AwsServiceException> type, String message, Executable call) {
    AwsServiceException error = assertThrows(type, call);
    assertEquals(400, error.statusCode());
    assertEquals(message, error.awsErrorDetails().errorMessage());
  }
}
