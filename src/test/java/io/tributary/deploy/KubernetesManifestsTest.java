package io.tributary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.config.SettingsLoader;
import io.tributary.support.TestServer;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;

/**
 * The settings in {@code k8s/}: every key of the ConfigMap's tributary.properties is a real setting, and a
 * server started with them (ports and paths moved to a test's) verifies signatures against the keys of the
 * Secret, as the manifests promise; its management port, bound off loopback for the probes, starts only with
 * the management token the StatefulSet takes from a Secret, and requires it everywhere but on the probes.
 */
class KubernetesManifestsTest {
  private static final Path K8S = Path.of("k8s");

  @Test
  void theConfigMapNamesOnlyRealSettings() throws IOException {
    Map<String, String> defaults = SettingsLoader.defaults().asMap();
    for (String key : configMapSettings().keySet()) {
      assertTrue(defaults.containsKey(key), "k8s/configmap.yaml sets '" + key + "', which is no setting");
    }
  }

  @Test
  void aServerWithTheManifestsSettingsVerifiesSignaturesWithTheSecretsKeys() throws IOException {
    Map<String, String> settings = new HashMap<>(configMapSettings());
    assertEquals("verify", settings.get("auth.mode"));
    Properties keys = new Properties();
    keys.load(new StringReader(block(K8S.resolve("base").resolve("secret.yaml"), "credentials.properties: |")));
    assertFalse(keys.isEmpty(), "the Secret holds at least one key");
    String accessKey = keys.stringPropertyNames().iterator().next();

    Path credentials = Files.createTempFile("credentials", ".properties");
    Files.writeString(credentials, block(K8S.resolve("base").resolve("secret.yaml"), "credentials.properties: |"));
    settings.put("auth.credentials.file", credentials.toString());
    settings.put("management.token", managementToken());
    settings.remove("host");
    settings.remove("data.dir");
    try (TestServer server = TestServer.start(settings)) {
      try (KinesisClient signed = client(server.endpoint(), accessKey, keys.getProperty(accessKey))) {
        assertTrue(signed.listStreams().streamNames().isEmpty());
      }
      try (KinesisClient wrongSecret = client(server.endpoint(), accessKey, "not-the-secret")) {
        KinesisException refused = assertThrows(KinesisException.class, wrongSecret::listStreams);
        assertEquals("InvalidSignatureException", refused.awsErrorDetails().errorCode());
      }
    } finally {
      Files.deleteIfExists(credentials);
    }
  }

  @Test
  void theManagementPortIsOpenToProbesAndClosedWithoutTheSecretsToken() throws Exception {
    String statefulSet = Files.readString(K8S.resolve("base").resolve("statefulset.yaml"));
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      Matcher get = Pattern.compile(probe + ":\\s*\n\\s*httpGet: \\{ path: (/\\w+), port: management \\}").matcher(statefulSet);
      assertTrue(get.find(), probe + " gets a path of the management port");
      assertTrue(List.of("/health", "/ready").contains(get.group(1)), probe + ": " + get.group(1));
    }
    assertFalse(statefulSet.contains("httpHeaders"), "the probes send no token");

    Map<String, String> settings = new HashMap<>(configMapSettings());
    assertEquals("0.0.0.0", settings.get("management.host"), "the probes reach the pod's address");
    assertFalse(settings.containsKey("management.probes.auth"));
    settings.put("auth.credentials.file", "");
    settings.put("auth.mode", "off");
    settings.remove("host");
    settings.remove("data.dir");
    Exception refused = assertThrows(Exception.class, () -> TestServer.start(settings));
    assertTrue(String.valueOf(refused.getMessage()).contains("set 'management.token' or 'management.token.file'"),
        "without the Secret's token the ConfigMap's settings do not start: " + refused.getMessage());

    String token = managementToken();
    settings.put("management.token", token);
    try (TestServer server = TestServer.start(settings)) {
      HttpClient http = HttpClient.newHttpClient();
      for (String probe : List.of("/health", "/ready", "/metrics")) {
        assertEquals(200, management(http, server, probe, null).statusCode(), probe);
      }
      assertEquals(401, management(http, server, "/faults", null).statusCode());
      assertEquals(401, management(http, server, "/mirrors", null).statusCode());
      assertEquals(200, management(http, server, "/faults", token).statusCode());
    }
  }

  /**
   * The token the StatefulSet gives as TRIBUTARY_MANAGEMENT_TOKEN: the key of the Secret its secretKeyRef
   * names, in secret.yaml.
   */
  private static String managementToken() throws IOException {
    Matcher reference = Pattern.compile("- name: " + SettingsLoader.envName("management.token")
        + "\\s*\n\\s*valueFrom:\\s*\n\\s*secretKeyRef: \\{ name: ([\\w-]+), key: ([\\w.-]+) \\}")
        .matcher(Files.readString(K8S.resolve("base").resolve("statefulset.yaml")));
    assertTrue(reference.find(), "the StatefulSet sets TRIBUTARY_MANAGEMENT_TOKEN from a Secret");
    for (String document : Files.readString(K8S.resolve("base").resolve("secret.yaml")).split("\n---\n")) {
      if (!document.contains("kind: Secret") || !document.contains("\n  name: " + reference.group(1) + "\n")) continue;
      Matcher value = Pattern.compile("\n  " + Pattern.quote(reference.group(2)) + ": (\\S+)\n").matcher(document);
      assertTrue(value.find(), "Secret " + reference.group(1) + " has the key " + reference.group(2));
      return value.group(1);
    }
    throw new AssertionError("secret.yaml has no Secret named " + reference.group(1));
  }

  private static HttpResponse<String> management(HttpClient http, TestServer server, String path, String token)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort() + path));
    if (token != null) request.header("Authorization", "Bearer " + token);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static KinesisClient client(URI endpoint, String accessKey, String secret) {
    return KinesisClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .httpClient(ApacheHttpClient.create())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
        .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()))
        .build();
  }

  private static Map<String, String> configMapSettings() throws IOException {
    Properties properties = new Properties();
    properties.load(new StringReader(block(K8S.resolve("base").resolve("configmap.yaml"), "tributary.properties: |")));
    Map<String, String> settings = new HashMap<>();
    for (String key : properties.stringPropertyNames()) settings.put(key, properties.getProperty(key).trim());
    return settings;
  }

  /** The lines of a YAML literal block ({@code key: |}), without their indentation. */
  private static String block(Path manifest, String header) throws IOException {
    List<String> lines = Files.readAllLines(manifest);
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().equals(header)) start = i + 1;
    }
    assertTrue(start > 0, manifest + " has a block '" + header + "'");
    List<String> block = new ArrayList<>();
    int indent = -1;
    for (int i = start; i < lines.size(); i++) {
      String line = lines.get(i);
      int lineIndent = line.length() - line.stripLeading().length();
      if (!line.isBlank() && indent < 0) indent = lineIndent;
      if (!line.isBlank() && lineIndent < indent) break;
      block.add(line.isBlank() ? "" : line.substring(indent));
    }
    return String.join("\n", block) + "\n";
  }
}
