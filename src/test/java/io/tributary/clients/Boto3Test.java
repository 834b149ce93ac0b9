package io.tributary.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * boto3 (JSON over HTTP/1.1, through botocore) against the server, from a Python script kept in
 * {@code src/test/resources/clients/boto3_kinesis.py}: create_stream, put_records, get_records,
 * register_stream_consumer and subscribe_to_shard, whose event stream botocore reads over HTTP/1.1 and only
 * after the initial-response event. CI installs Debian's python3-boto3 when no Python on the machine has
 * boto3, so there the test always runs; elsewhere it is skipped without boto3.
 */
class Boto3Test {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void putsGetsAndSubscribesThroughBoto3() throws Exception {
    String python = findPythonWithBoto3();
    Assumptions.assumeTrue(python != null || System.getenv("CI") != null, "no Python with boto3 on this machine");
    if (python == null) throw new AssertionError("CI must provide boto3 (see .ci/run)");
    TestServer server = TestServer.shared();

    Path script = Files.createTempFile("boto3_kinesis", ".py");
    try (InputStream in = Boto3Test.class.getResourceAsStream("/clients/boto3_kinesis.py")) {
      assertNotNull(in, "the script is on the test classpath");
      Files.write(script, in.readAllBytes());
    }
    String stream = "from-boto3-" + UUID.randomUUID().toString().substring(0, 8);
    JsonNode result;
    try {
      result = run(python, script.toString(), server.endpoint().toString(), stream);
    } finally {
      Files.deleteIfExists(script);
    }

    assertEquals("ACTIVE", result.get("status").asText());
    assertEquals(0, result.get("failedRecordCount").asInt());
    assertEquals(List.of("boto3-0", "boto3-1", "boto3-2"), texts(result.get("getRecords")));
    assertEquals(result.get("putSequenceNumbers"), result.get("getRecordsSequenceNumbers"));
    assertEquals(200, result.get("subscribeStatus").asInt());
    assertEquals(List.of("boto3-0", "boto3-1", "boto3-2", "boto3-live"), texts(result.get("subscribed")),
        "the records from TRIM_HORIZON, then the one put while subscribed");
    assertEquals(56, result.get("continuation").asText().length());
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    for (JsonNode node : array) texts.add(node.asText());
    return texts;
  }

  private static JsonNode run(String... command) throws IOException, InterruptedException {
    Process process = environment(new ProcessBuilder(command)).start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    String out = read(process.getInputStream());
    boolean finished = process.waitFor(120, TimeUnit.SECONDS);
    if (!finished) process.destroyForcibly();
    assertTrue(finished, "the boto3 script finished");
    assertEquals(0, process.exitValue(), "boto3 script: " + out + err.join());
    String[] lines = out.strip().split("\n");
    return JSON.readTree(lines[lines.length - 1]);
  }

  private static ProcessBuilder environment(ProcessBuilder builder) {
    builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    builder.environment().remove("AWS_PROFILE");
    builder.environment().remove("AWS_CONFIG_FILE");
    return builder;
  }

  private static String read(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The first Python 3 (on PATH, then Debian's) that imports boto3, or null. */
  private static String findPythonWithBoto3() {
    Set<String> candidates = new LinkedHashSet<>();
    for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, "python3"))) {
        candidates.add(Path.of(directory, "python3").toString());
      }
    }
    candidates.add("/usr/bin/python3");
    for (String python : candidates) {
      if (!Files.isExecutable(Path.of(python))) continue;
      try {
        Process check = environment(new ProcessBuilder(python, "-c", "import boto3")).redirectErrorStream(true).start();
        check.getInputStream().readAllBytes();
        if (check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0) return python;
        check.destroyForcibly();
      } catch (IOException e) {
        // not runnable: try the next
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }
}
