package io.tributary.bridge;

import io.tributary.support.ClientKind;
import io.tributary.support.KafkaBroker;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * What a bridge test class shares, registered as its extension: a broker (with the topics the class
 * needs), a server pointed at it with short mirror retries and no configured mirrors, and an SDK client of
 * that server; started before the class's tests and stopped after them.
 */
final class BridgeTestBed implements BeforeAllCallback, AfterAllCallback {
  private final Map<String, String> settings;
  private final List<NewTopic> topics;
  private KafkaBroker broker;
  private TestServer server;
  private KinesisClient kinesis;

  private BridgeTestBed(Map<String, String> settings, List<NewTopic> topics) {
    this.settings = settings;
    this.topics = topics;
  }

  static BridgeTestBed with(Map<String, String> settings, NewTopic... topics) {
    return new BridgeTestBed(settings, List.of(topics));
  }

  KafkaBroker broker() { return broker; }

  TestServer server() { return server; }

  KinesisClient kinesis() { return kinesis; }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    broker = KafkaBroker.start();
    if (!topics.isEmpty()) {
      try (Admin admin = broker.admin()) {
        admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
      }
    }
    Map<String, String> all = new HashMap<>(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
        "mirrors.file", "", "mirror.retry.initial.ms", "100", "mirror.retry.max.ms", "1000"));
    all.putAll(settings);
    server = TestServer.start(all);
    kinesis = KinesisClients.of(ClientKind.ASYNC_CBOR_H2C, server.endpoint());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) server.close();
    if (broker != null) broker.close();
  }

  /**
   * The environment of a child server that mirrors as the one definition written to {@code mirrorsFile}
   * says, for the crash tests.
   */
  Map<String, String> childEnvironment(Path mirrorsFile, String name, String direction, String stream, String topic,
      Map<String, String> extra) throws IOException {
    Files.writeString(mirrorsFile, new JsonArray().add(new JsonObject()
        .put("name", name).put("direction", direction).put("stream", stream).put("topic", topic)).encode());
    Map<String, String> environment = new HashMap<>(Map.of("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
        "TRIBUTARY_MIRRORS_FILE", mirrorsFile.toString(), "TRIBUTARY_MIRROR_RETRY_INITIAL_MS", "100"));
    environment.putAll(extra);
    return environment;
  }
}
