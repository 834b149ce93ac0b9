package io.tributary.api.operation;

import io.tributary.api.KinesisException;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.ResponseWriter;
import io.tributary.stream.ConsumerDescriptor;
import io.tributary.stream.ConsumerStatus;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.tributary.stream.StreamRegistry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The members that name an enhanced fan-out consumer, how DescribeStreamConsumer and
 * DeregisterStreamConsumer find one (ConsumerARN, or StreamARN and ConsumerName, or all three as long as
 * they agree), and how a consumer is answered.
 */
final class ConsumerMembers {
  static final String ARN_PATTERN =
      "^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+";

  private static final Pattern ACCOUNT = Pattern.compile(":(\\d{12}):");

  private ConsumerMembers() { }

  static Member consumerName() {
    return Member.string("ConsumerName").pattern(StreamMembers.NAME_PATTERN).length(1, 128);
  }

  static Member consumerArn() {
    return Member.string("ConsumerARN").length(1, 2048).pattern(ARN_PATTERN);
  }

  /** The consumer a request names, or InvalidArgumentException / ResourceNotFoundException. */
  static ResourceArn.Resource find(StreamRegistry registry, Input input) {
    String consumerArn = input.string("ConsumerARN");
    String streamArn = input.string("StreamARN");
    String name = input.string("ConsumerName");
    if (consumerArn == null) {
      if (streamArn == null || name == null) {
        throw KinesisException.invalidArgument("Either ConsumerARN or both StreamARN and ConsumerName must be provided.");
      }
      StreamKey key = StreamMembers.keyOfArn(streamArn);
      StreamDescriptor stream = registry.find(key);
      if (stream == null) throw KinesisException.streamNotFound(key.name(), key.account());
      ConsumerDescriptor consumer = stream.consumer(name);
      if (consumer == null) throw consumerNotFound(name, key.account());
      return new ResourceArn.Resource(stream, consumer);
    }
    ResourceArn arn = ResourceArn.parseConsumer(consumerArn);
    if (arn == null) throw consumerNotFound(consumerArn, accountIn(consumerArn));
    if (streamArn != null && !StreamMembers.keyOfArn(streamArn).equals(arn.streamKey())) {
      throw KinesisException.invalidArgument("StreamARN " + streamArn + " does not match the stream of ConsumerARN "
          + consumerArn + ".");
    }
    if (name != null && !name.equals(arn.consumerName())) {
      throw KinesisException.invalidArgument("ConsumerName " + name + " does not match the name in ConsumerARN "
          + consumerArn + ".");
    }
    return arn.find(registry);
  }

  /** The account of an ARN that has the pattern of a consumer ARN but names no stream this server can hold. */
  private static String accountIn(String consumerArn) {
    Matcher account = ACCOUNT.matcher(consumerArn);
    return account.find() ? account.group(1) : "";
  }

  static KinesisException consumerNotFound(String consumer, String account) {
    return KinesisException.resourceNotFound("Consumer " + consumer + ", account " + account + " not found.");
  }

  /** A consumer that is CREATING or DELETING cannot be changed: ResourceInUseException, as AWS words it. */
  static void requireActive(StreamDescriptor stream, ConsumerDescriptor consumer) {
    if (consumer.status() != ConsumerStatus.ACTIVE) {
      throw KinesisException.resourceInUse("Consumer " + consumer.name() + " with creation timestamp "
          + consumer.createdMillis() / 1000 + " under stream " + stream.name() + " and account "
          + stream.key().account() + " is not in ACTIVE status.");
    }
  }

  /** The members of a Consumer (ListStreamConsumers, RegisterStreamConsumer). */
  static void writeConsumer(ResponseWriter writer, ConsumerDescriptor consumer) {
    writer.field("ConsumerName", consumer.name())
        .field("ConsumerARN", consumer.arn())
        .field("ConsumerStatus", consumer.status().name())
        .timestamp("ConsumerCreationTimestamp", consumer.createdMillis());
  }
}
