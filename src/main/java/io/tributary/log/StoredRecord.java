package io.tributary.log;

/**
 * A record as a shard log holds it.
 *
 * @param offset the record's position in its shard, from 0
 * @param arrivalMillis when the shard accepted it; never decreases along a shard
 */
public record StoredRecord(long offset, long arrivalMillis, String partitionKey, byte[] data) {
  /**
   * The partition key of a record put without one (a stream with AUTO record distribution): empty, which
   * no real key is, since keys have at least one character.
   */
  public static final String NO_PARTITION_KEY = "";

  /** The size that counts against read limits, as AWS counts it: data plus partition key ({@link RecordSize}). */
  public int size() {
    return (int) RecordSize.of(partitionKey, data.length);
  }
}
