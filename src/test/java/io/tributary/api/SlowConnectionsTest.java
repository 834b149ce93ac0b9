package io.tributary.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Slow and greedy clients: connections count from accept, so a client that opens many and trickles their
 * headers a byte at a time is held to {@code limits.connections.per.address} (the rest are closed at once)
 * and each of its connections is closed at {@code limits.header.timeout.ms}, while a client from another
 * address is served throughout; a TLS connection that never handshakes is closed at
 * {@code limits.tls.handshake.timeout.ms}.
 */
class SlowConnectionsTest {
  private static final int PER_ADDRESS = 20;
  private static final long HEADER_TIMEOUT_MILLIS = 3_000;
  /** The slow client's address: another loopback address than the SDK client's 127.0.0.1. */
  private static final String SLOW_CLIENT = "127.0.0.2";
  private static final byte[] HEADERS = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\n"
      + "X-Slow: " + "a".repeat(200) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

  @Test
  void trickledHeadersAreCutAtTheDeadlineAndExtraConnectionsRefused() throws Exception {
    try (TestServer server = TestServer.start(Map.of("auth.mode", "off",
        "limits.connections.per.address", String.valueOf(PER_ADDRESS),
        "limits.header.timeout.ms", String.valueOf(HEADER_TIMEOUT_MILLIS)))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      client.createStream(b -> b.streamName("slow-neighbours").shardCount(1));
      ConnectionCounts counts = server.server().services().connections();
      InetAddress slowAddress = InetAddress.getByName(SLOW_CLIENT);

      long opened = System.nanoTime();
      List<SocketChannel> slow = new ArrayList<>();
      for (int i = 0; i < PER_ADDRESS + 10; i++) slow.add(connect(server.port()));
      try {
        int position = 0;
        List<Long> closedAfterMillis = new ArrayList<>();
        boolean[] closed = new boolean[slow.size()];
        long[] closedAt = new long[slow.size()];
        while (System.nanoTime() - opened < (HEADER_TIMEOUT_MILLIS + 7_000) * 1_000_000L) {
          for (int i = 0; i < slow.size(); i++) {
            if (closed[i]) continue;
            if (isClosed(slow.get(i))) {
              closed[i] = true;
              closedAt[i] = (System.nanoTime() - opened) / 1_000_000;
              continue;
            }
            // one byte per connection per round, never the end of the header block
            trySend(slow.get(i), HEADERS[position % (HEADERS.length - 4)]);
          }
          position++;
          if (position == 4) {
            assertEquals(PER_ADDRESS, counts.open(slowAddress), "connections counted from accept, up to the limit");
            int refused = 0;
            for (boolean c : closed) if (c) refused++;
            assertEquals(10, refused, "connections beyond limits.connections.per.address are closed at once");
          }
          if (position % 4 == 0) {
            // the other client is served while the slow one holds its connections
            assertEquals(List.of("slow-neighbours"), client.listStreams().streamNames());
          }
          boolean all = true;
          for (boolean c : closed) all &= c;
          if (all) break;
          Thread.sleep(250);
        }
        for (int i = 0; i < slow.size(); i++) {
          assertTrue(closed[i], "slow connection " + i + " still open after the header deadline");
          closedAfterMillis.add(closedAt[i]);
        }
        for (long millis : closedAfterMillis.subList(0, PER_ADDRESS)) {
          // accepted ones: cut at the deadline, not before, although they kept sending
          assertTrue(millis >= HEADER_TIMEOUT_MILLIS - 500, "closed after " + closedAfterMillis);
        }
        assertEquals(List.of("slow-neighbours"), client.listStreams().streamNames());
        long until = System.nanoTime() + 5_000_000_000L;
        while (counts.open(slowAddress) > 0 && System.nanoTime() < until) Thread.sleep(20);
        assertEquals(0, counts.open(slowAddress));
      } finally {
        for (SocketChannel channel : slow) channel.close();
      }
    }
  }

