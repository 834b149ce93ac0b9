package io.tributary.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The management port's bearer token, open probes, bounded bodies and refusal of a non-loopback host
 * without a token, against real servers: one with a token, one with a token file that closes the probes
 * too, one with a small body bound, and the shared server of the suite (loopback, no token: open).
 */
class ManagementAuthTest {
  private static final String TOKEN = "s3cret-management-token";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static TestServer guarded;
  private static TestServer probesGuarded;
  private static TestServer smallBodies;
  private static Path tokenFile;

  @BeforeAll
  static void start() throws IOException {
    guarded = TestServer.start(Map.of("storage", "memory", "management.token", TOKEN));
    tokenFile = Files.createTempFile("management", ".token");
    Files.writeString(tokenFile, "  file-token \n");
    probesGuarded = TestServer.start(Map.of("storage", "memory", "management.token.file", tokenFile.toString(),
        "management.probes.auth", "true"));
    smallBodies = TestServer.start(Map.of("storage", "memory", "management.token", TOKEN,
        "management.body.bytes", "1024"));
  }

  @AfterAll
  static void stop() throws IOException {
    guarded.close();
    probesGuarded.close();
    smallBodies.close();
    Files.deleteIfExists(tokenFile);
  }

  @Test
  void theTokenIsNeverShownWithTheSettings() {
    assertFalse(guarded.server().settings().toString().contains(TOKEN));
    assertTrue(guarded.server().settings().toString().contains("management.token=****"));
  }

  @Test
  void faultsAndMirrorsNeedTheToken() throws Exception {
    for (String[] call : new String[][] {{"GET", "/faults"}, {"PUT", "/faults"}, {"DELETE", "/faults"},
        {"GET", "/mirrors"}, {"POST", "/mirrors"}, {"GET", "/mirrors/m"}, {"POST", "/mirrors/m/pause"},
        {"POST", "/mirrors/m/resume"}, {"DELETE", "/mirrors/m"}, {"GET", "/mirrors/m/compare"}, {"GET", "/not-yet-a-route"}}) {
      String body = call[0].equals("GET") || call[0].equals("DELETE") ? null : "{}";
      HttpResponse<String> missing = send(guarded, call[0], call[1], body, null);
      assertEquals(401, missing.statusCode(), call[0] + " " + call[1]);
      assertEquals("Bearer realm=\"tributary-management\"", missing.headers().firstValue("WWW-Authenticate").orElseThrow());
      assertEquals("this route needs the management token: Authorization: Bearer <token>",
          new JsonObject(missing.body()).getString("error"));

      HttpResponse<String> wrong = send(guarded, call[0], call[1], body, "Bearer not-the-token");
      assertEquals(401, wrong.statusCode(), call[0] + " " + call[1]);
      assertEquals("Bearer realm=\"tributary-management\", error=\"invalid_token\"",
          wrong.headers().firstValue("WWW-Authenticate").orElseThrow());
      assertEquals("the bearer token is not the management token", new JsonObject(wrong.body()).getString("error"));
    }
    assertEquals(401, send(guarded, "GET", "/faults", null, "Basic " + TOKEN).statusCode());
    assertEquals(401, send(guarded, "GET", "/faults", null, "Bearer " + TOKEN + "x").statusCode());
    assertEquals(401, send(guarded, "GET", "/faults", null, "Bearer " + TOKEN.substring(1)).statusCode());
    assertEquals(401, send(guarded, "GET", "/faults", null, "Bearer").statusCode());
  }

