package io.tributary.log;

import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
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
 * @param offlineRetryMillis how long a log taken offline by a failed write or fsync waits before it first
 *     tries to come back; the wait doubles after each failed try
 * @param offlineRetryMaxMillis the longest wait between two tries
 * @param channels opens the segments' files; only tests substitute one that fails
 * @param sealedFiles the bound on the channels and index mappings sealed segments hold, shared by every
 *     log of a server
 * @param workers the worker pools the log writes and reads on
 */
public record LogConfig(FsyncPolicy fsync, int segmentBytes, int indexIntervalBytes, long retentionMillis,
    long retentionCheckIntervalMillis, long offlineRetryMillis, long offlineRetryMaxMillis, ChannelOpener channels,
    SealedSegmentCache sealedFiles, LogWorkers workers) {

  public static final int DEFAULT_SEGMENT_BYTES = 128 * 1024 * 1024;
  public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;

  public LogConfig {
    if (segmentBytes < 1024) throw new IllegalArgumentException("segment size below 1 KiB: " + segmentBytes);
    if (indexIntervalBytes <= 0) throw new IllegalArgumentException("index interval must be positive: " + indexIntervalBytes);
    if (retentionMillis <= 0) throw new IllegalArgumentException("retention must be positive: " + retentionMillis);
    if (retentionCheckIntervalMillis <= 0) {
      throw new IllegalArgumentException("retention check interval must be positive: " + retentionCheckIntervalMillis);
    }
    if (offlineRetryMillis <= 0 || offlineRetryMaxMillis < offlineRetryMillis) {
      throw new IllegalArgumentException("offline retry must be positive and at most its maximum: "
          + offlineRetryMillis + ", " + offlineRetryMaxMillis);
    }
    if (channels == null || sealedFiles == null) throw new IllegalArgumentException("no channel opener or cache");
    if (workers == null) throw new IllegalArgumentException("worker pools missing");
  }

  /**
   * fsync=always, 128 MiB segments, an index entry every 4 KiB, 24 hours' retention checked every 5 minutes,
   * an offline log retried after 200 ms, doubling to 10 s, and (in a cache of their own) at most 1,000
   * channels and 10,000 index mappings of sealed segments, on Vert.x's default worker pool.
   */
  public static LogConfig defaults() {
    return new LogConfig(new FsyncPolicy.Always(), DEFAULT_SEGMENT_BYTES, DEFAULT_INDEX_INTERVAL_BYTES,
        Duration.ofHours(24).toMillis(), Duration.ofMinutes(5).toMillis(), 200, 10_000, ChannelOpener.FILES,
        new SealedSegmentCache(1_000, 10_000), LogWorkers.DEFAULT);
  }

  public LogConfig withFsync(FsyncPolicy policy) {
    return new LogConfig(policy, segmentBytes, indexIntervalBytes, retentionMillis, retentionCheckIntervalMillis,
        offlineRetryMillis, offlineRetryMaxMillis, channels, sealedFiles, workers);
  }

  public LogConfig withSegmentBytes(int bytes) {
    return new LogConfig(fsync, bytes, indexIntervalBytes, retentionMillis, retentionCheckIntervalMillis,
        offlineRetryMillis, offlineRetryMaxMillis, channels, sealedFiles, workers);
  }

  public LogConfig withIndexIntervalBytes(int bytes) {
    return new LogConfig(fsync, segmentBytes, bytes, retentionMillis, retentionCheckIntervalMillis,
        offlineRetryMillis, offlineRetryMaxMillis, channels, sealedFiles, workers);
  }

  public LogConfig withRetention(long millis, long checkIntervalMillis) {
    return new LogConfig(fsync, segmentBytes, indexIntervalBytes, millis, checkIntervalMillis,
        offlineRetryMillis, offlineRetryMaxMillis, channels, sealedFiles, workers);
  }

  public LogConfig withOfflineRetry(long millis, long maxMillis) {
    return new LogConfig(fsync, segmentBytes, indexIntervalBytes, retentionMillis, retentionCheckIntervalMillis,
        millis, maxMillis, channels, sealedFiles, workers);
  }

  LogConfig withChannels(ChannelOpener opener) {
    return new LogConfig(fsync, segmentBytes, indexIntervalBytes, retentionMillis, retentionCheckIntervalMillis,
        offlineRetryMillis, offlineRetryMaxMillis, opener, sealedFiles, workers);
  }

  /**
   * For tests of a whole server only: segment writes and fsyncs fail with "No space left on device" while
   * the flag file exists, as on a full disk, and work again once it is deleted.
   */
  public LogConfig withDiskFullWhile(Path flagFile) {
    return withChannels(new DiskFullInjection(channels, flagFile));
  }

  /** Times every fsync of a segment file (group commits, interval flushes, rolls, close) on the timer. */
  public LogConfig withFsyncTimer(Timer timer) {
    return withChannels(new FsyncTiming(channels, timer));
  }

  /** A new cache with these bounds, for every log opened with this configuration and its copies. */
  public LogConfig withSealedFileLimits(int maxOpenSegments, int maxMappedIndexes) {
    return new LogConfig(fsync, segmentBytes, indexIntervalBytes, retentionMillis, retentionCheckIntervalMillis,
        offlineRetryMillis, offlineRetryMaxMillis, channels, new SealedSegmentCache(maxOpenSegments, maxMappedIndexes),
        workers);
  }

  public LogConfig withWorkers(LogWorkers pools) {
    return new LogConfig(fsync, segmentBytes, indexIntervalBytes, retentionMillis, retentionCheckIntervalMillis,
        offlineRetryMillis, offlineRetryMaxMillis, channels, sealedFiles, pools);
  }

  /** Entries an index needs for a segment of the given size: one per full interval, plus slack. */
  int indexEntriesFor(long segmentSize) {
    return (int) Math.min(Integer.MAX_VALUE / 16, Math.max(segmentBytes, segmentSize) / indexIntervalBytes + 2);
  }
}
