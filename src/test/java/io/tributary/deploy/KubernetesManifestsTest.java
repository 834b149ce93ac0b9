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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * Secret, as the manifests promise.
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
    keys.load(new StringReader(block(K8S.resolve("secret.yaml"), "credentials.properties: |")));
    assertFalse(keys.isEmpty(), "the Secret holds at least one key");
    String accessKey = keys.stringPropertyNames().iterator().next();

    Path credentials = Files.createTempFile("credentials", ".properties");
    Files.writeString(credentials, block(K8S.resolve("secret.yaml"), "credentials.properties: |"));
    settings.put("auth.credentials.file", credentials.toString());
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
    properties.load(new StringReader(block(K8S.resolve("configmap.yaml"), "tributary.properties: |")));
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
