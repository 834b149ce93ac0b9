package io.tributary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

class WorkerPoolsTest {
  private static final String LAST_HASH_KEY = "340282366920938463463374607431768211455";
  private static TestServer server;
  private static KinesisClient client;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("pool.log.write.size", "1", "pool.log.read.size", "2",
        "pool.bridge.size", "1", "pool.control.size", "1", "limits.decode.threads", "1"));
    client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static WorkerPools pools() {
    return server.server().services().pools();
  }

  @Test
  void eachPoolRunsOnThreadsNamedAfterIt() {
    Map<String, MeteredWorkerExecutor> byPrefix = Map.of("tributary-log-write-", pools().logWrite(),
        "tributary-log-read-", pools().logRead(), "tributary-bridge-", pools().bridge(),
        "tributary-control-", pools().control(), "tributary-decode-", pools().decode());
    byPrefix.forEach((prefix, pool) -> {
      String thread = pool.executeBlocking(() -> Thread.currentThread().getName()).await();
      assertTrue(thread.startsWith(prefix), pool.name() + " ran on " + thread);
    });
    assertEquals(List.of(1, 2, 1, 1, 1), pools().all().stream().map(MeteredWorkerExecutor::size).toList());
  }

  @Test
  void aSaturatedWritePoolDelaysNeitherReadsOfAnotherShardNorTheControlPlane() throws Exception {
    String stream = "saturated";
    client.createStream(b -> b.streamName(stream).shardCount(2));
    put(stream, "0", "first shard");
    put(stream, LAST_HASH_KEY, "second shard");
    String iterator = client.getShardIterator(b -> b.streamName(stream).shardId("shardId-000000000001")
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();

    CountDownLatch release = new CountDownLatch(1);
    pools().logWrite().executeBlocking(() -> release.await(30, TimeUnit.SECONDS));
    try {
      awaitActiveWrites(1);
      CompletableFuture<PutRecordResponse> blockedPut = CompletableFuture.supplyAsync(() -> put(stream, "0", "waits"));
      Thread.sleep(300);
      assertFalse(blockedPut.isDone(), "the write pool is not saturated");

      long started = System.nanoTime();
      List<String> read = client.getRecords(b -> b.shardIterator(iterator)).records().stream()
          .map(record -> record.data().asUtf8String()).toList();
      assertTrue(client.listStreams().streamNames().contains(stream));
      String metrics = metrics();
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertEquals(List.of("second shard"), read);
      assertTrue(elapsedMillis < 5_000, "took " + elapsedMillis + " ms");
      assertFalse(blockedPut.isDone(), "the reads ran while writes were held");
      assertEquals(1.0, gauge(metrics, "tributary_worker_pool_size", "log-write"));
      assertEquals(1.0, gauge(metrics, "tributary_worker_pool_active", "log-write"));
      assertTrue(gauge(metrics, "tributary_worker_pool_queued", "log-write") >= 1.0, metrics);
      assertEquals(2.0, gauge(metrics, "tributary_worker_pool_size", "log-read"));
      assertEquals(1.0, gauge(metrics, "tributary_worker_pool_size", "bridge"));
      assertEquals(1.0, gauge(metrics, "tributary_worker_pool_active", "control"), "the scrape itself");

      release.countDown();
      assertEquals("shardId-000000000000", blockedPut.get(10, TimeUnit.SECONDS).shardId());
    } finally {
      release.countDown();
    }
  }

  @Test
  void closingTheServerClosesEachShardLogOnTheWritePoolBeforeThePoolStops() throws Exception {
    TestServer own = TestServer.start(Map.of());
    KinesisClient ownClient = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, own.endpoint());
    ownClient.createStream(b -> b.streamName("closing").shardCount(2));
    ownClient.putRecord(b -> b.streamName("closing").partitionKey("k").data(SdkBytes.fromUtf8String("v")));
    MeteredWorkerExecutor writes = own.server().services().pools().logWrite();
    // The put's append task counts itself complete just after the answer leaves: wait for the pool to idle.
    awaitIdle(writes);
    long before = writes.completed();
    own.close();
    assertEquals(before + 2, writes.completed(), "one close task per shard log ran");
    assertEquals(0, writes.queued());
  }

  private static PutRecordResponse put(String stream, String hashKey, String data) {
    return client.putRecord(b -> b.streamName(stream).partitionKey("k").explicitHashKey(hashKey)
        .data(SdkBytes.fromUtf8String(data)));
  }

  private static void awaitActiveWrites(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pools().logWrite().active() < count) {
      if (System.nanoTime() > deadline) throw new AssertionError("the blocking task did not start");
      Thread.sleep(10);
    }
  }

  private static void awaitIdle(MeteredWorkerExecutor pool) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pool.active() > 0 || pool.queued() > 0) {
      if (System.nanoTime() > deadline) throw new AssertionError(pool.name() + " did not go idle");
      Thread.sleep(10);
    }
  }

  private static String metrics() throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.managementPort() + "/metrics");
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    return response.body();
  }

  private static double gauge(String metrics, String name, String pool) {
    Matcher line = Pattern.compile("(?m)^" + name + "\\{pool=\"" + pool + "\"} (\\S+)$").matcher(metrics);
    if (!line.find()) throw new AssertionError("no " + name + " of pool " + pool + " in:\n" + metrics);
    return Double.parseDouble(line.group(1));
  }
}