  @Test
  void laterRequestsOfAKeptAliveConnectionHaveTheHeaderDeadlineTooButIdlingBetweenThemIsFine() throws Exception {
    try (TestServer server = TestServer.start(Map.of("auth.mode", "off", "limits.header.timeout.ms", "2000"))) {
      try (SocketChannel trickling = connect(server.port()); SocketChannel idling = connect(server.port())) {
        assertTrue(listStreams(trickling).startsWith("HTTP/1.1 200"));
        assertTrue(listStreams(idling).startsWith("HTTP/1.1 200"));
        long started = System.nanoTime();
        int position = 0;
        while (!isClosed(trickling) && System.nanoTime() - started < 15_000_000_000L) {
          trySend(trickling, HEADERS[position++ % (HEADERS.length - 4)]);
          Thread.sleep(250);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(isClosed(trickling), "a trickled second request is still open after " + millis + " ms");
        assertTrue(millis >= 1_500 && millis < 8_000, "closed after " + millis + " ms, not at the 2 s header deadline");
        Thread.sleep(Math.max(0, 3_000 - millis));
        assertTrue(listStreams(idling).startsWith("HTTP/1.1 200"), "idle between requests for longer than the deadline");
      }
    }
  }

  /** A ListStreams over the connection, answered in full. */
  private static String listStreams(SocketChannel channel) throws Exception {
    byte[] request = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: Kinesis_20131202.ListStreams\r\n"
        + "Content-Type: application/x-amz-json-1.1\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII);
    channel.write(ByteBuffer.wrap(request));
    StringBuilder answer = new StringBuilder();
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    long until = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < until && !answer.toString().endsWith("}")) {
      buffer.clear();
      int n = channel.read(buffer);
      if (n < 0) break;
      answer.append(new String(buffer.array(), 0, n, StandardCharsets.US_ASCII));
      if (n == 0) Thread.sleep(10);
    }
    return answer.toString();
  }

  @Test
  void aTlsConnectionThatNeverHandshakesIsClosedAtTheDeadline() throws Exception {
    try (TestServer server = TestServer.start(Map.of("limits.tls.handshake.timeout.ms", "1500"))) {
      long opened = System.nanoTime();
      try (SocketChannel silent = connect(server.tlsPort())) {
        ConnectionCounts counts = server.server().services().connections();
        InetAddress address = InetAddress.getByName(SLOW_CLIENT);
        for (int i = 0; i < 100 && counts.open(address) == 0; i++) Thread.sleep(10);
        assertEquals(1, counts.open(address), "counted from accept");
        long until = opened + 15_000_000_000L;
        while (!isClosed(silent) && System.nanoTime() < until) Thread.sleep(50);
        long millis = (System.nanoTime() - opened) / 1_000_000;
        assertTrue(isClosed(silent), "still open after " + millis + " ms");
        assertTrue(millis >= 1_000 && millis < 8_000, "closed after " + millis + " ms, not at the handshake deadline of 1.5 s");
      }
      assertEquals(List.of(), KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.tlsEndpoint()).listStreams().streamNames());
    }
  }

  private static SocketChannel connect(int port) throws IOException {
    SocketChannel channel = SocketChannel.open();
    channel.bind(new InetSocketAddress(SLOW_CLIENT, 0));
    channel.connect(new InetSocketAddress("127.0.0.1", port));
    channel.configureBlocking(false);
    return channel;
  }

  private static boolean isClosed(SocketChannel channel) {
    try {
      return channel.read(ByteBuffer.allocate(1024)) < 0;
    } catch (IOException reset) {
      return true;
    }
  }

  private static void trySend(SocketChannel channel, byte b) {
    try {
      channel.write(ByteBuffer.wrap(new byte[] {b}));
    } catch (IOException closedMeanwhile) {
      // seen as closed on the next read
    }
  }
}
