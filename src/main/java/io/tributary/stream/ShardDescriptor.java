package io.tributary.stream;

import io.tributary.shard.SequenceNumber;

/**
 * What the control plane knows of one shard. Immutable; a change makes a new descriptor.
 *
 * @param index the number in the shard id ({@code shardId-000000000007} has index 7); it is also encoded
 *     in every sequence number of the shard
 * @param endingSequenceNumber null while the shard is open
 */
public record ShardDescriptor(
    String shardId,
    int index,
    HashKeyRange hashKeyRange,
    String parentShardId,
    String adjacentParentShardId,
    long createdMillis,
    String endingSequenceNumber) {

  public static String idOf(int index) {
    return String.format("shardId-%012d", index);
  }

  public boolean isOpen() { return endingSequenceNumber == null; }

  public String startingSequenceNumber() {
    return SequenceNumber.format(createdMillis / 1000, index, 0, createdMillis / 1000);
  }
}
