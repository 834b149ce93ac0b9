package io.tributary.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The AWS SDK for JavaScript v3 (JSON over HTTP/2, h2c on an http:// endpoint) against the server, from the
 * script in {@code src/test/js/kinesis-v3.mjs}: create_stream, PutRecords, GetRecords, a registered
 * consumer and SubscribeToShard, which the SDK reads as an HTTP/2 event stream. The SDK comes from npm at
 * the version pinned in {@code src/test/js/package-lock.json}, installed into {@code target/js-sdk} on the
 * first run. CI has Node and the npm registry, so there the test always runs; elsewhere it is skipped when
 * Node or npm is missing.
 */
class JavaScriptSdkTest {
  private static final Path SOURCES = Path.of("src/test/js");
  private static final Path INSTALLED = Path.of("target/js-sdk");

  @Test
  void putsGetsAndSubscribesOverHttp2ThroughTheJavaScriptSdk() throws Exception {
    boolean tools = ClientProcess.runs(new ProcessBuilder("node", "--version"))
        && ClientProcess.runs(new ProcessBuilder("npm", "--version"));
    ClientProcess.assumeInstalled(tools, "Node and npm");
    installSdk();
    String stream = "from-js-" + UUID.randomUUID().toString().substring(0, 8);

    JsonNode result = ClientProcess.lastJsonLine(ClientProcess.run(new ProcessBuilder("node", "kinesis-v3.mjs",
        TestServer.shared().endpoint().toString(), stream).directory(INSTALLED.toFile()), 120));

    assertEquals("h2", result.get("protocol").asText(), "the SDK's Kinesis client uses its HTTP/2 handler");
    ClientProcess.assertPutGetAndSubscribe(result, "js");
    assertEquals(result.get("livePutSequenceNumber").asText(), result.get("continuation").asText(),
        "the continuation point is the last record pushed");
  }

  /** npm ci into target/js-sdk, unless the lock file there is already the one in src/test/js. */
  private static void installSdk() throws Exception {
    Files.createDirectories(INSTALLED);
    Path lock = INSTALLED.resolve("package-lock.json");
    boolean current = Files.isDirectory(INSTALLED.resolve("node_modules/@aws-sdk/client-kinesis")) && Files.exists(lock)
        && Files.mismatch(lock, SOURCES.resolve("package-lock.json")) == -1;
    for (String file : new String[] {"package.json", "package-lock.json", "kinesis-v3.mjs"}) {
      Files.copy(SOURCES.resolve(file), INSTALLED.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    if (!current) {
      ClientProcess.run(new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
          .directory(INSTALLED.toFile()), 300);
    }
  }
}
