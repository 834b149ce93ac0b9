package io.tributary.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.embedded.EmbeddedTributary;
import io.tributary.junit.TributaryExtension;
import io.tributary.support.MutableClock;
import io.tributary.support.PrometheusScrape;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.MetricsName;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * CloudWatch's Kinesis metrics, read from a live server's /metrics after traffic driven through the AWS SDK:
 * each metric's value, per stream and per shard under enhanced monitoring, and the iterator age of a
 * consumer that lags and catches up (on a clock the test moves).
 */
class StreamMetricsTest {
  private static final MutableClock CLOCK = new MutableClock();
  private static final AtomicInteger STREAMS = new AtomicInteger();
  private static final Duration WITHIN = Duration.ofSeconds(10);

  @RegisterExtension
  static final TributaryExtension KINESIS = new TributaryExtension(EmbeddedTributary.builder()
      .setting("limits.enforce", "true")
      .setting("metrics.sweep.ms", "100")
      .clock(CLOCK));

  /** Every test starts with full quota buckets. */
  @BeforeEach
  void refill() {
    CLOCK.advance(Duration.ofSeconds(10));
  }

  @Test
  void putsCountRecordsBytesCallsAndPerShardIncoming(KinesisClient kinesis) {
    String stream = createStream(kinesis, 2);
    kinesis.enableEnhancedMonitoring(b -> b.streamName(stream).shardLevelMetrics(MetricsName.ALL));
    kinesis.putRecord(b -> b.streamName(stream).partitionKey("a").data(bytes("hello")));
    kinesis.putRecords(b -> b.streamName(stream).records(entries(3, "xyz")));
    long putRecordBytes = 1 + 5;
    long putRecordsBytes = 3 * (2 + 3);

    Map<String, String> tags = tags(stream);
    PrometheusScrape metrics = scrape();
    assertEquals(4, metrics.sum("kinesis_incoming_records_total", tags));
    assertEquals(putRecordBytes + putRecordsBytes, metrics.sum("kinesis_incoming_bytes_total", tags));
    assertEquals(1, metrics.sum("kinesis_put_record_success_total", tags));
    assertEquals(putRecordBytes, metrics.sum("kinesis_put_record_bytes_total", tags));
    assertEquals(1, metrics.sum("kinesis_put_record_latency_seconds_count", tags));
    assertTrue(metrics.sum("kinesis_put_record_latency_seconds_sum", tags) > 0);
    assertEquals(1, metrics.sum("kinesis_put_records_success_total", tags));
    assertEquals(1, metrics.sum("kinesis_put_records_latency_seconds_count", tags));
    assertEquals(3, metrics.sum("kinesis_put_records_total_records_total", tags));
    assertEquals(3, metrics.sum("kinesis_put_records_successful_records_total", tags));
    assertEquals(0, metrics.sum("kinesis_put_records_failed_records_total", tags));
    assertEquals(0, metrics.sum("kinesis_put_records_throttled_records_total", tags));
    assertEquals(putRecordsBytes, metrics.sum("kinesis_put_records_bytes_total", tags));
    // Per shard: both shards' series, adding up to the stream's.
    assertEquals(2, metrics.matching("kinesis_shard_incoming_records_total", tags).size());
    assertEquals(4, metrics.sum("kinesis_shard_incoming_records_total", tags));
    assertEquals(putRecordBytes + putRecordsBytes, metrics.sum("kinesis_shard_incoming_bytes_total", tags));
  }

  @Test
  void throttlingCountsRefusedRecordsAndReads(KinesisClient kinesis) {
    String stream = createStream(kinesis, 1);
    kinesis.enableEnhancedMonitoring(b -> b.streamName(stream).shardLevelMetrics(
        MetricsName.WRITE_PROVISIONED_THROUGHPUT_EXCEEDED, MetricsName.READ_PROVISIONED_THROUGHPUT_EXCEEDED));
    // A shard takes 1,000 records a second; the clock stands still, so the third call of 500 is refused whole.
    for (int i = 0; i < 3; i++) kinesis.putRecords(b -> b.streamName(stream).records(entries(500, "x")));
    // Five calls a second: reads at the tip, which owe no bytes, use them up.
    String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId("shardId-000000000000")
        .shardIteratorType(ShardIteratorType.LATEST)).shardIterator();
    for (int i = 0; i < 5; i++) kinesis.getRecords(b -> b.shardIterator(iterator));
    assertThrows(ProvisionedThroughputExceededException.class, () -> kinesis.getRecords(b -> b.shardIterator(iterator)));

