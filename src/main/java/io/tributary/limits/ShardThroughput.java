package io.tributary.limits;

import io.tributary.log.RecordSize;
import io.tributary.shard.ShardRequest.IncomingRecord;
import java.time.Clock;
import java.util.List;

/**
 * What one shard has used of its {@link ShardQuota}: a write bucket of bytes and one of records, each
 * holding one second of the quota (AWS lets a shard burst that much), a bucket of GetRecords calls, and
 * the bytes GetRecords has returned, owed back at the read rate: a call that returned 10 MiB at 2 MiB/s
 * throttles the calls of the next 5 seconds, as AWS documents.
 *
 * <p>Not thread-safe: it belongs to the shard's verticle.
 */
public final class ShardThroughput {
  private final TokenBucket writeBytes;
  private final TokenBucket writeRecords;
  private final TokenBucket readCalls;
  private final TokenBucket readBytes;
  private ShardQuota quota;

  public ShardThroughput(Clock clock, ShardQuota quota) {
    this.quota = quota;
    writeBytes = new TokenBucket(clock, quota.writeBytesPerSecond(), quota.writeBytesPerSecond());
    writeRecords = new TokenBucket(clock, quota.writeRecordsPerSecond(), quota.writeRecordsPerSecond());
    readCalls = new TokenBucket(clock, quota.readCallsPerSecond(), quota.readCallsPerSecond());
    readBytes = new TokenBucket(clock, quota.readBytesPerSecond(), 0);
  }

  /**
   * How many of the records, from the first, the shard takes now. It stops at the first that does not
   * fit, so a producer that sends the rest again keeps their order.
   */
  public int admitWrites(ShardQuota current, List<IncomingRecord> records) {
    follow(current);
    int admitted = 0;
    for (IncomingRecord record : records) {
      long size = RecordSize.of(record.partitionKey(), record.data().length);
      if (!writeBytes.allows(size) || !writeRecords.allows(1)) break;
      writeBytes.spend(size);
      writeRecords.spend(1);
      admitted++;
    }
    return admitted;
  }

  /** Whether a GetRecords call may read now; if so it is counted, and {@link #readDone} owes its bytes. */
  public boolean admitRead(ShardQuota current) {
    follow(current);
    if (!readBytes.allows(0) || !readCalls.allows(1)) return false;
    readCalls.spend(1);
    return true;
  }

  public void readDone(long bytes) {
    readBytes.spend(bytes);
  }

  /** A stream's mode or warm throughput may change; the buckets follow its newest quota. */
  private void follow(ShardQuota current) {
    if (current.equals(quota)) return;
    quota = current;
    writeBytes.setRate(current.writeBytesPerSecond(), current.writeBytesPerSecond());
    writeRecords.setRate(current.writeRecordsPerSecond(), current.writeRecordsPerSecond());
    readCalls.setRate(current.readCallsPerSecond(), current.readCallsPerSecond());
    readBytes.setRate(current.readBytesPerSecond(), 0);
  }
}
