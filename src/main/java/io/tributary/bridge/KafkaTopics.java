package io.tributary.bridge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the topics a mirror needs, through the Vert.x admin client (Kafka's own threads, no blocking). */
final class KafkaTopics {
  private KafkaTopics() { }

  /** Creates the topic unless it exists; its existing partition count and configuration are kept. */
  static Future<Void> ensure(Vertx vertx, KafkaClientSettings kafka, String topic, int partitions,
      Map<String, String> config) {
    Map<String, String> adminConfig = new HashMap<>();
    kafka.common().forEach((key, value) -> adminConfig.put(key, String.valueOf(value)));
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, adminConfig);
    NewTopic newTopic = new NewTopic(topic, partitions, kafka.replicationFactor()).setConfig(config);
    return admin.createTopics(List.of(newTopic))
        .recover(failure -> exists(failure) ? Future.succeededFuture() : Future.failedFuture(failure))
        .eventually(admin::close);
  }

  private static boolean exists(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof TopicExistsException) return true;
    }
    return false;
  }
}
