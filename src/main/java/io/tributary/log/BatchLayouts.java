package io.tributary.log;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link BatchLayout}s of one segment's most recently read big batches, by batch position, the least
 * recently used dropped beyond a bound. Made on first use, so a segment never read holds no map.
 *
 * <p>Threading: readers on any worker thread; every method synchronizes on this object.
 */
final class BatchLayouts {
  private final int capacity;
  private Map<Long, BatchLayout> byPosition;

  BatchLayouts(int capacity) {
    this.capacity = capacity;
  }

  synchronized BatchLayout get(long position) {
    return byPosition == null ? null : byPosition.get(position);
  }

  synchronized void put(long position, BatchLayout layout) {
    if (byPosition == null) {
      byPosition = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, BatchLayout> eldest) {
          return size() > capacity;
        }
      };
    }
    byPosition.put(position, layout);
  }

  /** Forgets every layout from a position on: the batches there were cut. */
  synchronized void dropFrom(long position) {
    if (byPosition != null) byPosition.keySet().removeIf(at -> at >= position);
  }
}
