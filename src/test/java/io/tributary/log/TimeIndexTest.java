package io.tributary.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeIndexTest {
  private static final long BASE = 500;

  @TempDir
  Path dir;

  private Path file() {
    return SegmentFiles.timeIndex(dir, BASE);
  }

  @Test
  void keepsOnlyLaterArrivals() throws Exception {
    try (TimeIndex index = new TimeIndex(file(), BASE)) {
      index.maybeAppend(1000, BASE + 10);
      index.maybeAppend(1000, BASE + 20);
      index.maybeAppend(999, BASE + 30);
      index.maybeAppend(2000, BASE + 40);
      assertEquals(2, index.entries());
    }
  }

  @Test
  void looksUpTheLastEntryBeforeATime() throws Exception {
    try (TimeIndex index = new TimeIndex(file(), BASE)) {
      for (int i = 1; i <= 100; i++) index.maybeAppend(10_000L + 100L * i, BASE + 7L * i);
      assertEquals(BASE, index.lookupBefore(10_000), "before every entry: the segment's start");
      assertEquals(BASE, index.lookupBefore(10_100), "strictly before");
      for (int i = 1; i <= 100; i++) {
        assertEquals(BASE + 7L * i, index.lookupBefore(10_000L + 100L * i + 1));
        assertEquals(BASE + 7L * i, index.lookupBefore(10_000L + 100L * (i + 1)));
      }
    }
  }

  @Test
  void truncatesAndChecksItsEntries() throws Exception {
    try (TimeIndex index = new TimeIndex(file(), BASE)) {
      for (int i = 1; i <= 10; i++) index.maybeAppend(100L * i, BASE + 10L * i);
      assertTrue(index.isSane(BASE + 101));
      assertFalse(index.isSane(BASE + 100), "an entry at the segment's end");
      index.truncateTo(BASE + 55);
      assertEquals(5, index.entries());
      assertEquals(BASE + 50, index.lookupBefore(10_000));
    }
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file()));
    bytes.putLong(2 * TimeIndex.ENTRY_BYTES, 50); // entry 3 now arrives before entry 2
    Files.write(file(), bytes.array());
    try (TimeIndex index = new TimeIndex(file(), BASE)) {
      assertTrue(index.loadedIntact());
      assertFalse(index.isSane(BASE + 101));
    }
  }
}
