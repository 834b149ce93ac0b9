package io.tributary.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.support.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The AWS CLI (JSON over HTTP/1.1, through botocore) against the server: create, describe, list, put,
 * get and delete. CI installs the CLI (Debian's awscli) when the machine lacks one, so there the test
 * always runs; elsewhere it is skipped when no {@code aws} is found.
 */
class AwsCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void managesAndUsesAStreamThroughTheCli() throws Exception {
    String aws = findAws();
    Assumptions.assumeTrue(aws != null || System.getenv("CI") != null, "no AWS CLI on this machine");
    if (aws == null) throw new AssertionError("CI must provide the AWS CLI (see .ci/run)");
    TestServer server = TestServer.shared();

    run(aws, server, "kinesis", "create-stream", "--stream-name", "from-cli", "--shard-count", "2");
    JsonNode summary = run(aws, server, "kinesis", "describe-stream-summary", "--stream-name", "from-cli");
    assertEquals("ACTIVE", summary.at("/StreamDescriptionSummary/StreamStatus").asText());
    assertEquals(2, summary.at("/StreamDescriptionSummary/OpenShardCount").asInt());

    JsonNode streams = run(aws, server, "kinesis", "list-streams");
    boolean listed = false;
    for (JsonNode name : streams.get("StreamNames")) listed |= name.asText().equals("from-cli");
    assertTrue(listed, "list-streams names the stream: " + streams);

    String data = Base64.getEncoder().encodeToString("hello from the cli".getBytes(StandardCharsets.UTF_8));
    JsonNode put = run(aws, server, "kinesis", "put-record", "--stream-name", "from-cli", "--partition-key", "a",
        "--data", dataArgument(aws, "hello from the cli"));
    String shardId = put.get("ShardId").asText();
    assertEquals(56, put.get("SequenceNumber").asText().length());

    JsonNode iterator = run(aws, server, "kinesis", "get-shard-iterator", "--stream-name", "from-cli",
        "--shard-id", shardId, "--shard-iterator-type", "TRIM_HORIZON");
    JsonNode records = run(aws, server, "kinesis", "get-records", "--shard-iterator",
        iterator.get("ShardIterator").asText());
    assertEquals(1, records.get("Records").size());
    assertEquals(data, records.at("/Records/0/Data").asText());
    assertEquals("a", records.at("/Records/0/PartitionKey").asText());

    JsonNode shards = run(aws, server, "kinesis", "list-shards", "--stream-name", "from-cli");
    assertEquals(2, shards.get("Shards").size());

    run(aws, server, "kinesis", "delete-stream", "--stream-name", "from-cli");
    Process missing = start(aws, server, "kinesis", "describe-stream", "--stream-name", "from-cli");
    String error = new String(missing.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(missing.waitFor(60, TimeUnit.SECONDS));
    assertTrue(missing.exitValue() != 0);
    assertTrue(error.contains("ResourceNotFoundException") && error.contains("Stream from-cli under account 000000000000 not found."),
        error);
  }

  /** botocore's SigV4, checked in full: the CLI's signatures are accepted, and refused with another secret. */
  @Test
  void signsAsAVerifyingServerRequires() throws Exception {
    String aws = findAws();
    Assumptions.assumeTrue(aws != null || System.getenv("CI") != null, "no AWS CLI on this machine");
    if (aws == null) throw new AssertionError("CI must provide the AWS CLI (see .ci/run)");
    try (TestServer server = TestServer.start(java.util.Map.of("auth.mode", "verify", "auth.credentials", "AKIDCLI:secret"))) {
      run(aws, server, "kinesis", "create-stream", "--stream-name", "verified-cli", "--shard-count", "1");
      JsonNode put = run(aws, server, "kinesis", "put-record", "--stream-name", "verified-cli", "--partition-key", "a",
          "--data", dataArgument(aws, "signed"));
      assertEquals("shardId-000000000000", put.get("ShardId").asText());

      Process wrongSecret = startWithSecret(aws, server, "not-the-secret", "kinesis", "list-streams");
      String error = new String(wrongSecret.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(wrongSecret.waitFor(60, TimeUnit.SECONDS));
      assertTrue(wrongSecret.exitValue() != 0);
      assertTrue(error.contains("InvalidSignatureException"), error);
    }
  }

  private static JsonNode run(String aws, TestServer server, String... args) throws IOException, InterruptedException {
    Process process = start(aws, server, args);
    byte[] out = process.getInputStream().readAllBytes();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "aws " + String.join(" ", args) + " finished");
    assertEquals(0, process.exitValue(), "aws " + String.join(" ", args) + ": " + err);
    return out.length == 0 ? JSON.createObjectNode() : JSON.readTree(out);
  }

  private static Process start(String aws, TestServer server, String... args) throws IOException {
    return startWithSecret(aws, server, "secret", args);
  }

  private static Process startWithSecret(String aws, TestServer server, String secret, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(aws, "--endpoint-url", server.endpoint().toString(), "--output", "json"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("AWS_ACCESS_KEY_ID", "AKIDCLI");
    builder.environment().put("AWS_SECRET_ACCESS_KEY", secret);
    builder.environment().put("AWS_DEFAULT_REGION", "us-east-1");
    builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
    builder.environment().put("AWS_PAGER", "");
    // Version 2 of the CLI base64-encodes --data itself unless told the value is base64 already.
    builder.environment().put("AWS_CLI_BINARY_FORMAT", "base64");
    return builder.start();
  }

  /**
   * A record's data as the CLI takes it: version 1 base64-encodes a blob argument itself, version 2 (with
   * AWS_CLI_BINARY_FORMAT=base64) takes it base64-encoded. Both print records' data base64-encoded.
   */
  private static String dataArgument(String aws, String text) throws IOException, InterruptedException {
    Process version = new ProcessBuilder(aws, "--version").redirectErrorStream(true).start();
    String printed = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(version.waitFor(60, TimeUnit.SECONDS), "aws --version finished");
    return printed.startsWith("aws-cli/1.") ? text
        : Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String findAws() {
    for (String candidate : List.of("/usr/bin/aws", "/usr/local/bin/aws")) {
      if (Files.isExecutable(Path.of(candidate))) return candidate;
    }
    for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(directory, "aws");
      if (Files.isExecutable(candidate)) return candidate.toString();
    }
    return null;
  }
}
