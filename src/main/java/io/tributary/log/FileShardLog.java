package io.tributary.log;

import io.tributary.log.LogSegments.Position;
import io.tributary.log.WriteQueue.PendingAppend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shard log on local disk: durable, append-only, segmented and checksummed, in the manner of Kafka's
 * log layer. One directory per shard holds the segments, each a {@code .log} file of {@link RecordBatch}es
 * (one per append) with a sparse {@link OffsetIndex} and {@link TimeIndex}, all named by the segment's
 * base offset ({@link SegmentFiles}). Only the last segment, the active one, is written; it rolls when an
 * append would take it past the segment size, and a rolled segment is fsynced and never written again.
 * Record data lives only in the files: reads go through the page cache, and the heap holds per segment a
 * few numbers. The active segment keeps its channel and two index mappings; sealed segments hold theirs
 * only while the server-wide {@link SealedSegmentCache} lets them, and open them again when read.
 *
 * <p>Durability follows the {@link FsyncPolicy}. An append is acknowledged (its future completes, and it
 * becomes visible to {@link #read}, {@link #endOffset()}, {@link #lastArrivalMillis()} and
 * {@link #offsetAtOrAfter}) once written, and under {@code always} once fsynced.
 *
 * <p>Failures: a write, fsync or roll that fails, with an exception or an {@link Error} (an mmapped index
 * on a full disk throws {@link InternalError}), takes the log offline. The active segment is cut back to
 * the end of what was acknowledged, every append not yet acknowledged fails, and appends fail at once
 * with {@link LogOfflineException} while reads of acknowledged records go on. A retry on the write queue,
 * after {@link LogConfig#offlineRetryMillis()} and doubling up to {@link LogConfig#offlineRetryMaxMillis()},
 * cuts back again, rewrites what was acknowledged but not fsynced when an fsync was what failed, checks that
 * the disk takes a write and fsyncs ({@link LogSegment#restore}); then appends resume at the acknowledged
 * end. A failed append is cut from the file before it is reported failed, so it never becomes visible,
 * before a restart or after one.
 *
 * <p>Retention: a record is readable while its arrival is within the retention of the log's clock.
 * Segments whose newest record has expired are deleted by a periodic check, which first rolls an active
 * segment that has wholly expired, so an idle log empties; offsets never restart.
 *
 * <p>Threading: one shard verticle calls the log from its event-loop context, and nothing here blocks
 * that context. Appends and maintenance (roll, flush, retention, close) run through the {@link WriteQueue}:
 * one thread of the write pool ({@link LogWorkers}) at a time writes. Reads and time lookups run on the
 * read pool concurrently with it, for acknowledged offsets only. The writer publishes what is acknowledged
 * in volatile fields before it completes the appends' futures, on the caller's context.
 *
 * <p>Invariants: segments are keyed by base offset; the last is the active one; batches' offsets run on
 * without a gap from one segment to the next (a segment cut by recovery may leave one, which reads skip);
 * arrival times never decrease along the log; {@code startOffset <= endOffset}, and between write rounds
 * {@code endOffset} is the active segment's next offset.
 */
public final class FileShardLog implements ShardLog {
  private static final Logger LOG = LoggerFactory.getLogger(FileShardLog.class);
  private static final int READ_ATTEMPTS = 3;

  private final Vertx vertx;
  private final Path directory;
  private final LogConfig config;
  private final Clock clock;
  private final ChannelOpener opener;
  private final LogSegments segments = new LogSegments();
  private final LongAdder fsyncs = new LongAdder();
  private final AtomicBoolean flushQueued = new AtomicBoolean();
  private volatile long retentionMillis;
  private volatile long startOffset;
  private volatile long endOffset;
  private volatile long lastArrivalMillis;
  private volatile boolean closed;
  /** Why the log is offline, or null while it takes appends; written by the writer only. */
  private volatile LogOfflineException offline;
  private volatile long retryTimer = -1;
  private WriteQueue writes;
  /** Written by the writer only. */
  private LogSegment active;
  /** Whether the active segment has writes not yet fsynced; writer only. */
  private boolean dirty;
  /** The active segment as of the last acknowledgement; writer only. */
  private LogSegment.Mark acknowledged;
  /** Size of the active segment at its last fsync; writer only. */
  private long syncedSize;
  /** An fsync failed since the last good one, so what follows syncedSize may be missing on disk; writer only. */
  private boolean fsyncFailed;
  /** The wait before the next retry of an offline log; writer only. */
  private long retryDelayMillis;
  /** Arrival of the last append queued; caller's context only. */
  private long lastQueuedArrival;
  private Future<Void> closing;
  private long retentionTimer = -1;
  private long flushTimer = -1;

  private FileShardLog(Vertx vertx, Path directory, LogConfig config, Clock clock, ChannelOpener opener) {
    this.vertx = vertx;
    this.directory = directory;
    this.config = config;
    this.clock = clock;
    this.opener = opener;
    this.retentionMillis = config.retentionMillis();
    this.retryDelayMillis = config.offlineRetryMillis();
  }

  /**
   * Opens the log in the directory, creating it when missing, and recovers it on a worker thread. The
   * periodic retention check (and the fsync timer of {@code interval:<ms>}) run on the calling context.
   */
  public static Future<FileShardLog> open(Vertx vertx, Path directory, LogConfig config, Clock clock) {
    return open(vertx, directory, config, clock, config.channels());
  }

  static Future<FileShardLog> open(Vertx vertx, Path directory, LogConfig config, Clock clock, ChannelOpener opener) {
    return config.workers().write(vertx, () -> {
      FileShardLog log = new FileShardLog(vertx, directory, config, clock, opener);
      try {
        log.recover();
      } catch (IOException | RuntimeException e) {
        log.segments.closeAll();
        throw e;
      }
      return log;
    }).map(log -> {
      log.startTimers();
      return log;
    });
  }

  /**
   * Recovery. Segments before the last were fsynced when they rolled: each gets a cheap check of its
   * indexes ({@link LogSegment#sanityCheck}) and is rebuilt only when that fails. The last segment is
   * scanned batch by batch and cut at the first invalid one ({@link LogSegment#recover}). The log then
   * continues from the last valid batch.
   */
  private void recover() throws IOException {
    long started = System.nanoTime();
    SegmentFiles.createDirectories(directory);
    List<Long> bases = SegmentFiles.baseOffsets(directory);
    SegmentFiles.deleteOrphanIndexes(directory, new HashSet<>(bases));
    if (bases.isEmpty()) {
      segments.add(LogSegment.create(directory, 0, config, opener));
      SegmentFiles.flushDirectory(directory);
    }
    for (int i = 0; i < bases.size(); i++) {
      LogSegment segment = LogSegment.open(directory, bases.get(i), config, opener);
      segments.add(segment);
      if (i == bases.size() - 1) {
        segment.recover();
      } else {
        if (!segment.sanityCheck(bases.get(i + 1))) {
          LOG.warn("Indexes of {} are missing or damaged; rebuilding them from the segment", segment);
          segment.recover();
          segment.seal();
        }
        segment.retire(config.sealedFiles());
      }
    }
    active = segments.last();
    acknowledged = active.mark();
    syncedSize = active.size();
    endOffset = active.nextOffset();
    lastArrivalMillis = segments.newestArrivalMillis();
    lastQueuedArrival = lastArrivalMillis;
    startOffset = segments.offsetAtOrAfter(clock.millis() - retentionMillis, endOffset);
    writes = new WriteQueue(vertx, config.workers(), endOffset, this::write);
    LOG.info("Opened {}: offsets {} to {} in {} segments, recovered in {} ms", directory, startOffset, endOffset,
        segments.count(), (System.nanoTime() - started) / 1_000_000);
  }

  private void startTimers() {
    retentionTimer = vertx.setPeriodic(config.retentionCheckIntervalMillis(), id -> enforceRetention()
        .onFailure(e -> {
          if (!closed) LOG.warn("Retention check of {} failed", directory, e);
        }));
    if (config.fsync() instanceof FsyncPolicy.Interval interval) {
      flushTimer = vertx.setPeriodic(interval.millis(), id -> {
        if (flushQueued.compareAndSet(false, true)) {
          writes.run(() -> {
            flushQueued.set(false);
            if (dirty && offline == null) {
              try {
                flushActive();
              } catch (Throwable e) {
                goOffline(e, List.of());
              }
            }
            return null;
          });
        }
      });
    }
  }

  @Override
  public Future<Long> append(List<Entry> entries) {
    LogOfflineException down = offline;
    if (down != null) return Future.failedFuture(down);
    if (!entries.isEmpty()) {
      long arrival = entries.get(0).arrivalMillis();
      for (Entry entry : entries) {
        if (entry.arrivalMillis() != arrival) {
          return Future.failedFuture(new IllegalArgumentException("the entries of one append share one arrival time"));
        }
      }
      if (arrival < lastQueuedArrival) {
        return Future.failedFuture(new IllegalArgumentException(
            "arrival " + arrival + " is before the previous append's " + lastQueuedArrival));
      }
      lastQueuedArrival = arrival;
    }
    return writes.append(entries);
  }

  /**
   * One write round, on the writer's thread: writes the group's batches to the active segment, rolling it
   * when full, then acknowledges them together ({@link #acknowledge}). An append that cannot be encoded
   * fails alone, having written nothing; a write or roll that fails takes the log offline.
   */
  private void write(List<PendingAppend> group) {
    List<PendingAppend> written = new ArrayList<>();
    for (PendingAppend append : group) {
      if (offline != null) {
        failed(append, offline);
        continue;
      }
      int count = append.entries().size();
      ByteBuffer batch = null;
      try {
        if (count > 0) batch = RecordBatch.encode(active.nextOffset(), append.entries());
      } catch (Throwable e) { // an OutOfMemoryError too: nothing of this append was written
        failed(append, e);
        continue;
      }
      if (count > 0 && active.isFullFor(batch.remaining(), count)) {
        acknowledge(written);
        written = new ArrayList<>();
        try {
          if (offline == null) roll();
        } catch (Throwable e) {
          goOffline(e, List.of());
        }
        if (offline != null) {
          failed(append, offline);
          continue;
        }
      }
      append.placeAt(active.nextOffset());
      written.add(append);
      try {
        if (count > 0) {
          dirty = true;
          active.append(batch, append.baseOffset(), count, append.arrivalMillis());
        }
      } catch (Throwable e) {
        goOffline(e, written);
        written = new ArrayList<>();
      }
    }
    acknowledge(written);
  }

  /**
   * Acknowledges what a round wrote once it is as durable as the policy asks; under {@code always} that
   * takes an fsync, and if the fsync fails, the log goes offline and all of it fails.
   */
  private void acknowledge(List<PendingAppend> written) {
    if (written.isEmpty()) return;
    if (config.fsync() instanceof FsyncPolicy.Always) {
      try {
        flushActive();
      } catch (Throwable e) {
        goOffline(e, written);
        return;
      }
    }
    for (PendingAppend append : written) {
      if (append.arrivalMillis() >= 0) lastArrivalMillis = append.arrivalMillis();
    }
    acknowledged = active.mark();
    endOffset = active.nextOffset();
    written.forEach(PendingAppend::succeed);
  }

  private void failed(PendingAppend append, Throwable cause) {
    writes.releaseOffsets(append.entries().size());
    append.fail(cause);
  }

  /**
   * Takes the log offline after a failed write, fsync or roll: cuts the active segment back to what was
   * acknowledged, then fails the appends not acknowledged, and schedules a retry. The cut comes first, so
   * no append is reported failed while it is still in the file.
   */
  private void goOffline(Throwable cause, List<PendingAppend> unacknowledged) {
    boolean wasOnline = offline == null;
    offline = new LogOfflineException(directory.toString(), cause);
    if (wasOnline) {
      LOG.error("{} is offline after a failed write or fsync; appends fail until it can write again, reads go on; "
          + "cutting it back to offset {}", directory, acknowledged.nextOffset(), cause);
    }
    try {
      active.truncate(acknowledged);
      // Makes the cut survive a power loss as well; fsyncFailed stays set, so the retry still rewrites.
      active.flush();
    } catch (Throwable e) {
      LOG.warn("Could not cut {} back to {} bytes and fsync yet; the retry will", active, acknowledged.size(), e);
    }
    unacknowledged.forEach(append -> failed(append, offline));
    if (wasOnline) scheduleRetry();
  }

  private void scheduleRetry() {
    long delay = retryDelayMillis;
    retryDelayMillis = Math.min(config.offlineRetryMaxMillis(), 2 * delay);
    retryTimer = vertx.setTimer(delay, id -> {
      if (!closed) writes.run(this::retryOffline);
    });
  }

  /**
   * The retry of an offline log, on the write queue: restores the active segment to what was acknowledged
   * and makes it durable. If acknowledged batches were lost to a failed fsync (the kernel dropped the pages
   * it could not write), the log carries on after them at a fresh segment, leaving a gap that reads skip,
   * so no offset is ever given twice.
   */
  private Void retryOffline() {
    if (offline == null || closed) return null;
    try {
      boolean intact = active.restore(acknowledged, fsyncFailed ? syncedSize : acknowledged.size());
      fsyncs.increment();
      if (!intact) {
        LOG.error("{} lost acknowledged offsets {} to {} to a failed fsync", directory, active.nextOffset(), endOffset);
        acknowledged = active.mark(); // what is left, so that a later retry does not cut past it
        syncedSize = active.size();
        fsyncFailed = false;
      }
      if (active.nextOffset() < endOffset) rollTo(endOffset);
    } catch (Throwable e) {
      LOG.warn("{} is still offline: {}; next try in {} ms", directory, e.toString(), retryDelayMillis);
      scheduleRetry();
      return null;
    }
    acknowledged = active.mark();
    syncedSize = active.size();
    dirty = false;
    fsyncFailed = false;
    retryDelayMillis = config.offlineRetryMillis();
    offline = null;
    LOG.info("{} is back online at offset {}", directory, endOffset);
    return null;
  }

  private void flushActive() throws IOException {
    fsyncFailed = true; // until the fsync returns: a failed one may drop pages it could not write
    active.flush();
    fsyncFailed = false;
    syncedSize = active.size();
    fsyncs.increment();
    dirty = false;
  }

  /** Seals the active segment and starts a new one at its next offset; on failure the active one stays. */
  private void roll() throws IOException {
    if (active.isEmpty()) return; // its successor would have the same name
    rollTo(active.nextOffset());
  }

  private void rollTo(long baseOffset) throws IOException {
    LogSegment sealed = active;
    LogSegment fresh = LogSegment.create(directory, baseOffset, config, opener);
    try {
      fsyncFailed = true;
      sealed.seal();
      fsyncFailed = false;
      fsyncs.increment();
      SegmentFiles.flushDirectory(directory);
    } catch (Throwable e) {
      try {
        fresh.delete();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    segments.add(fresh);
    active = fresh;
    sealed.retire(config.sealedFiles());
    acknowledged = fresh.mark();
    syncedSize = 0;
    dirty = false;
    LOG.debug("Rolled {} at offset {}", sealed, fresh.baseOffset());
  }

  @Override
  public Future<Page> read(long fromOffset, int maxRecords, long maxBytes) {
    return onWorker(() -> readPage(fromOffset, maxRecords, maxBytes));
  }

  private Page readPage(long fromOffset, int maxRecords, long maxBytes) throws IOException {
    long end = endOffset;
    long offset = Math.max(fromOffset, startOffset);
    Position at = maxRecords > 0 ? segments.locate(offset, end) : null;
    long expiredBefore = clock.millis() - retentionMillis;
    if (at != null && at.batch().arrivalMillis() < expiredBefore) {
      offset = Math.max(offset, segments.offsetAtOrAfter(expiredBefore, end));
      at = segments.locate(offset, end);
    }
    List<StoredRecord> records = new ArrayList<>();
    long bytes = 0;
    while (at != null && records.size() < maxRecords) {
      offset = Math.max(offset, at.batch().baseOffset());
      List<StoredRecord> taken = at.segment().read(at.batch(), offset, maxRecords - records.size(), maxBytes - bytes,
          records.isEmpty());
      for (StoredRecord record : taken) bytes += record.size();
      records.addAll(taken);
      offset += taken.size();
      if (offset < at.batch().nextOffset()) break;
      at = segments.following(at, end);
    }
    long nextArrival = -1;
    if (offset < end) {
      Position next = at != null && at.batch().contains(offset) ? at : segments.locate(offset, end);
      if (next != null) nextArrival = next.batch().arrivalMillis();
    }
    return new Page(records, offset, nextArrival);
  }

  @Override
  public long startOffset() {
    return startOffset;
  }

  @Override
  public long endOffset() {
    return endOffset;
  }

  @Override
  public long lastArrivalMillis() {
    return lastArrivalMillis;
  }

  @Override
  public Future<Long> offsetAtOrAfter(long arrivalMillis) {
    return onWorker(() -> {
      long end = endOffset;
      long offset = segments.offsetAtOrAfter(Math.max(arrivalMillis, clock.millis() - retentionMillis), end);
      return Math.max(offset, Math.min(startOffset, end));
    });
  }

  /** Changes the retention; records older than it stop being readable at once. */
  @Override
  public void setRetentionMillis(long millis) {
    if (millis <= 0) throw new IllegalArgumentException("retention must be positive: " + millis);
    retentionMillis = millis;
  }

  /**
   * The retention check, run by the timer: moves the trim horizon to the first record within retention and
   * deletes the segments whose newest record is older, rolling the active segment first if all of it is.
   */
  Future<Void> enforceRetention() {
    return writes.run(() -> {
      long expiredBefore = clock.millis() - retentionMillis;
      if (offline == null && !active.isEmpty() && active.maxArrivalMillis() < expiredBefore) {
        try {
          roll();
        } catch (Throwable e) {
          goOffline(e, List.of());
        }
      }
      startOffset = Math.max(startOffset, segments.offsetAtOrAfter(expiredBefore, endOffset));
      int deleted = 0;
      for (LogSegment segment : segments.all()) {
        if (segment == active || segment.maxArrivalMillis() >= expiredBefore) break;
        segments.remove(segment);
        segment.delete();
        deleted++;
      }
      if (deleted > 0) {
        LOG.info("Deleted {} expired segments of {}; the log now starts at offset {}", deleted, directory, startOffset);
      }
      return null;
    });
  }

  /**
   * Bytes of record batches in the log's segment files, as far as written (the active segment's unsynced
   * tail included); index files are not counted. Any thread: a gauge reads it while the writer appends.
   */
  public long segmentBytes() {
    long bytes = 0;
    for (LogSegment segment : segments.all()) bytes += segment.size();
    return bytes;
  }

  /** Segment files of the log, the active one included. Any thread. */
  public int segmentCount() {
    return segments.count();
  }

  /** fsyncs so far: group commits, interval flushes, rolls and close. */
  long fsyncCount() {
    return fsyncs.sum();
  }

  /** Flushes pending appends, fsyncs the active segment and releases every file and mapping. */
  /** Fsyncs the active segment behind the appends queued so far (rolled segments were fsynced as they rolled). */
  @Override
  public Future<Void> force() {
    return writes.run(() -> {
      LogOfflineException down = offline;
      if (down != null) throw down;
      if (dirty) {
        try {
          flushActive();
        } catch (Throwable e) {
          goOffline(e, List.of());
          throw new IOException("could not fsync " + directory, e);
        }
      }
      return null;
    });
  }

  @Override
  public Future<Void> close() {
    if (closing != null) return closing;
    vertx.cancelTimer(retentionTimer);
    vertx.cancelTimer(flushTimer);
    vertx.cancelTimer(retryTimer);
    closing = writes.close(() -> {
      try {
        // An offline log is restored rather than fsynced: after a failed fsync, a plain one passes over lost pages.
        if (offline != null) {
          retryOffline();
        } else {
          flushActive();
        }
      } finally {
        closed = true;
        segments.closeAll();
      }
      return null;
    });
    return closing;
  }

  /**
   * Runs a read on a worker, completing on the caller's context. A segment deleted by retention under a
   * read shows as a closed channel; the read then starts over from the new trim horizon.
   */
  private <T> Future<T> onWorker(Callable<T> work) {
    if (closed) return Future.failedFuture(new IllegalStateException("the log is closed"));
    return config.workers().read(vertx, () -> {
      for (int attempt = 1; ; attempt++) {
        try {
          return work.call();
        } catch (ClosedChannelException e) {
          if (closed || attempt == READ_ATTEMPTS) throw e;
        }
      }
    });
  }
}
