package io.tributary.log;

import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segments of one log, by base offset, and the walk over their batches across segment boundaries.
 * Every walk takes the end of what is acknowledged and never reads a batch at or past it.
 *
 * <p>Threading: backed by a concurrent map. The log's writer adds and removes segments while readers walk
 * them; a reader that meets a segment deleted under it gets a
 * {@link java.nio.channels.ClosedChannelException} from the segment and may start over.
 */
final class LogSegments {
  private static final Logger LOG = LoggerFactory.getLogger(LogSegments.class);

  private final ConcurrentNavigableMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();

  /** A batch and the segment it is in. */
  record Position(LogSegment segment, RecordBatch batch) { }

  void add(LogSegment segment) {
    segments.put(segment.baseOffset(), segment);
  }

  void remove(LogSegment segment) {
    segments.remove(segment.baseOffset(), segment);
  }

  /** Oldest first. */
  Collection<LogSegment> all() {
    return segments.values();
  }

  LogSegment last() {
    return segments.lastEntry().getValue();
  }

  int count() {
    return segments.size();
  }

  /** Arrival of the newest batch in any segment, or -1 when all are empty. */
  long newestArrivalMillis() {
    for (LogSegment segment : segments.descendingMap().values()) {
      if (segment.maxArrivalMillis() >= 0) return segment.maxArrivalMillis();
    }
    return -1;
  }

  /** The batch holding an offset, or the first one after it (past a gap); null from {@code end} on. */
  Position locate(long offset, long end) throws IOException {
    if (offset >= end) return null;
    Map.Entry<Long, LogSegment> floor = segments.floorEntry(offset);
    if (floor == null) return firstBatchIn(segments.values(), end);
    RecordBatch batch = floor.getValue().find(offset);
    return batch != null ? new Position(floor.getValue(), batch)
        : firstBatchIn(segments.tailMap(floor.getKey(), false).values(), end);
  }

  /** The batch after this one, or null when this one ends at {@code end}. */
  Position following(Position at, long end) throws IOException {
    if (at.batch().nextOffset() >= end) return null;
    RecordBatch next = at.segment().next(at.batch());
    return next != null ? new Position(at.segment(), next)
        : firstBatchIn(segments.tailMap(at.segment().baseOffset(), false).values(), end);
  }

  private static Position firstBatchIn(Collection<LogSegment> candidates, long end) throws IOException {
    for (LogSegment segment : candidates) {
      if (segment.baseOffset() >= end) return null;
      RecordBatch first = segment.find(segment.baseOffset());
      if (first != null) return new Position(segment, first);
    }
    return null;
  }

  /** The first offset below {@code end} whose record arrived at or after the time, or {@code end}. */
  long offsetAtOrAfter(long arrivalMillis, long end) throws IOException {
    for (LogSegment segment : segments.values()) {
      if (segment.baseOffset() >= end) break;
      if (segment.maxArrivalMillis() < arrivalMillis) continue;
      long offset = segment.offsetAtOrAfter(arrivalMillis, end);
      if (offset >= 0) return offset;
    }
    return end;
  }

  /** Closes every segment and forgets them. */
  void closeAll() {
    for (LogSegment segment : segments.values()) {
      try {
        segment.close();
      } catch (IOException e) {
        LOG.warn("Could not close {}", segment, e);
      }
    }
    segments.clear();
  }
}
