package io.tributary.api.operation;

import io.tributary.api.KinesisException;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.tributary.stream.StreamRegistry;
import io.tributary.stream.StreamStatus;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The members that name a stream, shared by nearly every operation, and how a request's stream is found.
 * An operation takes StreamName or StreamARN (the ARN's account and region win), and accepts a StreamId
 * without using it.
 */
final class StreamMembers {
  static final String NAME_PATTERN = "[a-zA-Z0-9_.-]+";
  static final String ARN_PATTERN = "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+";
  static final String SHARD_ID_PATTERN = "[a-zA-Z0-9_.-]+";
  static final String SEQUENCE_NUMBER_PATTERN = "0|([1-9]\\d{0,128})";
  static final String HASH_KEY_PATTERN = "0|([1-9]\\d{0,38})";
  private static final Pattern ARN = Pattern.compile("arn:aws[^:]*:kinesis:([^:]*):(\\d{12}):stream/(\\S+)");

  private StreamMembers() { }

  /** StreamName, which may be absent only when StreamARN names the stream instead. */
  static Member streamName() {
    return optionalStreamName().requiredUnless("StreamARN");
  }

  /** StreamName where another member may stand for it too (ListShards' NextToken). */
  static Member optionalStreamName() {
    return Member.string("StreamName").pattern(NAME_PATTERN).length(1, 128);
  }

  static Member streamArn() {
    return Member.string("StreamARN").length(1, 2048).pattern(ARN_PATTERN);
  }

  static Member streamId() {
    return Member.string("StreamId").length(1, 24).pattern("[a-z0-9]{20}-[a-z0-9]{3}");
  }

  static Member shardId(String name) {
    return Member.string(name).pattern(SHARD_ID_PATTERN).length(1, 128);
  }

  /**
   * A shard id as AWS reads it: the number after the first dash, so "shardId-1" is shardId-000000000001;
   * null when there is no such number.
   */
  static String canonicalShardId(String shardId) {
    String digits = shardId.substring(shardId.indexOf('-') + 1);
    if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) return null;
    String significant = digits.replaceFirst("^0+(?=\\d)", "");
    if (significant.length() > 10) return null;
    long index = Long.parseLong(significant);
    return index > Integer.MAX_VALUE ? null : ShardDescriptor.idOf((int) index);
  }

  /**
   * As AWS: a shard id that cannot name a shard (not digits after an optional prefix, or past the largest
   * index) is not found, and this is checked before the stream is looked up.
   */
  static void checkShardIdForm(RequestContext context, Input input, String member) {
    String requested = input.string(member);
    if (canonicalShardId(requested) == null) {
      StreamKey key = keyOf(context, input);
      throw KinesisException.resourceNotFound("Could not find shard " + requested + " in stream " + key.name()
          + " under account " + key.account() + ".");
    }
  }

  /** The open shard a resharding request names, with AWS's answers when it is unknown or closed. */
  static ShardDescriptor openShardToReshard(StreamDescriptor stream, String requested) {
    String shardId = canonicalShardId(requested);
    ShardDescriptor shard = shardId == null ? null : stream.shard(shardId);
    if (shard == null) {
      throw KinesisException.resourceNotFound("Could not find shard " + (shardId == null ? requested : shardId)
          + " in stream " + stream.name() + " under account " + stream.key().account() + ".");
    }
    if (!shard.isOpen()) {
      throw KinesisException.invalidArgument("Shard " + shard.shardId() + " in stream " + stream.name() + " under account "
          + stream.key().account() + " has already been merged or split, and thus is not eligible for merging or splitting.");
    }
    return shard;
  }

  /** Resharding needs an ACTIVE, provisioned stream. */
  static void checkReshardable(StreamDescriptor stream, String operation) {
    requireActive(stream);
    if (stream.mode() == io.tributary.stream.StreamMode.ON_DEMAND) {
      throw KinesisException.client("ValidationException", operation + " is not supported for stream " + stream.name()
          + " under account " + stream.key().account() + " because it is in ON_DEMAND capacity mode.");
    }
  }

  /** The stream a request names, whether or not it exists. */
  static StreamKey keyOf(RequestContext context, Input input) {
    String arn = input.string("StreamARN");
    if (arn != null) return keyOfArn(arn);
    String name = input.string("StreamName");
    if (name == null) {
      throw KinesisException.client("ValidationException", "1 validation error detected: Value null at 'streamName' "
          + "failed to satisfy constraint: Member must not be null");
    }
    return new StreamKey(context.account(), context.region(), name);
  }

  /** The stream a StreamARN names, whether or not it exists. */
  static StreamKey keyOfArn(String arn) {
    Matcher matcher = ARN.matcher(arn);
    if (!matcher.matches()) throw KinesisException.invalidArgument("StreamARN " + arn + " is not a valid stream ARN.");
    return new StreamKey(matcher.group(2), matcher.group(1), matcher.group(3));
  }

  /** The stream a request names, or ResourceNotFoundException. */
  static StreamDescriptor find(StreamRegistry registry, RequestContext context, Input input) {
    StreamKey key = keyOf(context, input);
    StreamDescriptor stream = registry.find(key);
    if (stream == null) throw KinesisException.streamNotFound(key.name(), key.account());
    return stream;
  }

  /** The stream, if it is ACTIVE: the state every change to a stream needs. */
  static StreamDescriptor requireActive(StreamDescriptor stream) {
    if (stream.status() != StreamStatus.ACTIVE) {
      throw KinesisException.resourceInUse("Stream " + stream.name() + " under account " + stream.key().account()
          + " not ACTIVE, instead in state " + stream.status());
    }
    return stream;
  }

  /** The stream a data-plane request names, which must be ACTIVE or UPDATING to read or write. */
  static StreamDescriptor findForData(StreamRegistry registry, RequestContext context, Input input) {
    StreamDescriptor stream = find(registry, context, input);
    if (!stream.acceptsData()) throw KinesisException.streamNotFound(stream.name(), stream.key().account());
    return stream;
  }
}
