package io.tributary.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.support.TestServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * boto3 (JSON over HTTP/1.1, through botocore) against the server, from a Python script kept in
 * {@code src/test/resources/clients/boto3_kinesis.py}: create_stream, put_records, get_records,
 * register_stream_consumer and subscribe_to_shard, whose event stream botocore reads over HTTP/1.1 and only
 * after the initial-response event. CI installs Debian's python3-boto3 when no Python on the machine has
 * boto3, so there the test always runs; elsewhere it is skipped without boto3.
 */
class Boto3Test {
  @Test
  void putsGetsAndSubscribesThroughBoto3() throws Exception {
    String python = findPythonWithBoto3();
    ClientProcess.assumeInstalled(python != null, "Python with boto3");
    TestServer server = TestServer.shared();

    Path script = Files.createTempFile("boto3_kinesis", ".py");
    try (InputStream in = Boto3Test.class.getResourceAsStream("/clients/boto3_kinesis.py")) {
      assertNotNull(in, "the script is on the test classpath");
      Files.write(script, in.readAllBytes());
    }
    String stream = "from-boto3-" + UUID.randomUUID().toString().substring(0, 8);
    JsonNode result;
    try {
      result = ClientProcess.lastJsonLine(ClientProcess.run(
          environment(new ProcessBuilder(python, script.toString(), server.endpoint().toString(), stream)), 120));
    } finally {
      Files.deleteIfExists(script);
    }

    ClientProcess.assertPutGetAndSubscribe(result, "boto3");
    assertEquals(56, result.get("continuation").asText().length());
  }

  private static ProcessBuilder environment(ProcessBuilder builder) {
    builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    builder.environment().remove("AWS_PROFILE");
    builder.environment().remove("AWS_CONFIG_FILE");
    return builder;
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
      if (ClientProcess.runs(environment(new ProcessBuilder(python, "-c", "import boto3")))) return python;
    }
    return null;
  }
}
