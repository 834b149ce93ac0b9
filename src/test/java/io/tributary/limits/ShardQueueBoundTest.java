package io.tributary.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.shard.ShardAddress;
import io.tributary.stream.StreamKey;
import io.tributary.support.ClientKind;
import io.tributary.support.Eventually;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.EventBus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * A shard with limits.shard.queue requests in flight, or limits.shard.queue.bytes of appends, sheds the
 * next ones at once with ProvisionedThroughputExceededException (per record in PutRecords), even with
 * quotas off. The shard is made slow by holding the messages to its verticle on the event bus until the
 * test lets them through.
 */
class ShardQueueBoundTest {
  private static final String SHARD = "shardId-000000000000";
  private static final int SHARD_BYTES = 4096;
  private static TestServer server;
  private static KinesisClient client;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("limits.shard.queue", "2", "limits.shard.queue.bytes", String.valueOf(SHARD_BYTES),
        "storage", "memory"));
    client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The deliveries held back, each with the context it must go on from. */
  private record Held(Context context, DeliveryContext<?> delivery) { }

  @Test
  void aFullShardQueueThrottlesAtOnce() throws Exception {
    String stream = "queue-bound";
    client.createStream(b -> b.streamName(stream).shardCount(1));
    String iterator = client.getShardIterator(b -> b.streamName(stream).shardId(SHARD)
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    String uid = server.server().services().registry().find(new StreamKey("000000000000", "us-east-1", stream)).uid();
    String address = ShardAddress.of(uid, SHARD);

    Vertx vertx = server.server().services().vertx();
    EventBus bus = vertx.eventBus();
    List<Held> held = new CopyOnWriteArrayList<>();
    Handler<DeliveryContext<Object>> slowShard = delivery -> {
      if (delivery.message().address().equals(address)) {
        held.add(new Held(Vertx.currentContext(), delivery));
      } else {
        delivery.next();
      }
    };
    bus.addInboundInterceptor(slowShard);
    List<CompletableFuture<PutRecordResponse>> queued;
    try {
      queued = List.of(CompletableFuture.supplyAsync(() -> put(stream)), CompletableFuture.supplyAsync(() -> put(stream)));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (held.size() < 2 && System.nanoTime() < deadline) Thread.sleep(5);
      assertEquals(2, held.size(), "two appends wait at the shard");

      String throttled = "Rate exceeded for shard " + SHARD + " in stream " + stream + " under account 000000000000.";
      ProvisionedThroughputExceededException error =
          assertThrows(ProvisionedThroughputExceededException.class, () -> put(stream));
      assertEquals(throttled, error.awsErrorDetails().errorMessage());
      PutRecordsResponse batch = client.putRecords(b -> b.streamName(stream).records(
          PutRecordsRequestEntry.builder().partitionKey("a").data(SdkBytes.fromUtf8String("1")).build(),
          PutRecordsRequestEntry.builder().partitionKey("b").data(SdkBytes.fromUtf8String("2")).build()));
      assertEquals(2, batch.failedRecordCount());
      batch.records().forEach(record -> {
        assertEquals("ProvisionedThroughputExceededException", record.errorCode());
        assertEquals(throttled, record.errorMessage());
      });
      ProvisionedThroughputExceededException readError =
          assertThrows(ProvisionedThroughputExceededException.class, () -> client.getRecords(b -> b.shardIterator(iterator)));
      assertEquals("Rate exceeded for Shard - 000000000000/" + stream + "/" + SHARD,
          readError.awsErrorDetails().errorMessage());
      assertEquals(2, held.size(), "throttled calls never reached the shard");
    } finally {
      bus.removeInboundInterceptor(slowShard);
      for (Held waiting : held) waiting.context().runOnContext(v -> waiting.delivery().next());
    }
    for (CompletableFuture<PutRecordResponse> put : queued) assertNotNull(put.get(10, TimeUnit.SECONDS).sequenceNumber());
    assertEquals(2, client.getRecords(b -> b.shardIterator(iterator)).records().size());
    assertNotNull(put(stream).sequenceNumber());
    assertEquals(3, counted(ThrottleCounters.WRITE, stream));
    assertEquals(1, counted(ThrottleCounters.READ, stream));
  }

  @Test
  void theBytesOfAppendsInFlightAreBoundedPerShard() throws Exception {
    String stream = "queue-bytes";
    client.createStream(b -> b.streamName(stream).shardCount(1));
    String uid = server.server().services().registry().find(new StreamKey("000000000000", "us-east-1", stream)).uid();
    String address = ShardAddress.of(uid, SHARD);
    SdkBytes big = SdkBytes.fromByteArray(new byte[SHARD_BYTES * 3 / 4]);

    EventBus bus = server.server().services().vertx().eventBus();
    List<Held> held = new CopyOnWriteArrayList<>();
    Handler<DeliveryContext<Object>> slowShard = delivery -> {
      if (delivery.message().address().equals(address)) {
        held.add(new Held(Vertx.currentContext(), delivery));
      } else {
        delivery.next();
      }
    };
    bus.addInboundInterceptor(slowShard);
    CompletableFuture<PutRecordResponse> queued;
    try {
      queued = CompletableFuture.supplyAsync(() -> client.putRecord(b -> b.streamName(stream).partitionKey("k").data(big)));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (held.isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
      assertEquals(1, held.size(), "one append waits at the shard, below the count bound");

      ProvisionedThroughputExceededException error = assertThrows(ProvisionedThroughputExceededException.class,
          () -> client.putRecord(b -> b.streamName(stream).partitionKey("k").data(big)));
      assertEquals("Rate exceeded for shard " + SHARD + " in stream " + stream + " under account 000000000000.",
          error.awsErrorDetails().errorMessage());
      assertEquals(1, held.size(), "the throttled append never reached the shard");
    } finally {
      bus.removeInboundInterceptor(slowShard);
      for (Held waiting : held) waiting.context().runOnContext(v -> waiting.delivery().next());
    }
    assertNotNull(queued.get(10, TimeUnit.SECONDS).sequenceNumber());
    assertNotNull(client.putRecord(b -> b.streamName(stream).partitionKey("k").data(big)).sequenceNumber(),
        "the bytes are released once the append is answered");
    Eventually.assertEqualsWithin(Duration.ofSeconds(2), 0, () -> server.server().services().budgets().appends().used(),
        "every append's bytes are released");
  }

  private static PutRecordResponse put(String stream) {
    return client.putRecord(b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String("queued")));
  }

  private static double counted(String metric, String stream) {
    return server.server().services().meters().get("tributary.throttled").tags("metric", metric, "stream", stream)
        .counter().count();
  }
}
