package io.tributary.bridge;

import io.tributary.config.Settings;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka client configurations of the bridge, from the settings: {@code kafka.bootstrap.servers}, and any
 * setting {@code kafka.client.<key>} passed to every client as {@code <key>} (security, for instance).
 * Timeouts are short so that a broker that is down shows as a failed call within seconds, which the
 * mirror answers with a retry, instead of a call that blocks a worker for minutes.
 */
public final class KafkaClientSettings {
  private static final String CLIENT_PREFIX = "kafka.client.";

  private final Settings settings;

  public KafkaClientSettings(Settings settings) {
    this.settings = settings;
  }

  String checkpointTopicPrefix() { return settings.string("kafka.checkpoint.topic.prefix"); }

  short replicationFactor() { return (short) settings.integer("kafka.replication.factor"); }

  Map<String, Object> common() {
    Map<String, Object> config = new HashMap<>();
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.string("kafka.bootstrap.servers"));
    config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    config.put(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
    return withOverrides(config);
  }

  /** The {@code kafka.client.*} settings win over the bridge's choices. */
  private Map<String, Object> withOverrides(Map<String, Object> config) {
    for (Map.Entry<String, String> entry : settings.asMap().entrySet()) {
      if (entry.getKey().startsWith(CLIENT_PREFIX)) {
        config.put(entry.getKey().substring(CLIENT_PREFIX.length()), entry.getValue());
      }
    }
    return config;
  }

  /** An idempotent, transactional producer of byte keys and values. */
  Map<String, Object> transactionalProducer(String transactionalId) {
    Map<String, Object> config = common();
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return withOverrides(config);
  }

  /** An idempotent producer of byte keys and values, without transactions (the triggers' failure destination). */
  public Map<String, Object> producer() {
    Map<String, Object> config = common();
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return withOverrides(config);
  }

  /** A consumer that sees committed records only and commits nothing by itself. */
  Map<String, Object> consumer(String groupId) {
    Map<String, Object> config = common();
    if (groupId != null) config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return withOverrides(config);
  }
}
