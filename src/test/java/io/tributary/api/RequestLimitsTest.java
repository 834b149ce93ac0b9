package io.tributary.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.SignedHttp;
import io.tributary.support.SignedHttp.Answer;
import io.tributary.support.TestServer;
import io.vertx.core.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * The front end's limits, on a server with small ones: request body (refused with 413 before it is read,
 * or as soon as a chunked or HTTP/2 body exceeds it), header size, connection count, slow bodies and
 * idle or stalled connections. Each refusal leaves the server serving the next request.
 */
class RequestLimitsTest {
  private static final int MAX_BODY = 1024;
  private static final String AUTH = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, "
      + "SignedHeaders=host;x-amz-date, Signature=abcd";
  private static TestServer server;

  @BeforeAll
  static void startServer() {
    server = TestServer.start(Map.of("limits.request.bytes", String.valueOf(MAX_BODY), "limits.header.bytes", "2048",
        "limits.connections", "8", "limits.request.timeout.ms", "1000", "limits.idle.timeout.ms", "2500"));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static String head(String extraHeaders) {
    return "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
        + "X-Amz-Target: Kinesis_20131202.ListStreams\r\nX-Amz-Date: 20260101T000000Z\r\nAuthorization: " + AUTH + "\r\n"
        + extraHeaders;
  }

  private static Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Reads until the server closes the connection; returns what it sent. */
  private static String readToClose(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  private static void assertListStreamsServed() throws IOException {
    try (Socket socket = connect()) {
      socket.getOutputStream().write((head("Content-Length: 2\r\nConnection: close\r\n\r\n") + "{}").getBytes(StandardCharsets.ISO_8859_1));
      String answer = readToClose(socket);
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    }
  }

  @Test
  void refusesADeclaredLengthAboveTheLimitBeforeReadingTheBody() throws IOException {
    try (Socket socket = connect()) {
      // Only the headers go out: the answer must come without the body.
      socket.getOutputStream().write(head("Content-Length: 10000000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      String answer = readToClose(socket);
      assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
    }
    assertListStreamsServed();
  }

  @Test
  void cutsOffAChunkedBodyAsSoonAsItExceedsTheLimit() throws IOException {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(head("Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      String chunk = "x".repeat(600);
      for (int i = 0; i < 2; i++) {
        out.write((Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      }
      out.flush();
      // No last chunk is sent: the server answers once 1,200 bytes exceed the 1,024 allowed, and closes.
      String answer = readToClose(socket);
      assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
    }
    assertListStreamsServed();
  }

  @Test
  void resetsAnOversizedHttp2StreamAndKeepsTheConnection() {
    try (SignedHttp http = new SignedHttp(server.endpoint(), HttpVersion.HTTP_2, 1)) {
      SdkHttpRequest request = http.call("ListStreams", SignedHttp.JSON).toBuilder()
          .putHeader("Authorization", AUTH).putHeader("X-Amz-Date", "20260101T000000Z").build();
      byte[] oversized = ("{\"Limit\":1,\"x\":\"" + "y".repeat(MAX_BODY) + "\"}").getBytes(StandardCharsets.UTF_8);
      assertEquals(413, SignedHttp.awaitAnswer(http.send(request, oversized, true)).status(), "streamed without a length");
      assertEquals(413, http.await(request, oversized).status(), "with a length");
      Answer next = http.await(request, "{}".getBytes(StandardCharsets.UTF_8));
      assertEquals(200, next.status(), "the same HTTP/2 connection serves the next stream");
    }
  }

  @Test
  void refusesOversizedHeaders() throws IOException {
    try (Socket socket = connect()) {
      socket.getOutputStream().write((head("X-Padding: " + "p".repeat(4096) + "\r\nContent-Length: 2\r\n\r\n") + "{}")
          .getBytes(StandardCharsets.ISO_8859_1));
      String answer = readToClose(socket);
      assertTrue(answer.startsWith("HTTP/1.1 431"), answer);
    }
    assertListStreamsServed();
  }

  @Test
  void closesConnectionsBeyondTheLimit() throws IOException, InterruptedException {
    Socket[] held = new Socket[8];
    try {
      for (int i = 0; i < held.length; i++) {
        held[i] = connect();
        // A complete request on each, so that none is closed as slow meanwhile.
        held[i].getOutputStream().write((head("Content-Length: 2\r\n\r\n") + "{}").getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(readLine(held[i]).startsWith("HTTP/1.1 200"));
      }
      try (Socket beyond = connect()) {
        beyond.getOutputStream().write((head("Content-Length: 2\r\n\r\n") + "{}").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("", readToCloseOrReset(beyond), "the ninth connection is closed unanswered");
      }
    } finally {
      for (Socket socket : held) if (socket != null) socket.close();
    }
    Thread.sleep(200); // the server counts the closed connections down on its event loops
    assertListStreamsServed();
  }

  @Test
  void answersABodyThatDoesNotArriveInTime() throws IOException {
    try (Socket socket = connect()) {
      socket.getOutputStream().write((head("Content-Length: 20\r\n\r\n") + "{\"Li").getBytes(StandardCharsets.ISO_8859_1));
      String answer = readToClose(socket);
      assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
    }
  }

  @Test
  void closesAConnectionStalledInItsHeaders() throws IOException {
    long started = System.nanoTime();
    try (Socket socket = connect()) {
      socket.getOutputStream().write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
      assertEquals("", readToCloseOrReset(socket));
    }
    long waitedMs = (System.nanoTime() - started) / 1_000_000;
    assertTrue(waitedMs >= 2000 && waitedMs < 8000, "closed after the 2.5 s idle timeout: " + waitedMs);
  }

  @Test
  void closesIdleConnections() throws IOException {
    try (Socket socket = connect()) {
      socket.getOutputStream().write((head("Content-Length: 2\r\n\r\n") + "{}").getBytes(StandardCharsets.ISO_8859_1));
      assertTrue(readLine(socket).startsWith("HTTP/1.1 200"));
      long idleFrom = System.nanoTime();
      readToClose(socket);
      long idleMs = (System.nanoTime() - idleFrom) / 1_000_000;
      assertTrue(idleMs >= 2000 && idleMs < 8000, "closed after the 2.5 s idle timeout: " + idleMs);
    }
  }

  private static String readLine(Socket socket) throws IOException {
    StringBuilder line = new StringBuilder();
    InputStream in = socket.getInputStream();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) line.append((char) b);
    // Drain the rest of this answer's headers and body so the next read starts clean.
    socket.setSoTimeout(200);
    try {
      while (in.read() >= 0) { }
    } catch (SocketTimeoutException drained) {
      // Nothing more for now.
    }
    socket.setSoTimeout(10_000);
    return line.toString();
  }

  private static String readToCloseOrReset(Socket socket) {
    try {
      return readToClose(socket);
    } catch (IOException reset) {
      return "";
    }
  }

}
