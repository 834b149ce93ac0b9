package io.tributary.log;

/**
 * A record as a shard log holds it.
 *
 * @param offset the record's position in its shard, from 0
 * @param arrivalMillis when the shard accepted it; never decreases along a shard
 */
public record StoredRecord(long offset, long arrivalMillis, String partitionKey, byte[] data) {

  /** The size that counts against read limits, as AWS counts it: data plus partition key. */
  public int size() {
    return data.length + partitionKey.length();
  }
}
