package io.tributary.shard;

import io.tributary.log.RecordSize;
import io.tributary.log.StoredRecord;

/**
 * A record as the shard protocol hands it to readers (GetRecords, SubscribeToShard, mirrors, triggers, the
 * console), whichever node's log it came from.
 *
 * @param offset the record's position in its shard, from 0
 * @param arrivalMillis when the shard accepted it; never decreases along a shard
 * @param partitionKey the producer's key, or {@link #NO_PARTITION_KEY}
 */
public record ShardRecord(long offset, long arrivalMillis, String partitionKey, byte[] data) {
  /** The partition key of a record put without one (AUTO record distribution): empty, which no real key is. */
  public static final String NO_PARTITION_KEY = StoredRecord.NO_PARTITION_KEY;

  /** The protocol's view of a log's record; the data is shared, not copied. */
  static ShardRecord of(StoredRecord stored) {
    return new ShardRecord(stored.offset(), stored.arrivalMillis(), stored.partitionKey(), stored.data());
  }

  /** The size that counts against read limits, as AWS counts it: data plus the partition key's UTF-8 bytes. */
  public int size() {
    return (int) sizeOf(partitionKey, data.length);
  }

  /** The size of a record with this key and data length, as Kinesis counts it against limits and quotas. */
  public static long sizeOf(String partitionKey, int dataLength) {
    return RecordSize.of(partitionKey, dataLength);
  }
}
