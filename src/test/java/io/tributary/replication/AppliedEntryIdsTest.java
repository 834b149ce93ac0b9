package io.tributary.replication;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AppliedEntryIdsTest {

  @Test
  void anEntrySentAgainIsAppliedOnceAndASnapshotKeepsWhatWasAppliedUpToIt() {
    AppliedEntryIds ids = new AppliedEntryIds();
    assertTrue(ids.firstTime(7, 1, 10));
    assertTrue(ids.firstTime(8, 1, 11), "ids are per origin");
    assertFalse(ids.firstTime(7, 1, 12), "sent again after a leader changed");
    assertTrue(ids.firstTime(7, 2, 13));

    // A snapshot at 11: after a restart the entry at 13 is applied again, as the first time.
    AppliedEntryIds restored = AppliedEntryIds.fromJson(ids.toJson(11));
    assertFalse(restored.firstTime(7, 1, 14));
    assertTrue(restored.firstTime(7, 2, 13));
  }

  @Test
  void onlyTheLatestIdsOfEachOriginAreKept() {
    AppliedEntryIds ids = new AppliedEntryIds();
    for (long id = 0; id <= AppliedEntryIds.PER_ORIGIN; id++) ids.firstTime(1, id, id);
    assertTrue(ids.firstTime(1, 0, 100_000), "the oldest fell out");
    assertFalse(ids.firstTime(1, AppliedEntryIds.PER_ORIGIN, 100_001));
  }
}
