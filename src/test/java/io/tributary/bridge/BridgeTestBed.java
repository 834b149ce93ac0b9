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
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * What a bridge test class shares: a broker (with the topics it needs), a server pointed at it with short
 * mirror retries and no configured mirrors, and an SDK client of that server.
 */
record BridgeTestBed(KafkaBroker broker, TestServer server, KinesisClient kinesis) implements AutoCloseable {

  static BridgeTestBed start(Map<String, String> settings, NewTopic... topics) throws Exception {
    KafkaBroker broker = KafkaBroker.start();
    if (topics.length > 0) {
      try (Admin admin = broker.admin()) {
        admin.createTopics(List.of(topics)).all().get(30, TimeUnit.SECONDS);
      }
    }
    Map<String, String> all = new HashMap<>(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
        "mirrors.file", "", "mirror.retry.initial.ms", "100", "mirror.retry.max.ms", "1000"));
    all.putAll(settings);
    TestServer server = TestServer.start(all);
    return new BridgeTestBed(broker, server, KinesisClients.of(ClientKind.ASYNC_CBOR_H2C, server.endpoint()));
  }

  /**
   * The environment of a child server that mirrors as the one definition written to {@code mirrorsFile}
   * says, for the crash tests.
   */
  Map<String, String> childEnvironment(Path mirrorsFile, String name, String direction, String stream,
      String topic, Map<String, String> extra) throws IOException {
    Files.writeString(mirrorsFile, new JsonArray().add(new JsonObject()
        .put("name", name).put("direction", direction).put("stream", stream).put("topic", topic)).encode());
    Map<String, String> environment = new HashMap<>(Map.of("TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
        "TRIBUTARY_MIRRORS_FILE", mirrorsFile.toString(), "TRIBUTARY_MIRROR_RETRY_INITIAL_MS", "100"));
    environment.putAll(extra);
    return environment;
  }

  @Override
  public void close() {
    server.close();
    broker.close();
  }
}
