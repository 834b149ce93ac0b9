package io.tributary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ChildServer;
import io.tributary.support.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that can no longer serve says so on /health and, started from the command line, exits: after an
 * Error thrown on an event loop, and when an event loop stops running tasks.
 */
class ServerHealthTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void anErrorOnAnEventLoopMakesHealthFail() throws Exception {
    try (TestServer server = TestServer.start(Map.of("debug.fatal.error.after.ms", "300"))) {
      URI health = URI.create("http://127.0.0.1:" + server.managementPort() + "/health");
      HttpResponse<String> answer = awaitStatus(health, 503, Duration.ofSeconds(10));
      assertEquals(503, answer.statusCode());
      assertTrue(answer.body().contains("\"DOWN\"") && answer.body().contains("OutOfMemoryError"), answer.body());
    }
  }

  @Test
  void aBlockedEventLoopMakesHealthFail() throws Exception {
    try (TestServer server = TestServer.start(Map.of("health.event.loop.timeout.ms", "3000", "event.loops", "2"))) {
      URI health = URI.create("http://127.0.0.1:" + server.managementPort() + "/health");
      assertEquals(200, awaitStatus(health, 200, Duration.ofSeconds(30)).statusCode());
      // Blocks one event loop of the two; the other serves /health when the management verticle is there.
      server.server().services().vertx().getOrCreateContext().runOnContext(v -> sleep(8_000));
      HttpResponse<String> answer = awaitStatus(health, 503, Duration.ofSeconds(20));
      assertTrue(answer.body().contains("has not run a task"), answer.body());
    }
  }

  @Test
  void theCommandLineServerExitsAfterAnErrorOnAnEventLoop(@TempDir Path directory) throws Exception {
    ChildServer server = ChildServer.start(directory.resolve("data"), Map.of("TRIBUTARY_DEBUG_FATAL_ERROR_AFTER_MS", "15000"));
    try {
      OptionalInt status = server.awaitExit(Duration.ofSeconds(60));
      assertTrue(status.isPresent(), "the server still runs after a fatal error; see " + server.log());
      assertEquals(70, status.getAsInt());
      String log = Files.readString(server.log());
      assertTrue(log.contains("fatal error") && log.contains("exits with status 70"), log);
    } finally {
      server.close();
    }
  }

  private static HttpResponse<String> awaitStatus(URI uri, int status, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = get(uri);
        if (last.statusCode() == status) return last;
      } catch (IOException notAnswered) {
        // the loop serving /health may be the blocked one: ask again
      }
      Thread.sleep(100);
    }
    assertNotEquals(null, last, "no answer from " + uri);
    return last;
  }

  private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
