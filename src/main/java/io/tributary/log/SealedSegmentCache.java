package io.tributary.log;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The server-wide bound on what sealed segments keep open: at most {@code maxChannels} of them hold their
 * {@code .log} channel and at most {@code maxMappedIndexes} index files are mapped, the least recently
 * read giving theirs up first. A sealed segment opens its channel and maps its indexes again when it is
 * next read. Active segments are written and keep their channel and two mappings outside this bound.
 * Without it, 500 shards at 1 MiB/s with 24 hours' retention hold some 20,000 channels and 40,000
 * mappings, past Linux's default {@code vm.max_map_count} of 65,530 once the JVM's own are added.
 *
 * <p>Threading: any thread; the sets are guarded by this object's lock, and segments give up their files
 * after it is released (a segment takes its own lock, and never calls in here while holding it), so the
 * two locks are never held in opposite orders.
 */
public final class SealedSegmentCache {
  private final int maxChannels;
  private final int maxIndexedSegments;
  /** Least recently used first. */
  private final LinkedHashSet<LogSegment> withChannel = new LinkedHashSet<>();
  private final LinkedHashSet<LogSegment> withIndexes = new LinkedHashSet<>();

  /** Each segment maps two index files, so {@code maxMappedIndexes} allows half as many segments. */
  public SealedSegmentCache(int maxChannels, int maxMappedIndexes) {
    if (maxChannels < 1 || maxMappedIndexes < 2) {
      throw new IllegalArgumentException("at least 1 open segment and 2 mapped indexes: " + maxChannels + ", "
          + maxMappedIndexes);
    }
    this.maxChannels = maxChannels;
    this.maxIndexedSegments = maxMappedIndexes / 2;
  }

  /** A sealed segment was just read (or sealed): it is now the most recently used. */
  void used(LogSegment segment) {
    List<LogSegment> closeChannels = new ArrayList<>();
    List<LogSegment> unmapIndexes = new ArrayList<>();
    synchronized (this) {
      withChannel.remove(segment);
      withChannel.add(segment);
      withIndexes.remove(segment);
      withIndexes.add(segment);
      evict(withChannel, maxChannels, closeChannels);
      evict(withIndexes, maxIndexedSegments, unmapIndexes);
    }
    for (LogSegment victim : closeChannels) victim.releaseChannel();
    for (LogSegment victim : unmapIndexes) victim.releaseIndexes();
  }

  /** A segment closed or deleted: it holds nothing any more. */
  synchronized void forget(LogSegment segment) {
    withChannel.remove(segment);
    withIndexes.remove(segment);
  }

  /** Sealed segments holding their channel now. */
  public synchronized int openChannels() {
    return withChannel.size();
  }

  /** Index files of sealed segments mapped now. */
  public synchronized int mappedIndexes() {
    return 2 * withIndexes.size();
  }

  private static void evict(LinkedHashSet<LogSegment> set, int max, List<LogSegment> victims) {
    Iterator<LogSegment> eldest = set.iterator();
    while (set.size() - victims.size() > max && eldest.hasNext()) {
      victims.add(eldest.next());
    }
    set.removeAll(victims);
  }
}
