package io.tributary.log;

import java.time.Duration;

/**
 * Settings of one shard log.
 *
 * @param fsync when appends are acknowledged relative to fsync
 * @param segmentBytes a segment rolls before an append would take it past this size (a batch larger than
 *     this still goes whole into a fresh segment)
 * @param indexIntervalBytes bytes of batches between two entries of the sparse indexes; smaller means
 *     bigger indexes and shorter scans
 * @param retentionMillis records older than this stop being readable; their segments are then deleted
 * @param retentionCheckIntervalMillis how often expired segments are looked for
 * @param workers the worker pools the log writes and reads on
 */
public record LogConfig(FsyncPolicy fsync, int segmentBytes, int indexIntervalBytes, long retentionMillis,
    long retentionCheckIntervalMillis, LogWorkers workers) {

  public static final int DEFAULT_SEGMENT_BYTES = 128 * 1024 * 1024;
  public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;

  public LogConfig {
    if (segmentBytes < 1024) throw new IllegalArgumentException("segment size below 1 KiB: " + segmentBytes);
    if (indexIntervalBytes <= 0) throw new IllegalArgumentException("index interval must be positive: " + indexIntervalBytes);
    if (retentionMillis <= 0) throw new IllegalArgumentException("retention must be positive: " + retentionMillis);
    if (retentionCheckIntervalMillis <= 0) {
      throw new IllegalArgumentException("retention check interval must be positive: " + retentionCheckIntervalMillis);
    }
    if (workers == null) throw new IllegalArgumentException("worker pools missing");
  }

  /** A config on Vert.x's default worker pool. */
  public LogConfig(FsyncPolicy fsync, int segmentBytes, int indexIntervalBytes, long retentionMillis,
      long retentionCheckIntervalMillis) {
    this(fsync, segmentBytes, indexIntervalBytes, retentionMillis, retentionCheckIntervalMillis, LogWorkers.DEFAULT);
  }

  /** fsync=always, 128 MiB segments, an index entry every 4 KiB, 24 hours' retention checked every 5 minutes. */
  public static LogConfig defaults() {
    return new LogConfig(new FsyncPolicy.Always(), DEFAULT_SEGMENT_BYTES, DEFAULT_INDEX_INTERVAL_BYTES,
        Duration.ofHours(24).toMillis(), Duration.ofMinutes(5).toMillis());
  }

  public LogConfig withFsync(FsyncPolicy policy) {
    return new LogConfig(policy, segmentBytes, indexIntervalBytes, retentionMillis, retentionCheckIntervalMillis, workers);
  }

  public LogConfig withSegmentBytes(int bytes) {
    return new LogConfig(fsync, bytes, indexIntervalBytes, retentionMillis, retentionCheckIntervalMillis, workers);
  }

  public LogConfig withIndexIntervalBytes(int bytes) {
    return new LogConfig(fsync, segmentBytes, bytes, retentionMillis, retentionCheckIntervalMillis, workers);
  }

  public LogConfig withRetention(long millis, long checkIntervalMillis) {
    return new LogConfig(fsync, segmentBytes, indexIntervalBytes, millis, checkIntervalMillis, workers);
  }

  public LogConfig withWorkers(LogWorkers pools) {
    return new LogConfig(fsync, segmentBytes, indexIntervalBytes, retentionMillis, retentionCheckIntervalMillis, pools);
  }

  /** Entries an index needs for a segment of the given size: one per full interval, plus slack. */
  int indexEntriesFor(long segmentSize) {
    return (int) Math.min(Integer.MAX_VALUE / 16, Math.max(segmentBytes, segmentSize) / indexIntervalBytes + 2);
  }
}
