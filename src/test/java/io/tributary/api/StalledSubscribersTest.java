package io.tributary.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * SubscribeToShard readers that never read (HTTP/1.1 sockets with small receive buffers, HTTP/2 streams
 * whose window is never replenished): each holds at most one event in the server's memory, all of
 * them together at most {@code limits.subscription.buffer.bytes} (the server's own gauge says so), a new
 * subscription is refused with LimitExceededException while the budget is full, and other clients are
 * served throughout.
 */
class StalledSubscribersTest {
  private static final long BUDGET = 8L * 1024 * 1024;
  private static final int READERS = 10;
  private static final int RECORDS = 24;
  private static final int RECORD_BYTES = 1_000_000;
  /** What one event may reserve: {@code ShardSubscription.RESERVED_EVENT_BYTES}. */
  private static final long EVENT_BOUND = 2L * 1024 * 1024;

  @Test
  void eachStalledReaderHoldsAtMostOneEvent() throws Exception {
    int readers = 5;
    try (TestServer server = TestServer.start(Map.of("auth.mode", "off",
        "limits.subscription.buffer.bytes", String.valueOf(64L * 1024 * 1024)))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      List<String> consumers = streamWithConsumers(client, readers);
      SubscriptionBuffers buffers = server.server().services().subscriptions().buffers();
      List<Socket> sockets = new ArrayList<>();
      try (GaugeSampler sampler = new GaugeSampler(buffers)) {
        for (String consumer : consumers) {
          Socket socket = subscribe(server.port(), consumer);
          sockets.add(socket);
          assertEquals("HTTP/1.1 200", statusLine(socket));
        }
        Thread.sleep(3_000);
        long most = sampler.most();
        assertTrue(most > 0, "the stalled readers hold events");
        assertTrue(most <= readers * EVENT_BOUND,
            readers + " stalled readers buffered " + most + " bytes: more than one event each");
        assertOthersServed(client);
      } finally {
        for (Socket socket : sockets) socket.close();
      }
      assertAllGivenBack(buffers);
    }
  }

  @Test
  void eachStalledHttp2ReaderHoldsAtMostOneEvent() throws Exception {
    int readers = 5;
    try (TestServer server = TestServer.start(Map.of("auth.mode", "off",
        "limits.subscription.buffer.bytes", String.valueOf(64L * 1024 * 1024)))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      List<String> consumers = streamWithConsumers(client, readers);
      SubscriptionBuffers buffers = server.server().services().subscriptions().buffers();
      Vertx vertx = Vertx.vertx();
      // h2c with prior knowledge, one connection per reader; a paused response stops the client granting
      // flow-control window, as a reader that never reads.
      List<HttpClient> h2 = new ArrayList<>();
      try (GaugeSampler sampler = new GaugeSampler(buffers)) {
        for (String consumer : consumers) {
          HttpClient http = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
              .setHttp2ClearTextUpgrade(false));
          h2.add(http);
          int status = http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
                  .setPort(server.port()).setURI("/")
                  .putHeader("X-Amz-Target", "Kinesis_20131202.SubscribeToShard")
                  .putHeader("Content-Type", "application/x-amz-json-1.1"))
              .compose(request -> request.send("{\"ConsumerARN\":\"" + consumer + "\",\"ShardId\":\"shardId-000000000000\","
                  + "\"StartingPosition\":{\"Type\":\"TRIM_HORIZON\"}}"))
              .map(response -> {
                response.pause();
                return response.statusCode();
              })
              .await(10, TimeUnit.SECONDS);
          assertEquals(200, status);
        }
        Thread.sleep(3_000);
        long most = sampler.most();
        assertTrue(most > 0, "the stalled readers hold events");
        assertTrue(most <= readers * EVENT_BOUND, readers + " stalled HTTP/2 readers buffered " + most
            + " bytes: more than one event each");
        assertOthersServed(client);
      } finally {
        vertx.close().await(10, TimeUnit.SECONDS);
      }
      assertAllGivenBack(buffers);
    }
  }

  @Test
  void theBudgetBoundsAllStalledReadersAndRefusesNewSubscriptions() throws Exception {
    try (TestServer server = TestServer.start(Map.of("auth.mode", "off",
        "limits.subscription.buffer.bytes", String.valueOf(BUDGET)))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      List<String> consumers = streamWithConsumers(client, READERS);
      SubscriptionBuffers buffers = server.server().services().subscriptions().buffers();
      List<Socket> sockets = new ArrayList<>();
      int accepted = 0;
      List<String> refusals = new ArrayList<>();
      try (GaugeSampler sampler = new GaugeSampler(buffers)) {
        for (String consumer : consumers) {
          Socket socket = subscribe(server.port(), consumer);
          sockets.add(socket);
          String status = statusLine(socket);
          if (status.equals("HTTP/1.1 200")) {
            accepted++;
          } else {
            refusals.add(status + readAvailable(socket));
          }
          Thread.sleep(200);
        }
        Thread.sleep(2_000);
        assertTrue(accepted >= 2, "subscriptions accepted while the budget had room: " + accepted);
        assertTrue(!refusals.isEmpty(), "a subscription is refused once the budget is full");
        for (String refusal : refusals) {
          assertTrue(refusal.startsWith("HTTP/1.1 400") && refusal.contains("LimitExceededException")
              && refusal.contains("limits.subscription.buffer.bytes"), refusal);
        }
        long most = sampler.most();
        assertTrue(most <= BUDGET, "buffered " + most + " bytes, over the budget of " + BUDGET);
        assertOthersServed(client);
      } finally {
        for (Socket socket : sockets) socket.close();
      }
      assertAllGivenBack(buffers);
    }
  }

  /** A one-shard stream holding 24 MB of records, and consumers of it, ACTIVE. */
  private static List<String> streamWithConsumers(KinesisClient client, int count) throws InterruptedException {
    client.createStream(b -> b.streamName("stalled").shardCount(1));
    String streamArn = client.describeStreamSummary(b -> b.streamName("stalled")).streamDescriptionSummary().streamARN();
    byte[] data = new byte[RECORD_BYTES];
    for (int i = 0; i < RECORDS; i += 4) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      for (int j = 0; j < 4; j++) {
        entries.add(PutRecordsRequestEntry.builder().partitionKey("k").data(SdkBytes.fromByteArray(data)).build());
      }
      assertEquals(0, client.putRecords(b -> b.streamName("stalled").records(entries)).failedRecordCount());
    }
    List<String> consumers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = i;
      String arn = client.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("stalled-" + n))
          .consumer().consumerARN();
      awaitActive(client, arn);
      consumers.add(arn);
    }
    return consumers;
  }

  private static void assertOthersServed(KinesisClient client) {
    assertEquals("stalled", client.listStreams().streamNames().get(0));
    String iterator = client.getShardIterator(g -> g.streamName("stalled").shardId("shardId-000000000000")
        .shardIteratorType("TRIM_HORIZON")).shardIterator();
    assertEquals(RECORD_BYTES, client.getRecords(b -> b.shardIterator(iterator).limit(1)).records().get(0)
        .data().asByteArray().length);
  }

  private static void assertAllGivenBack(SubscriptionBuffers buffers) throws InterruptedException {
    long until = System.nanoTime() + 10_000_000_000L;
    while (buffers.bytes() > 0 && System.nanoTime() < until) Thread.sleep(20);
    assertEquals(0, buffers.bytes(), "closed readers give their events' bytes back");
  }

  /** Samples the server's gauge of buffered subscription bytes every 2 ms and keeps the highest value. */
  private static final class GaugeSampler implements AutoCloseable {
    private final Thread thread;
    private volatile long most;
    private volatile boolean done;

    GaugeSampler(SubscriptionBuffers buffers) {
      thread = new Thread(() -> {
        while (!done) {
          most = Math.max(most, buffers.bytes());
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "gauge-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    long most() { return most; }

    @Override
    public void close() throws InterruptedException {
      done = true;
      thread.join();
    }
  }

  private static String statusLine(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] status = new byte[12];
    int read = 0;
    while (read < status.length) {
      int n = in.read(status, read, status.length - read);
      if (n < 0) throw new IOException("closed before the status line");
      read += n;
    }
    return new String(status, StandardCharsets.US_ASCII);
  }

  private static String readAvailable(Socket socket) throws IOException {
    socket.setSoTimeout(2_000);
    byte[] buffer = new byte[4096];
    StringBuilder text = new StringBuilder();
    InputStream in = socket.getInputStream();
    try {
      for (int n; text.indexOf("Exception") < 0 || text.indexOf("}") < 0; ) {
        n = in.read(buffer);
        if (n < 0) break;
        text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
    } catch (SocketTimeoutException enough) {
      // what came is the answer
    }
    return text.toString();
  }

  /** Sends SubscribeToShard over HTTP/1.1 from a socket with a small receive buffer. */
  private static Socket subscribe(int port, String consumerArn) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", port));
    byte[] body = ("{\"ConsumerARN\":\"" + consumerArn + "\",\"ShardId\":\"shardId-000000000000\","
        + "\"StartingPosition\":{\"Type\":\"TRIM_HORIZON\"}}").getBytes(StandardCharsets.UTF_8);
    String head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: Kinesis_20131202.SubscribeToShard\r\n"
        + "Content-Type: application/x-amz-json-1.1\r\nContent-Length: " + body.length + "\r\n\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    return socket;
  }

  private static void awaitActive(KinesisClient client, String consumerArn) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      if (client.describeStreamConsumer(b -> b.consumerARN(consumerArn)).consumerDescription().consumerStatus()
          == ConsumerStatus.ACTIVE) {
        return;
      }
      Thread.sleep(25);
    }
    throw new AssertionError("consumer not ACTIVE: " + consumerArn);
  }
}
