package io.tributary.stream;

import io.tributary.shard.SequenceNumber;

/**
 * What the control plane knows of one shard. Immutable; a change makes a new descriptor.
 *
 * @param index the number in the shard id ({@code shardId-000000000007} has index 7); it is also encoded
 *     in every sequence number of the shard
 * @param endingSequenceNumber null while the shard is open; set when a split or merge closes it
 * @param closedMillis when the shard was closed, or null while it is open
 */
public record ShardDescriptor(
    String shardId,
    int index,
    HashKeyRange hashKeyRange,
    String parentShardId,
    String adjacentParentShardId,
    long createdMillis,
    String endingSequenceNumber,
    Long closedMillis) {

  public static String idOf(long index) {
    return String.format("shardId-%012d", index);
  }

  /** A new open shard. */
  public static ShardDescriptor open(int index, HashKeyRange range, String parent, String adjacentParent, long now) {
    return new ShardDescriptor(idOf(index), index, range, parent, adjacentParent, now, null, null);
  }

  public boolean isOpen() { return endingSequenceNumber == null; }

  public ShardDescriptor closed(String endingSequenceNumber, long closedMillis) {
    return new ShardDescriptor(shardId, index, hashKeyRange, parentShardId, adjacentParentShardId, createdMillis,
        endingSequenceNumber, closedMillis);
  }

  public String startingSequenceNumber() {
    return SequenceNumber.format(createdMillis / 1000, index, 0, createdMillis / 1000);
  }

  /**
   * The sequence number of the record at an offset of this shard. It bears no arrival before the shard's
   * creation (a child shard is stamped a second after its parents close, as AWS's are), so only a
   * continuation point made before any record does.
   */
  public String sequenceNumber(long offset, long arrivalMillis) {
    return SequenceNumber.format(createdMillis / 1000, index, offset, Math.max(arrivalMillis, createdMillis) / 1000);
  }
}
