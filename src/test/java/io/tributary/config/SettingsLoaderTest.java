package io.tributary.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {

  @Test
  void builtInDefaultsAreTheShippedFile() {
    Settings defaults = SettingsLoader.defaults();
    assertEquals(4567, defaults.integer("port"));
    assertEquals(4568, defaults.integer("tls.port"));
    assertEquals(4569, defaults.integer("management.port"));
    assertEquals("./data", defaults.string("data.dir"));
    assertEquals("000000000000", defaults.string("account"));
    assertEquals("us-east-1", defaults.string("region"));
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("custom.properties");
    Files.writeString(file, "port=1111\ntls.port=2222\nmanagement.port=3333\nregion=eu-west-1\n");
    Map<String, String> env = Map.of("TRIBUTARY_TLS_PORT", "5555", "TRIBUTARY_MANAGEMENT_PORT", "6666",
        "TRIBUTARY_STREAM_CREATE_DELAY_MS", "0");
    Settings settings = SettingsLoader.load(List.of("--config", file.toString(), "--management-port", "7777",
        "--data-dir=/tmp/elsewhere"), env);
    assertEquals(1111, settings.integer("port"));
    assertEquals(5555, settings.integer("tls.port"));
    assertEquals(7777, settings.integer("management.port"));
    assertEquals("/tmp/elsewhere", settings.string("data.dir"));
    assertEquals("eu-west-1", settings.string("region"));
    assertEquals(0, settings.integer("stream.create.delay.ms"));
    assertEquals("shape", settings.string("auth.mode"));
  }

  @Test
  void theConfigFileCanComeFromTheEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("env.properties");
    Files.writeString(file, "port=4242\n");
    Settings settings = SettingsLoader.load(List.of(), Map.of("TRIBUTARY_CONFIG", file.toString(), "TRIBUTARY_PORT", "4343"));
    assertEquals(4343, settings.integer("port"));
  }

  @Test
  void rejectsUnknownFlagsAndMissingValues() {
    assertThrows(IllegalArgumentException.class, () -> SettingsLoader.load(List.of("--bogus", "1"), Map.of()));
    assertThrows(IllegalArgumentException.class, () -> SettingsLoader.load(List.of("--port"), Map.of()));
  }

  @Test
  void rejectsAMisspelledSettingInTheFileButPassesKafkaClientSettings(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("typo.properties");
    Files.writeString(file, "auth.mdoe=verify\n");
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> SettingsLoader.load(List.of("--config", file.toString()), Map.of()));
    assertEquals("unknown setting 'auth.mdoe' in " + file + " (java -jar tributary.jar --help lists them)",
        refused.getMessage());

    Files.writeString(file, "kafka.client.security.protocol=SSL\n");
    assertEquals("SSL", SettingsLoader.load(List.of("--config", file.toString()), Map.of())
        .string("kafka.client.security.protocol"));
  }

  @Test
  void kafkaClientSettingsComeFromTheEnvironmentTooAndBeatTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("kafka.properties");
    Files.writeString(file, "kafka.client.security.protocol=PLAINTEXT\nkafka.client.acks=1\n");
    Settings settings = SettingsLoader.load(List.of("--config", file.toString()),
        Map.of("TRIBUTARY_KAFKA_CLIENT_SECURITY_PROTOCOL", "SSL", "TRIBUTARY_KAFKA_CLIENT_SASL_MECHANISM", "PLAIN"));
    assertEquals("SSL", settings.string("kafka.client.security.protocol"));
    assertEquals("PLAIN", settings.string("kafka.client.sasl.mechanism"));
    assertEquals("1", settings.string("kafka.client.acks"));
  }

  @Test
  void namesEnvironmentVariablesFromKeys() {
    assertEquals("TRIBUTARY_TLS_PORT", SettingsLoader.envName("tls.port"));
    assertEquals("TRIBUTARY_STREAM_ON_DEMAND_SHARDS", SettingsLoader.envName("stream.on.demand.shards"));
  }
}
