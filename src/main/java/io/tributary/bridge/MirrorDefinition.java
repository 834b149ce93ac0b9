package io.tributary.bridge;

import io.tributary.stream.StreamKey;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * One mirror, as {@code conf/mirrors.json} or {@code POST /mirrors} gives it (JSON members in brackets):
 *
 * @param name unique, 1-128 of {@code [A-Za-z0-9_.-]} [name]
 * @param direction [direction]: STREAM_TO_TOPIC or TOPIC_TO_STREAM
 * @param stream the stream's account, region (defaults: the server's) and name [account, region, stream]
 * @param topic the Kafka topic [topic]
 * @param startPosition stream to topic: where a mirror with no checkpoint starts [startPosition]:
 *     TRIM_HORIZON (default), LATEST or AT_TIMESTAMP with [startTimestamp] in epoch milliseconds
 * @param partitions stream to topic: partitions of a topic the mirror creates; 0 means the stream's open
 *     shard count [partitions]
 * @param consumerGroup topic to stream: the consumer group [consumerGroup], default {@code tributary-mirror-<name>}
 * @param nullKeyPartitionKey topic to stream: partition key of records whose Kafka key is null or empty
 *     [nullKeyPartitionKey], default {@code kafka-null-key}
 * @param paused whether the mirror is paused [paused]
 */
public record MirrorDefinition(String name, Direction direction, StreamKey stream, String topic,
    StartPosition startPosition, long startTimestamp, int partitions, String consumerGroup,
    String nullKeyPartitionKey, boolean paused) {

  public enum Direction { STREAM_TO_TOPIC, TOPIC_TO_STREAM }

  public enum StartPosition { TRIM_HORIZON, LATEST, AT_TIMESTAMP }

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
  /** Kafka's rule for topic names. */
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
  private static final Pattern STREAM = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");

  /** Reads and checks a definition; a bad one fails with IllegalArgumentException naming the member. */
  public static MirrorDefinition fromJson(JsonObject json, String defaultAccount, String defaultRegion) {
    String name = required(json, "name", NAME);
    Direction direction = enumOf(Direction.class, json, "direction", null);
    String stream = required(json, "stream", STREAM);
    String topic = required(json, "topic", TOPIC);
    StartPosition start = enumOf(StartPosition.class, json, "startPosition", StartPosition.TRIM_HORIZON);
    long timestamp = json.getLong("startTimestamp", 0L);
    if (start == StartPosition.AT_TIMESTAMP && !json.containsKey("startTimestamp")) {
      throw new IllegalArgumentException("startTimestamp (epoch milliseconds) is required with AT_TIMESTAMP");
    }
    int partitions = json.getInteger("partitions", 0);
    if (partitions < 0) throw new IllegalArgumentException("partitions must be 0 (the open shard count) or more");
    String group = json.getString("consumerGroup", "tributary-mirror-" + name);
    String nullKey = json.getString("nullKeyPartitionKey", "kafka-null-key");
    if (nullKey.isEmpty() || nullKey.length() > 256) {
      throw new IllegalArgumentException("nullKeyPartitionKey must have 1 to 256 characters");
    }
    StreamKey key = new StreamKey(json.getString("account", defaultAccount), json.getString("region", defaultRegion),
        stream);
    return new MirrorDefinition(name, direction, key, topic, start, timestamp, partitions, group, nullKey,
        json.getBoolean("paused", false));
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("name", name)
        .put("direction", direction.name())
        .put("account", stream.account())
        .put("region", stream.region())
        .put("stream", stream.name())
        .put("topic", topic);
    if (direction == Direction.STREAM_TO_TOPIC) {
      json.put("startPosition", startPosition.name()).put("partitions", partitions);
      if (startPosition == StartPosition.AT_TIMESTAMP) json.put("startTimestamp", startTimestamp);
    } else {
      json.put("consumerGroup", consumerGroup).put("nullKeyPartitionKey", nullKeyPartitionKey);
    }
    return json.put("paused", paused);
  }

  public MirrorDefinition withPaused(boolean value) {
    return new MirrorDefinition(name, direction, stream, topic, startPosition, startTimestamp, partitions,
        consumerGroup, nullKeyPartitionKey, value);
  }

  private static String required(JsonObject json, String member, Pattern rule) {
    Object value = json.getValue(member);
    if (!(value instanceof String text) || !rule.matcher(text).matches()) {
      throw new IllegalArgumentException(member + " must be a string matching " + rule.pattern());
    }
    return text;
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, JsonObject json, String member, E fallback) {
    Object value = json.getValue(member);
    if (value == null && fallback != null) return fallback;
    try {
      return Enum.valueOf(type, String.valueOf(value));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(member + " must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }
  }
}
