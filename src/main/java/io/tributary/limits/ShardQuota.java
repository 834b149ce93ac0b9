package io.tributary.limits;

import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamMode;

/**
 * The throughput one shard allows, per second: writes (data plus partition key bytes, and records) and
 * GetRecords (calls, and bytes returned).
 *
 * <p>A provisioned shard allows AWS's shard limits: 1 MiB and 1,000 records in, 5 calls and 2 MiB out. An
 * on-demand stream has a write capacity of its own (AWS: 4 MiB/s when new, or its warm throughput), which
 * AWS meets by adding shards; here the shard count is fixed, so each open shard gets an equal part of the
 * stream's capacity, never less than a provisioned shard's, with reads at twice the writes as AWS gives.
 */
public record ShardQuota(double writeBytesPerSecond, double writeRecordsPerSecond, double readBytesPerSecond,
    double readCallsPerSecond) {
  static final double MIB = 1024 * 1024;
  static final ShardQuota PROVISIONED = new ShardQuota(MIB, 1000, 2 * MIB, 5);
  /** AWS: a new on-demand stream takes 4 MB/s of writes and 8 MB/s of reads. */
  static final int ON_DEMAND_WRITE_MIBPS = 4;

  static ShardQuota of(StreamDescriptor stream) {
    if (stream.mode() != StreamMode.ON_DEMAND) return PROVISIONED;
    Integer warm = stream.warmThroughputCurrentMiBps();
    int streamMiBps = Math.max(ON_DEMAND_WRITE_MIBPS, warm == null ? 0 : warm);
    double shardMiBps = Math.max(1.0, (double) streamMiBps / Math.max(1, stream.openShardCount()));
    return new ShardQuota(shardMiBps * MIB, shardMiBps * 1000, 2 * shardMiBps * MIB, 5);
  }
}
