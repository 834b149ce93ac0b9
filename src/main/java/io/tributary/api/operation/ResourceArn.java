package io.tributary.api.operation;

import io.tributary.api.KinesisException;
import io.tributary.api.wire.Member;
import io.tributary.stream.ConsumerDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.tributary.stream.StreamRegistry;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a ResourceARN names: a stream, or one of its consumers (the stream's ARN followed by
 * {@code /consumer/<name>:<creation epoch seconds>}). The tagging and resource-policy operations take either.
 */
record ResourceArn(String arn, StreamKey streamKey, String consumerName, long consumerCreatedSeconds) {
  static final String PATTERN = "arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+";
  private static final Pattern CONSUMER =
      Pattern.compile("arn:aws[^:]*:kinesis:([^:]*):(\\d{12}):stream/([a-zA-Z0-9_.-]+)/consumer/([a-zA-Z0-9_.-]+):([0-9]{1,18})");
  private static final Pattern STREAM = Pattern.compile("arn:aws[^:]*:kinesis:([^:]*):(\\d{12}):stream/(\\S+)");

  static Member member() {
    return Member.string("ResourceARN").notNull().length(1, 2048).pattern(PATTERN);
  }

  /** The resource an ARN names; InvalidArgumentException for an ARN that names neither a stream nor a consumer. */
  static ResourceArn parse(String arn) {
    ResourceArn consumer = parseConsumer(arn);
    if (consumer != null) return consumer;
    Matcher stream = STREAM.matcher(arn);
    if (!stream.matches()) {
      throw KinesisException.invalidArgument("ResourceARN " + arn + " is not a valid stream or consumer ARN.");
    }
    return new ResourceArn(arn, new StreamKey(stream.group(2), stream.group(1), stream.group(3)), null, 0);
  }

  /** The consumer an ARN names, or null if it is not a consumer ARN. */
  static ResourceArn parseConsumer(String arn) {
    Matcher consumer = CONSUMER.matcher(arn);
    if (!consumer.matches()) return null;
    return new ResourceArn(arn, new StreamKey(consumer.group(2), consumer.group(1), consumer.group(3)),
        consumer.group(4), Long.parseLong(consumer.group(5)));
  }

  boolean isConsumer() { return consumerName != null; }

  /** The resource as it is now; ResourceNotFoundException if there is none. */
  Resource find(StreamRegistry registry) {
    StreamDescriptor stream = registry.find(streamKey);
    if (!isConsumer()) {
      if (stream == null) {
        throw KinesisException.resourceNotFound("Stream " + arn + " under account " + streamKey.account() + " not found.");
      }
      return new Resource(stream, null);
    }
    ConsumerDescriptor consumer = stream == null ? null : stream.consumer(consumerName);
    if (consumer == null || consumer.createdMillis() / 1000 != consumerCreatedSeconds) {
      throw ConsumerMembers.consumerNotFound(arn, streamKey.account());
    }
    return new Resource(stream, consumer);
  }

  /** A stream, or a consumer together with its stream. */
  record Resource(StreamDescriptor stream, ConsumerDescriptor consumer) {

    /** The resource's own ARN, as this server forms it: the key of its policy. */
    String arn() { return consumer != null ? consumer.arn() : stream.arn(); }

    Map<String, String> tags() { return consumer != null ? consumer.tags() : stream.tags(); }

    /** How AWS names the resource in a message: "stream orders", "consumer reader". */
    String described() { return consumer != null ? "consumer " + consumer.name() : "stream " + stream.name(); }

    String kind() { return consumer != null ? "consumer" : "stream"; }

    String account() { return stream.key().account(); }

    /** A consumer is changed only while ACTIVE; ResourceInUseException otherwise. A stream passes. */
    Resource requireActive() {
      if (consumer != null) ConsumerMembers.requireActive(stream, consumer);
      return this;
    }
  }
}
