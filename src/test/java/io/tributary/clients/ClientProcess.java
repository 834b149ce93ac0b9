package io.tributary.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A client of another language run as a child process: its scripts print what they saw as one JSON line
 * at the end of their output.
 */
final class ClientProcess {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ClientProcess() { }

  /** Runs the process to its end and returns its output; fails the test on a timeout or a non-zero exit. */
  static String run(ProcessBuilder builder, int timeoutSeconds) throws IOException, InterruptedException {
    String command = String.join(" ", builder.command());
    Process process = builder.start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    String out = read(process.getInputStream());
    boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!finished) process.destroyForcibly();
    assertTrue(finished, command + " finished within " + timeoutSeconds + " s");
    assertEquals(0, process.exitValue(), command + ": " + out + err.join());
    return out;
  }

  /** Whether the command runs and exits 0 (a tool is installed). */
  static boolean runs(ProcessBuilder builder) {
    try {
      Process process = builder.redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      if (process.waitFor(60, TimeUnit.SECONDS)) return process.exitValue() == 0;
      process.destroyForcibly();
      return false;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The last line of a script's output, as JSON. */
  static JsonNode lastJsonLine(String out) throws IOException {
    String[] lines = out.strip().split("\n");
    return JSON.readTree(lines[lines.length - 1]);
  }

  /**
   * What each client script reports of the same story: a stream made ACTIVE, PREFIX-0..2 put and read back
   * with their sequence numbers, and a subscription from TRIM_HORIZON that sees them and then PREFIX-live,
   * put while subscribed.
   */
  static void assertPutGetAndSubscribe(JsonNode result, String prefix) {
    assertEquals("ACTIVE", result.get("status").asText());
    assertEquals(0, result.get("failedRecordCount").asInt());
    assertEquals(List.of(prefix + "-0", prefix + "-1", prefix + "-2"), texts(result.get("getRecords")));
    assertEquals(result.get("putSequenceNumbers"), result.get("getRecordsSequenceNumbers"));
    assertEquals(200, result.get("subscribeStatus").asInt());
    assertEquals(List.of(prefix + "-0", prefix + "-1", prefix + "-2", prefix + "-live"), texts(result.get("subscribed")),
        "the records from TRIM_HORIZON, then the one put while subscribed");
  }

  /** Whether a client is installed; in CI a missing one fails the test rather than skipping it. */
  static void assumeInstalled(boolean installed, String what) {
    Assumptions.assumeTrue(installed || System.getenv("CI") != null, "no " + what + " on this machine");
    if (!installed) throw new AssertionError("CI must provide " + what + " (see .ci/run)");
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    for (JsonNode node : array) texts.add(node.asText());
    return texts;
  }

  private static String read(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