  @Test
  void theTokenOpensFaultsAndMirrors() throws Exception {
    String rules = new JsonObject().put("rules", new JsonArray().add(new JsonObject().put("operation", "ListShards")
        .put("fault", "ProvisionedThroughputExceeded").put("probability", 0.5))).encode();
    assertEquals(401, send(guarded, "PUT", "/faults", rules, null).statusCode());
    assertEquals(new JsonArray(), rules(guarded, "Bearer " + TOKEN), "a refused PUT changes nothing");

    HttpResponse<String> put = send(guarded, "PUT", "/faults", rules, "Bearer " + TOKEN);
    assertEquals(200, put.statusCode(), put.body());
    assertEquals(1, rules(guarded, "bearer " + TOKEN).size(), "the scheme is case-insensitive");
    assertEquals(204, send(guarded, "DELETE", "/faults", null, "Bearer " + TOKEN).statusCode());
    assertEquals(new JsonArray(), rules(guarded, "Bearer " + TOKEN));

    // curl -d sends its data as a form: the body is read as it is all the same.
    HttpResponse<String> form = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + guarded.managementPort() + "/faults")).PUT(HttpRequest.BodyPublishers.ofString(rules))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/x-www-form-urlencoded").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, form.statusCode(), form.body());
    assertEquals(1, rules(guarded, "Bearer " + TOKEN).size());
    assertEquals(204, send(guarded, "DELETE", "/faults", null, "Bearer " + TOKEN).statusCode());

    HttpResponse<String> mirrors = send(guarded, "GET", "/mirrors", null, "Bearer " + TOKEN);
    assertEquals(200, mirrors.statusCode(), mirrors.body());
    assertEquals(404, send(guarded, "GET", "/mirrors/none", null, "Bearer " + TOKEN).statusCode());
    HttpResponse<String> badDefinition = send(guarded, "POST", "/mirrors", "[]", "Bearer " + TOKEN);
    assertEquals(400, badDefinition.statusCode(), "past the token, the definition is checked: " + badDefinition.body());
  }

  @Test
  void probesAreOpenUnlessProbesAuthIsSet() throws Exception {
    for (String probe : List.of("/health", "/ready", "/metrics")) {
      assertEquals(200, send(guarded, "GET", probe, null, null).statusCode(), probe);
      HttpResponse<String> closed = send(probesGuarded, "GET", probe, null, null);
      assertEquals(401, closed.statusCode(), probe);
      assertTrue(closed.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
      assertEquals(401, send(probesGuarded, "GET", probe, null, "Bearer " + TOKEN).statusCode(), probe);
      assertEquals(200, send(probesGuarded, "GET", probe, null, "Bearer file-token").statusCode(),
          "the token file's content is trimmed: " + probe);
    }
    assertEquals(200, send(probesGuarded, "GET", "/faults", null, "Bearer file-token").statusCode());
  }

  @Test
  void withoutATokenOnLoopbackTheRoutesStayOpen() throws Exception {
    TestServer open = TestServer.shared();
    assertEquals(200, send(open, "GET", "/faults", null, null).statusCode());
    assertEquals(200, send(open, "GET", "/mirrors", null, null).statusCode());
    assertEquals(200, send(open, "GET", "/health", null, null).statusCode());
  }

  @Test
  void aDeclaredGibibyteIsRefusedBeforeItIsRead() throws Exception {
    RawAnswer answer = raw(guarded, "PUT /faults HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
        + "\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n", null);
    assertTrue(answer.head.startsWith("HTTP/1.1 413 "), answer.head);
    assertTrue(answer.body.contains("larger than management.body.bytes (1048576 bytes)"), answer.body);
    assertTrue(answer.closed, "the connection is closed, so the body is never read");
    assertEquals(new JsonArray(), rules(guarded, "Bearer " + TOKEN));

    RawAnswer unauthorized = raw(guarded, "PUT /faults HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Length: 1073741824\r\n\r\n", null);
    assertTrue(unauthorized.head.startsWith("HTTP/1.1 401 "), unauthorized.head);
    assertTrue(unauthorized.closed, "a refused caller's body is not read either");

    RawAnswer mirror = raw(smallBodies, "POST /mirrors HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
        + "\r\nContent-Length: 1025\r\n\r\n", null);
    assertTrue(mirror.head.startsWith("HTTP/1.1 413 "), mirror.head);
  }

  @Test
  void aChunkedBodyIsCutWhenItPassesTheBound() throws Exception {
    // Three chunks of 600 bytes pass the 1024-byte bound; the body never ends, so only a cut answers it.
    StringBuilder chunks = new StringBuilder();
    for (int i = 0; i < 3; i++) chunks.append("258\r\n").append("x".repeat(600)).append("\r\n");
    RawAnswer answer = raw(smallBodies, "PUT /faults HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
        + "\r\nTransfer-Encoding: chunked\r\n\r\n", chunks.toString());
    assertTrue(answer.head.startsWith("HTTP/1.1 413 "), answer.head);
    assertTrue(answer.body.contains("larger than management.body.bytes (1024 bytes)"), answer.body);
    assertTrue(answer.closed);

    // Within the bound a chunked body is read as usual.
    String rules = "{\"rules\":[{\"fault\":\"InternalFailure\",\"stream\":\"chunked\",\"probability\":0.5}]}";
    RawAnswer accepted = raw(smallBodies, "PUT /faults HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
        + "\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n",
        Integer.toHexString(rules.length()) + "\r\n" + rules + "\r\n0\r\n\r\n");
    assertTrue(accepted.head.startsWith("HTTP/1.1 200 "), accepted.head);
    assertEquals(1, rules(smallBodies, "Bearer " + TOKEN).size());
    send(smallBodies, "DELETE", "/faults", null, "Bearer " + TOKEN);
  }

  @Test
  void anEndlessChunkedBodyIsNotReadPastTheBound() {
    // A guard against a hang only: a server that stopped reading without closing would block the writes.
    assertTimeoutPreemptively(java.time.Duration.ofSeconds(120), ManagementAuthTest::writeEndlessChunkedBody);
  }

  private static void writeEndlessChunkedBody() throws IOException {
    byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    long written = 0;
    try (Socket socket = new Socket("127.0.0.1", guarded.managementPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("PUT /faults HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
          + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      IOException cut = null;
      // 256 MiB, unless the server closes the connection first.
      while (written < 256L << 20) {
        try {
          out.write(chunk);
          out.flush();
          written += 0x10000;
        } catch (IOException e) {
          cut = e;
          break;
        }
      }
      assertTrue(cut != null, "the server closed the connection; written: " + written);
      assertTrue(written < 64L << 20, "cut soon after the 1 MiB bound, within the sockets' buffers: " + written);
    }
  }

  @Test
  void aNonLoopbackHostWithoutATokenRefusesToStart() {
    Exception refused = assertThrows(Exception.class,
        () -> TestServer.start(Map.of("storage", "memory", "management.host", "0.0.0.0")));
    String message = messages(refused);
    assertTrue(message.contains("the management port would listen on 0.0.0.0, which is not a loopback address, "
        + "without a token: set 'management.token' or 'management.token.file' (env TRIBUTARY_MANAGEMENT_TOKEN), "
        + "or bind 'management.host' to 127.0.0.1"), message);
  }

  @Test
  void theCommandLineReportsTheRefusalAndExitsWithOne() throws Exception {
    String output = failedStart(Map.of("TRIBUTARY_MANAGEMENT_HOST", "0.0.0.0"));
    assertTrue(output.contains("Tributary failed to start: "), output);
    assertTrue(output.contains("set 'management.token' or 'management.token.file'"), output);

    String badFault = failedStart(Map.of("TRIBUTARY_FAULTS", "*:*:latency:1:60001"));
    assertTrue(badFault.contains("Tributary failed to start: setting 'faults': rule '*:*:latency:1:60001': "
        + "latencyMs must be a whole number from 0 to 60000, not 60001"), badFault);
  }

  /** The output of the command line started with these environment variables, which must exit with 1. */
  private static String failedStart(Map<String, String> environment) throws Exception {
    Path dataDir = Files.createTempDirectory("tributary-refused");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-cp", System.getProperty("java.class.path"), "io.tributary.Tributary",
        "--port", String.valueOf(TestServer.freePort()), "--tls-port", String.valueOf(TestServer.freePort()),
        "--management-port", String.valueOf(TestServer.freePort()), "--data-dir", dataDir.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("TRIBUTARY_"));
    builder.environment().put("TRIBUTARY_HOST", "127.0.0.1");
    builder.environment().put("TRIBUTARY_TLS_ENABLED", "false");
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
    assertEquals(1, process.exitValue(), output);
    assertFalse(output.contains("\tat io.tributary"), "a settings error needs no stack trace: " + output);
    return output;
  }

  @Test
  void theTokenSettingsAreCheckedAtStart() throws IOException {
    Path empty = Files.createTempFile("management", ".token");
    try {
      assertTrue(messages(assertThrows(Exception.class, () -> TestServer.start(Map.of("storage", "memory",
          "management.token.file", empty.toString())))).contains("management.token.file " + empty + " is empty"));
      assertTrue(messages(assertThrows(Exception.class, () -> TestServer.start(Map.of("storage", "memory",
          "management.token", "a", "management.token.file", empty.toString()))))
          .contains("set one of 'management.token' and 'management.token.file', not both"));
      assertTrue(messages(assertThrows(Exception.class, () -> TestServer.start(Map.of("storage", "memory",
          "management.body.bytes", "0")))).contains("setting 'management.body.bytes' must be at least 1"));
    } finally {
      Files.deleteIfExists(empty);
    }
  }

  @Test
  void badProbabilitiesAndLatenciesAreRefused() throws Exception {
    Map<String, String> refusals = Map.of(
        "{\"fault\":\"latency\",\"latencyMs\":60001}", "latencyMs must be a whole number from 0 to 60000, not 60001",
        "{\"fault\":\"latency\",\"latencyMs\":-1}", "latencyMs must be a whole number from 0 to 60000, not -1",
        "{\"fault\":\"latency\",\"latencyMs\":1.5}", "latencyMs must be a whole number from 0 to 60000, not 1.5",
        "{\"fault\":\"latency\",\"latencyMs\":99999999999999999999999}",
        "latencyMs must be a whole number from 0 to 60000, not 99999999999999999999999",
        "{\"fault\":\"InternalFailure\",\"probability\":1.01}", "probability must be a number from 0 to 1, not 1.01",
        "{\"fault\":\"InternalFailure\",\"probability\":-0.1}", "probability must be a number from 0 to 1, not -0.1",
        "{\"fault\":\"InternalFailure\",\"probability\":\"NaN\"}", "probability must be a number from 0 to 1, not 'NaN'",
        "{\"fault\":\"InternalFailure\",\"probability\":1e999}", "probability must be a number from 0 to 1, not Infinity",
        "null", "a rule must be a JSON object, not null");
    for (Map.Entry<String, String> refusal : refusals.entrySet()) {
      HttpResponse<String> answer = send(guarded, "PUT", "/faults", "{\"rules\":[" + refusal.getKey() + "]}",
          "Bearer " + TOKEN);
      assertEquals(400, answer.statusCode(), refusal.getKey());
      assertEquals(refusal.getValue(), new JsonObject(answer.body()).getString("message"), refusal.getKey());
    }
    for (String notAnObject : List.of("", "null", "[]", "42")) {
      HttpResponse<String> answer = send(guarded, "PUT", "/faults", notAnObject, "Bearer " + TOKEN);
      assertEquals(400, answer.statusCode(), notAnObject);
      assertEquals("the body must be a JSON object: {\"rules\": [rule, ...], \"seed\": 42}",
          new JsonObject(answer.body()).getString("message"));
    }
    assertEquals(new JsonArray(), rules(guarded, "Bearer " + TOKEN));
    HttpResponse<String> longest = send(guarded, "PUT", "/faults",
        "{\"rules\":[{\"stream\":\"slow\",\"fault\":\"latency\",\"latencyMs\":60000,\"probability\":0}]}", "Bearer " + TOKEN);
    assertEquals(200, longest.statusCode(), longest.body());
    assertEquals(204, send(guarded, "DELETE", "/faults", null, "Bearer " + TOKEN).statusCode());

    assertTrue(messages(assertThrows(Exception.class, () -> TestServer.start(Map.of("storage", "memory",
        "faults", "*:*:latency:1:60001")))).contains("latencyMs must be a whole number from 0 to 60000, not 60001"));
    assertTrue(messages(assertThrows(Exception.class, () -> TestServer.start(Map.of("storage", "memory",
        "faults", "*:*:InternalFailure:NaN")))).contains("probability must be a number from 0 to 1, not NaN"));
  }

  private static JsonArray rules(TestServer server, String authorization) throws Exception {
    HttpResponse<String> answer = send(server, "GET", "/faults", null, authorization);
    assertEquals(200, answer.statusCode(), answer.body());
    return new JsonObject(answer.body()).getJsonArray("rules");
  }

  private static HttpResponse<String> send(TestServer server, String method, String path, String body,
      String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) request.header("Authorization", authorization);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** What a raw HTTP/1.1 exchange got back: the status line and headers, the body, and whether the server closed. */
  private record RawAnswer(String head, String body, boolean closed) { }

  private static RawAnswer raw(TestServer server, String head, String body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.managementPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write((head + (body == null ? "" : body)).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      boolean closed = false;
      try {
        for (int n; ; ) {
          n = in.read(buffer);
          if (n < 0) {
            closed = true;
            break;
          }
          received.write(buffer, 0, n);
        }
      } catch (java.net.SocketTimeoutException stillOpen) {
        // the server kept the connection open
      }
      String text = received.toString(StandardCharsets.US_ASCII);
      int end = text.indexOf("\r\n\r\n");
      return end < 0 ? new RawAnswer(text, "", closed) : new RawAnswer(text.substring(0, end), text.substring(end + 4), closed);
    }
  }

  private static String messages(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) text.append(t.getMessage()).append(" | ");
    return text.toString();
  }
}
