package io.tributary.replication;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entries a shard group applied lately, by the node incarnation that wrote them (origin) and their id, with
 * the log index each was applied at. An entry can reach the log twice: a leader deposed while it waited for a
 * commit answers "not leader" although its entry may still be committed by the next leader, and a request sent
 * again to that next leader is a new entry (Ratis's retry cache is each server's own). So the writer sends it
 * again under the same id, and the group applies only the first: every replica decides alike, since it sees the
 * same entries in the same order from the same snapshot.
 *
 * <p>Kept per origin for the last {@value #PER_ORIGIN} entries, and for the {@value #ORIGINS} origins that wrote
 * last; an entry is sent again within seconds, long before either bound is reached.
 */
final class AppliedEntryIds {
  static final int PER_ORIGIN = 8192;
  static final int ORIGINS = 16;

  private final Map<Long, LinkedHashMap<Long, Long>> byOrigin = new LinkedHashMap<>(32, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, LinkedHashMap<Long, Long>> eldest) {
      return size() > ORIGINS;
    }
  };

  /** Records the entry applied at the index; false when the group applied it before. */
  synchronized boolean firstTime(long origin, long id, long index) {
    LinkedHashMap<Long, Long> ids = byOrigin.computeIfAbsent(origin, o -> new LinkedHashMap<>(64, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
        return size() > PER_ORIGIN;
      }
    });
    if (ids.containsKey(id)) return false;
    ids.put(id, index);
    return true;
  }

  /** As a snapshot at the index keeps them: {@code {"<origin>": [[id, index], ...]}}, those applied up to it. */
  synchronized JsonObject toJson(long upToIndex) {
    JsonObject json = new JsonObject();
    byOrigin.forEach((origin, ids) -> {
      JsonArray applied = new JsonArray();
      ids.forEach((id, index) -> {
        if (index <= upToIndex) applied.add(new JsonArray().add(id).add(index));
      });
      if (!applied.isEmpty()) json.put(Long.toString(origin), applied);
    });
    return json;
  }

  static AppliedEntryIds fromJson(JsonObject json) {
    AppliedEntryIds ids = new AppliedEntryIds();
    if (json == null) return ids;
    json.forEach(origin -> {
      for (Object pair : (JsonArray) origin.getValue()) {
        JsonArray applied = (JsonArray) pair;
        ids.firstTime(Long.parseLong(origin.getKey()), applied.getLong(0), applied.getLong(1));
      }
    });
    return ids;
  }
}
