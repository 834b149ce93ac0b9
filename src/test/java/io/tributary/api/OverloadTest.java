package io.tributary.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A server whose only event loop stays behind answers PutRecord at once with a throttling error, serves
 * control-plane calls, and takes records again once the loop has caught up.
 */
class OverloadTest {

  @Test
  void anEventLoopThatStaysBehindShedsPutsUntilItCatchesUp() throws Exception {
    try (TestServer server = TestServer.start(Map.of("event.loops", "1", "limits.overload.lag.ms", "50"))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      client.createStream(b -> b.streamName("busy").shardCount(1));
      put(client);

      // Keep the server's one event loop 120 ms behind, turn after turn, as a backlog of requests would.
      Vertx vertx = server.server().services().vertx();
      Context loop = vertx.getOrCreateContext();
      long[] busy = new long[1];
      loop.runOnContext(v -> busy[0] = vertx.setPeriodic(1, id -> spin(120)));
      int shed = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (shed == 0 && System.nanoTime() < deadline) {
        try {
          put(client);
        } catch (ProvisionedThroughputExceededException throttled) {
          shed++;
        }
      }
      assertTrue(shed > 0, "a put was throttled while the loop stayed behind");
      assertEquals(StreamStatus.ACTIVE, client.describeStreamSummary(b -> b.streamName("busy"))
          .streamDescriptionSummary().streamStatus(), "control-plane calls are still served");

      loop.runOnContext(v -> vertx.cancelTimer(busy[0]));
      Thread.sleep(500);
      put(client);
    }
  }

  private static void put(KinesisClient client) {
    client.putRecord(b -> b.streamName("busy").partitionKey("k").data(SdkBytes.fromUtf8String("v")));
  }

  private static void spin(long millis) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) Thread.onSpinWait();
  }
}
