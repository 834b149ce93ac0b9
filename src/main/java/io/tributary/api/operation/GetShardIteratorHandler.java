package io.tributary.api.operation;

import java.time.Clock;
import io.tributary.stream.StreamRegistry;
import io.tributary.shard.ShardClient;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.shard.SequenceNumber;
import io.tributary.shard.ShardIterator;
import io.tributary.shard.ShardRequest.Position;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.tributary.stream.StreamStatus;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Supplier;

/**
 * GetShardIterator: resolves the requested starting point to an offset in the shard (asking the shard for
 * TRIM_HORIZON, LATEST and AT_TIMESTAMP; reading it from the sequence number otherwise) and returns it
 * as an iterator.
 */
public final class GetShardIteratorHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      Member.string("ShardId").notNull().pattern(StreamMembers.SHARD_ID_PATTERN).length(1, 128),
      Member.string("ShardIteratorType").notNull()
          .oneOf(List.of("AFTER_SEQUENCE_NUMBER", "LATEST", "AT_TIMESTAMP", "AT_SEQUENCE_NUMBER", "TRIM_HORIZON")),
      Member.string("StartingSequenceNumber").pattern(StreamMembers.SEQUENCE_NUMBER_PATTERN),
      StreamMembers.streamName(),
      Member.timestamp("Timestamp"),
      StreamMembers.streamArn(),
      StreamMembers.streamId(),
      DryRun.member());

  private final Clock clock;
  private final StreamRegistry registry;
  private final ShardClient shards;
  private final ShardIterator.Codec iterators;

  public GetShardIteratorHandler(Clock clock, StreamRegistry registry, ShardClient shards, ShardIterator.Codec iterators) {
    this.clock = clock;
    this.registry = registry;
    this.shards = shards;
    this.iterators = iterators;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamMembers.checkShardIdForm(context, input, "ShardId");
    StreamKey key = StreamMembers.keyOf(context, input);
    String shardId = StreamMembers.canonicalShardId(input.string("ShardId"));
    StreamDescriptor stream = registry.find(key);
    ShardDescriptor shard = stream == null ? null : stream.shard(shardId);
    if (shard == null) {
      throw KinesisException.resourceNotFound("Shard " + shardId + " in stream " + key.name() + " under account "
          + key.account() + " does not exist");
    }
    if (stream.status() == StreamStatus.CREATING) {
      throw KinesisException.resourceInUse("Stream " + key.name() + " under account " + key.account() + " is not ACTIVE.");
    }

    String type = input.string("ShardIteratorType");
    String sequenceNumber = input.string("StartingSequenceNumber");
    Supplier<Future<Long>> offset;
    switch (type) {
      case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER" -> {
        if (sequenceNumber == null) throw iteratorTypeMismatch(type, "no");
        SequenceNumber.Fields fields = StartingSequenceNumber.check(sequenceNumber, "GetShardIterator", stream, shard);
        long at = StartingSequenceNumber.offset(fields, shard, type.equals("AFTER_SEQUENCE_NUMBER"));
        offset = () -> Future.succeededFuture(at);
      }
      case "AT_TIMESTAMP" -> {
        if (sequenceNumber != null) throw iteratorTypeMismatch(type, "also a");
        Long timestamp = input.timestamp("Timestamp");
        if (timestamp == null) {
          throw KinesisException.invalidArgument("Must specify timestampInMillis parameter for iterator of type "
              + "AT_TIMESTAMP. Current request has no timestamp parameter.");
        }
        long now = clock.millis();
        if (timestamp > now) {
          throw KinesisException.invalidArgument("The timestampInMillis parameter cannot be greater than the "
              + "currentTimestampInMillis. timestampInMillis: " + timestamp + ", currentTimestampInMillis: " + now);
        }
        offset = () -> shards.locate(stream, shard, Position.AT_TIMESTAMP, timestamp);
      }
      default -> {
        if (sequenceNumber != null) throw iteratorTypeMismatch(type, "also a");
        offset = () -> shards.locate(stream, shard, Position.valueOf(type), 0);
      }
    }
    DryRun.stopIfRequested(input);
    return offset.get().map(at -> {
      String iterator = iterators.encode(new ShardIterator(clock.millis(), key.account(),
          key.region(), key.name(), stream.createdMillis(), shard.shardId(), at));
      return writer -> writer.field("ShardIterator", iterator);
    });
  }

  private static KinesisException iteratorTypeMismatch(String type, String sequenceNumberGiven) {
    return KinesisException.invalidArgument("Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and "
        + "StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified "
        + type + " and " + sequenceNumberGiven + " StartingSequenceNumber.");
  }
}