    Map<String, String> tags = tags(stream);
    PrometheusScrape metrics = scrape();
    assertEquals(1500, metrics.sum("kinesis_put_records_total_records_total", tags));
    assertEquals(1000, metrics.sum("kinesis_put_records_successful_records_total", tags));
    assertEquals(500, metrics.sum("kinesis_put_records_throttled_records_total", tags));
    assertEquals(2, metrics.sum("kinesis_put_records_success_total", tags), "the refused call put nothing");
    assertEquals(3, metrics.sum("kinesis_put_records_latency_seconds_count", tags));
    assertEquals(500, metrics.sum("kinesis_write_provisioned_throughput_exceeded_total", tags));
    assertEquals(500, metrics.sum("kinesis_shard_write_provisioned_throughput_exceeded_total", tags));
    assertEquals(1, metrics.sum("kinesis_read_provisioned_throughput_exceeded_total", tags));
    assertEquals(1, metrics.sum("kinesis_shard_read_provisioned_throughput_exceeded_total", tags));
    assertEquals(5, metrics.sum("kinesis_get_records_success_total", tags));
    assertEquals(6, metrics.sum("kinesis_get_records_latency_seconds_count", tags));
    // Only the metrics turned on have shard series.
    assertFalse(metrics.has("kinesis_shard_incoming_records_total", tags));
  }

  @Test
  void iteratorAgeGrowsWhileAConsumerLagsAndFallsWhenItCatchesUp(KinesisClient kinesis) {
    String stream = createStream(kinesis, 1);
    kinesis.enableEnhancedMonitoring(b -> b.streamName(stream).shardLevelMetrics(MetricsName.ITERATOR_AGE_MILLISECONDS,
        MetricsName.OUTGOING_RECORDS, MetricsName.OUTGOING_BYTES));
    kinesis.putRecords(b -> b.streamName(stream).records(entries(3, "abcd")));
    long recordBytes = 2 + 4;
    Map<String, String> tags = tags(stream);

    CLOCK.advance(Duration.ofSeconds(10));
    GetRecordsResponse first = kinesis.getRecords(b -> b.shardIterator(trimHorizon(kinesis, stream)).limit(1));
    assertEquals(1, first.records().size());
    PrometheusScrape metrics = scrape();
    assertEquals(10_000, metrics.sum("kinesis_get_records_iterator_age_milliseconds", tags));
    assertEquals(10_000, metrics.sum("kinesis_shard_iterator_age_milliseconds", tags));

    CLOCK.advance(Duration.ofSeconds(5));
    GetRecordsResponse second = kinesis.getRecords(b -> b.shardIterator(first.nextShardIterator()).limit(1));
    assertEquals(1, second.records().size());
    assertEquals(15_000, scrape().sum("kinesis_get_records_iterator_age_milliseconds", tags), "still lagging: older");

    // A shard owes the bytes it returned at 2 MiB/s before it reads again; a second pays them back.
    CLOCK.advance(Duration.ofSeconds(1));
    GetRecordsResponse rest = kinesis.getRecords(b -> b.shardIterator(second.nextShardIterator()));
    assertEquals(1, rest.records().size());
    assertEquals(0, rest.millisBehindLatest());
    assertEquals(16_000, scrape().sum("kinesis_get_records_iterator_age_milliseconds", tags), "its last record's age");
    CLOCK.advance(Duration.ofSeconds(1));
    GetRecordsResponse atTip = kinesis.getRecords(b -> b.shardIterator(rest.nextShardIterator()));
    assertTrue(atTip.records().isEmpty());
    metrics = scrape();
    assertEquals(0, metrics.sum("kinesis_get_records_iterator_age_milliseconds", tags), "caught up");
    assertEquals(0, metrics.sum("kinesis_shard_iterator_age_milliseconds", tags));

    assertEquals(4, metrics.sum("kinesis_get_records_success_total", tags));
    assertEquals(3, metrics.sum("kinesis_get_records_records_total", tags));
    assertEquals(3 * recordBytes, metrics.sum("kinesis_get_records_bytes_total", tags));
    assertEquals(3, metrics.sum("kinesis_outgoing_records_total", tags));
    assertEquals(3 * recordBytes, metrics.sum("kinesis_outgoing_bytes_total", tags));
    assertEquals(3, metrics.sum("kinesis_shard_outgoing_records_total", tags));
    assertEquals(3 * recordBytes, metrics.sum("kinesis_shard_outgoing_bytes_total", tags));
  }

  @Test
  void subscribeToShardCountsSubscriptionsEventsAndRefusals(KinesisClient kinesis, KinesisAsyncClient async)
      throws Exception {
    String stream = createStream(kinesis, 1);
    String streamArn = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
    String consumerArn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("fan-out"))
        .consumer().consumerARN();
    kinesis.putRecords(b -> b.streamName(stream).records(entries(2, "hey")));
    long recordBytes = 2 + 3;

    List<SubscribeToShardEvent> events = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> subscription = async.subscribeToShard(b -> b.consumerARN(consumerArn)
            .shardId("shardId-000000000000").startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)),
        SubscribeToShardResponseHandler.builder()
            .subscriber(SubscribeToShardResponseHandler.Visitor.builder().onSubscribeToShardEvent(events::add).build())
            .build());
    Map<String, String> tags = new HashMap<>(tags(stream));
    tags.put("consumer", "fan-out");
    assertEquals(2, PrometheusScrape.await(KINESIS.server().managementEndpoint(),
        "kinesis_subscribe_to_shard_event_records_total", tags, v -> v >= 2, WITHIN));
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (events.stream().mapToInt(e -> e.records().size()).sum() < 2 && System.nanoTime() < deadline) Thread.sleep(50);
    assertEquals(2, events.stream().mapToInt(e -> e.records().size()).sum(), "records the consumer received");

    CompletableFuture<Void> second = async.subscribeToShard(b -> b.consumerARN(consumerArn)
            .shardId("shardId-000000000000").startingPosition(p -> p.type(ShardIteratorType.LATEST)),
        SubscribeToShardResponseHandler.builder().subscriber(event -> { }).build());
    ExecutionException refused = assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
    assertTrue(refused.getCause() instanceof LimitExceededException, refused.getCause().toString());

    PrometheusScrape metrics = scrape();
    assertEquals(1, metrics.sum("kinesis_subscribe_to_shard_success_total", tags));
    assertEquals(1, metrics.sum("kinesis_subscribe_to_shard_rate_exceeded_total", tags));
    assertEquals(2 * recordBytes, metrics.sum("kinesis_subscribe_to_shard_event_bytes_total", tags));
    assertTrue(metrics.sum("kinesis_subscribe_to_shard_event_success_total", tags) >= 1);
    Map<String, String> shardTags = new HashMap<>(tags);
    shardTags.put("shard", "shardId-000000000000");
    assertTrue(metrics.has("kinesis_subscribe_to_shard_event_millis_behind_latest", shardTags));
    assertEquals(0, metrics.sum("kinesis_subscribe_to_shard_event_millis_behind_latest", shardTags), "caught up");
    assertEquals(2, metrics.sum("kinesis_outgoing_records_total", tags(stream)));
    subscription.cancel(true);
  }

  @Test
  void aFanOutConsumerThatLagsIsBehindUntilItCatchesUp(KinesisClient kinesis, KinesisAsyncClient async) throws Exception {
    String stream = createStream(kinesis, 1);
    String streamArn = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
    String consumerArn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("slow"))
        .consumer().consumerARN();
    // 3,000 records of 1,000 bytes: several events of 1 MiB. The shard takes 1 MiB a second.
    String data = "x".repeat(1000);
    for (int i = 0; i < 6; i++) {
      kinesis.putRecords(b -> b.streamName(stream).records(entries(500, data)));
      CLOCK.advance(Duration.ofSeconds(1));
    }
    CLOCK.advance(Duration.ofSeconds(60));

    // The reader takes one event and no more until told: the server sends the next only once it is read.
    List<SubscribeToShardEvent> events = new CopyOnWriteArrayList<>();
    CompletableFuture<Subscription> demand = new CompletableFuture<>();
    async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId("shardId-000000000000")
            .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)),
        SubscribeToShardResponseHandler.builder().subscriber(() -> new Subscriber<>() {
          @Override
          public void onSubscribe(Subscription subscription) {
            subscription.request(1);
            demand.complete(subscription);
          }

          @Override
          public void onNext(SubscribeToShardEventStream event) {
            if (event instanceof SubscribeToShardEvent records) events.add(records);
          }

          @Override
          public void onError(Throwable failure) { }

          @Override
          public void onComplete() { }
        }).build());
    Map<String, String> tags = new HashMap<>(tags(stream));
    tags.put("consumer", "slow");
    tags.put("shard", "shardId-000000000000");
    String behind = "kinesis_subscribe_to_shard_event_millis_behind_latest";
    double lagging = PrometheusScrape.await(KINESIS.server().managementEndpoint(), behind, tags, v -> v > 0, WITHIN);
    assertTrue(lagging >= 60_000, "a minute behind and more while it lags: " + lagging);

    demand.get(10, TimeUnit.SECONDS).request(Long.MAX_VALUE);
    assertEquals(0, PrometheusScrape.await(KINESIS.server().managementEndpoint(), behind, tags, v -> v == 0, WITHIN),
        "caught up");
    Map<String, String> consumerTags = new HashMap<>(tags);
    consumerTags.remove("shard");
    assertEquals(3000, PrometheusScrape.await(KINESIS.server().managementEndpoint(),
        "kinesis_subscribe_to_shard_event_records_total", consumerTags, v -> v >= 3000, WITHIN));
    assertTrue(events.get(0).millisBehindLatest() >= 60_000, "the first event said so too");
  }

  @Test
  void seriesGoWithTheirStreamAndWhenMonitoringIsTurnedOff(KinesisClient kinesis) {
    String stream = createStream(kinesis, 1);
    kinesis.enableEnhancedMonitoring(b -> b.streamName(stream).shardLevelMetrics(MetricsName.INCOMING_RECORDS));
    kinesis.putRecord(b -> b.streamName(stream).partitionKey("a").data(bytes("1")));
    Map<String, String> tags = tags(stream);
    assertEquals(1, scrape().sum("kinesis_shard_incoming_records_total", tags));

    kinesis.disableEnhancedMonitoring(b -> b.streamName(stream).shardLevelMetrics(MetricsName.INCOMING_RECORDS));
    assertTrue(awaitGone("kinesis_shard_incoming_records_total", tags), "shard series after monitoring is off");
    assertEquals(1, scrape().sum("kinesis_incoming_records_total", tags));

    kinesis.deleteStream(b -> b.streamName(stream));
    assertTrue(awaitGone("kinesis_incoming_records_total", tags), "stream series after the stream is deleted");
  }

  private static boolean awaitGone(String name, Map<String, String> tags) {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      if (!scrape().has(name, tags)) return true;
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static String createStream(KinesisClient kinesis, int shards) {
    String name = "metered-" + STREAMS.incrementAndGet();
    kinesis.createStream(b -> b.streamName(name).shardCount(shards));
    return name;
  }

  private static String trimHorizon(KinesisClient kinesis, String stream) {
    return kinesis.getShardIterator(b -> b.streamName(stream).shardId("shardId-000000000000")
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
  }

  private static Map<String, String> tags(String stream) {
    return Map.of("account", "000000000000", "region", "us-east-1", "stream", stream);
  }

  /** Records keyed k0, k1, ... (two bytes each up to k9), each with the data given. */
  private static List<PutRecordsRequestEntry> entries(int count, String data) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + (i % 10)).data(bytes(data)).build());
    }
    return entries;
  }

  private static SdkBytes bytes(String text) {
    return SdkBytes.fromString(text, StandardCharsets.UTF_8);
  }

  private static PrometheusScrape scrape() {
    return PrometheusScrape.of(KINESIS.server().managementEndpoint());
  }
}
