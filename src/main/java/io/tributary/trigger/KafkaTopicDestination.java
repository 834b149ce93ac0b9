package io.tributary.trigger;

import io.tributary.bridge.KafkaClientSettings;
import io.tributary.stream.ShardDescriptor;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A failure destination that is a Kafka topic ({@code kafka://<topic>}, as Lambda names Kafka destinations),
 * on the brokers of the Kafka bridge's settings ({@code kafka.bootstrap.servers}, {@code kafka.client.*}).
 * The idempotent producer is made at the first send; every Kafka call runs on the bridge's worker pool.
 * Not thread-safe: the trigger's event loop owns it.
 */
final class KafkaTopicDestination implements FailureDestination {
  static final String SCHEME = "kafka://";
  private static final long SEND_TIMEOUT_SECONDS = 20;

  private final KafkaClientSettings kafka;
  private final WorkerExecutor workers;
  private final String topic;
  private KafkaProducer<byte[], byte[]> producer;

  KafkaTopicDestination(KafkaClientSettings kafka, WorkerExecutor workers, String topic) {
    this.kafka = kafka;
    this.workers = workers;
    this.topic = topic;
  }

  @Override
  public Future<Void> send(ShardDescriptor source, JsonObject description) {
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, source.shardId().getBytes(StandardCharsets.UTF_8),
        description.encode().getBytes(StandardCharsets.UTF_8));
    Future<KafkaProducer<byte[], byte[]>> ready = producer != null ? Future.succeededFuture(producer)
        : workers.executeBlocking(() -> new KafkaProducer<byte[], byte[]>(kafka.producer()), false).onSuccess(made -> producer = made);
    return ready.compose(made -> workers.executeBlocking(() -> {
      made.send(record).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return null;
    }, false));
  }

  @Override
  public Future<Void> close() {
    if (producer == null) return Future.succeededFuture();
    KafkaProducer<byte[], byte[]> closing = producer;
    producer = null;
    return workers.executeBlocking(() -> {
      closing.close(Duration.ofSeconds(2));
      return null;
    }, false).<Void>mapEmpty().otherwiseEmpty();
  }
}
