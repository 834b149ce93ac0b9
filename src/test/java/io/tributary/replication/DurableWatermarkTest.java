package io.tributary.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.Set;
import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.Test;

class DurableWatermarkTest {

  @Test
  void itAdvancesOnlyOverEntriesDurableWithEveryOneBefore() {
    DurableWatermark watermark = new DurableWatermark(null, Map.of());
    for (long i = 1; i <= 3; i++) watermark.applying(TermIndex.valueOf(1, i));
    watermark.durable(TermIndex.valueOf(1, 2), "b", 7);
    assertNull(watermark.get().at(), "entry 1 is not durable yet");
    watermark.durable(TermIndex.valueOf(1, 1), "a", 5);
    assertEquals(TermIndex.valueOf(1, 2), watermark.get().at());
    assertEquals(Map.of("a", 5L, "b", 7L), watermark.get().ends());
    watermark.durable(TermIndex.valueOf(1, 3), null, 0);
    assertEquals(TermIndex.valueOf(1, 3), watermark.get().at(), "an entry of no shard counts too");
  }

  @Test
  void endsCarryOverFromTheSnapshotUntilForgotten() {
    DurableWatermark watermark = new DurableWatermark(TermIndex.valueOf(2, 10), Map.of("a", 3L, "gone", 9L));
    watermark.applying(TermIndex.valueOf(2, 11));
    watermark.durable(TermIndex.valueOf(2, 11), "a", 4);
    watermark.forget("gone");
    assertEquals(Map.of("a", 4L), watermark.get().ends());
  }

  @Test
  void aShardCountsAsSealedOnceItsSealIsDurableWithEveryEntryBefore() {
    DurableWatermark watermark = new DurableWatermark(TermIndex.valueOf(1, 4), Map.of(), Set.of("old"), Map.of());
    watermark.applying(TermIndex.valueOf(1, 5));
    watermark.applying(TermIndex.valueOf(1, 6));
    watermark.durable(TermIndex.valueOf(1, 6), "a", 3, true, null);
    assertEquals(Set.of("old"), watermark.get().sealed(), "entry 5 is not durable yet");
    watermark.durable(TermIndex.valueOf(1, 5), "b", 2, false, null);
    assertEquals(Set.of("old", "a"), watermark.get().sealed());
    watermark.forget("old");
    assertEquals(Set.of("a"), watermark.get().sealed());
  }

  @Test
  void aShardsFencesChangeOnceTheFenceIsDurableWithEveryEntryBefore() {
    DurableWatermark watermark = new DurableWatermark(TermIndex.valueOf(1, 4), Map.of(), Set.of(),
        Map.of("a", Map.of("mirror/m", 1L)));
    watermark.applying(TermIndex.valueOf(1, 5));
    watermark.applying(TermIndex.valueOf(1, 6));
    watermark.applying(TermIndex.valueOf(1, 7));
    watermark.durable(TermIndex.valueOf(1, 6), "a", 3, false, Map.of("mirror/m", 2L));
    assertEquals(Map.of("a", Map.of("mirror/m", 1L)), watermark.get().fences(), "entry 5 is not durable yet");
    watermark.durable(TermIndex.valueOf(1, 5), "b", 2, false, null);
    watermark.durable(TermIndex.valueOf(1, 7), "a", 5, false, null);
    assertEquals(Map.of("a", Map.of("mirror/m", 2L)), watermark.get().fences(), "an append keeps the fences");
    watermark.forget("a");
    assertEquals(Map.of(), watermark.get().fences());
  }
}
