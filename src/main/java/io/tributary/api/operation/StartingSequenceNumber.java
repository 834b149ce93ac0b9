package io.tributary.api.operation;

import io.tributary.api.KinesisException;
import io.tributary.shard.SequenceNumber;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;

/**
 * A sequence number a reader starts from (GetShardIterator's StartingSequenceNumber, SubscribeToShard's
 * StartingPosition): checked against the shard it is used on with AWS's wording, and turned into the offset
 * to read from.
 */
final class StartingSequenceNumber {

  private StartingSequenceNumber() { }

  /**
   * The sequence number's fields, or AWS's InvalidArgumentException, as AWS checks: one no layout reads is
   * invalid; one that names another shard says which; one of this shard's index but not of this shard
   * (another stream, another layout) did not come from this stream.
   */
  static SequenceNumber.Fields check(String sequenceNumber, String operation, StreamDescriptor stream,
      ShardDescriptor shard) {
    AwsSequenceNumber decoded = AwsSequenceNumber.decode(sequenceNumber);
    String where = " used in " + operation + " on shard " + shard.shardId() + " in stream " + stream.name()
        + " under account " + stream.key().account() + " is invalid";
    if (decoded == null) {
      throw KinesisException.invalidArgument("StartingSequenceNumber " + sequenceNumber + where + ".");
    }
    if (decoded.shardIndex() != shard.index()) {
      throw KinesisException.invalidArgument("Invalid StartingSequenceNumber. It encodes "
          + ShardDescriptor.idOf(decoded.shardIndex()) + ", while it was used in a call to a shard with " + shard.shardId());
    }
    SequenceNumber.Fields fields = SequenceNumber.parse(sequenceNumber);
    if (fields == null || fields.shardCreatedSeconds() != shard.createdMillis() / 1000) {
      throw KinesisException.invalidArgument("StartingSequenceNumber " + decoded.text() + where
          + " because it did not come from this stream.");
    }
    return fields;
  }

  /**
   * The offset to read from. AFTER a record's sequence number starts at the next record; a continuation
   * point SubscribeToShard sends before any record (arrival before the shard existed, see
   * {@link ShardSubscription}) means "before its offset", so AFTER it starts at that offset itself.
   */
  static long offset(SequenceNumber.Fields fields, ShardDescriptor shard, boolean after) {
    boolean beforeOffset = fields.arrivalSeconds() < shard.createdMillis() / 1000;
    return after && !beforeOffset ? fields.offset() + 1 : fields.offset();
  }
}
