package io.tributary.bridge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics a mirror needs through the Vert.x admin client; the admin client is made and closed on a
 * worker, and its calls run on Kafka's own thread.
 */
final class KafkaTopics {
  private KafkaTopics() { }

  /** Creates the topic unless it exists; its existing partition count and configuration are kept. */
  static Future<Void> ensure(Vertx vertx, WorkerExecutor workers, KafkaClientSettings kafka, String topic,
      int partitions, Map<String, String> config) {
    NewTopic newTopic = new NewTopic(topic, partitions, kafka.replicationFactor()).setConfig(config);
    return workers.executeBlocking(() -> AdminClient.create(kafka.common()), false).compose(created -> {
      KafkaAdminClient admin = KafkaAdminClient.create(vertx, created);
      return admin.createTopics(List.of(newTopic))
          .recover(failure -> exists(failure) ? Future.succeededFuture() : Future.failedFuture(failure))
          .eventually(() -> workers.executeBlocking(() -> {
            created.close(Duration.ofSeconds(1));
            return null;
          }, false));
    });
  }

  private static boolean exists(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof TopicExistsException) return true;
    }
    return false;
  }
}
