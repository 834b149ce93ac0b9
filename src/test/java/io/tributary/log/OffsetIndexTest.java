package io.tributary.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.OffsetIndex.OffsetPosition;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetIndexTest {
  private static final long BASE = 1000;

  @TempDir
  Path dir;

  private Path file() {
    return SegmentFiles.index(dir, BASE);
  }

  /** Entries for offsets 1010, 1020, ... at positions 100, 200, ... */
  private OffsetIndex filled(int entries) throws Exception {
    OffsetIndex index = new OffsetIndex(file(), BASE);
    index.reset(4);
    for (int i = 1; i <= entries; i++) index.append(BASE + 10L * i, 100L * i);
    return index;
  }

  @Test
  void looksUpTheLastEntryAtOrBeforeAnOffset() throws Exception {
    try (OffsetIndex index = filled(50)) {
      assertEquals(new OffsetPosition(BASE, 0), index.lookup(BASE));
      assertEquals(new OffsetPosition(BASE, 0), index.lookup(BASE + 9));
      for (int i = 1; i <= 50; i++) {
        assertEquals(new OffsetPosition(BASE + 10L * i, 100L * i), index.lookup(BASE + 10L * i));
        assertEquals(new OffsetPosition(BASE + 10L * i, 100L * i), index.lookup(BASE + 10L * i + 9));
      }
      assertEquals(new OffsetPosition(BASE + 500, 5000), index.last());
    }
  }

  @Test
  void growsPastItsCapacityAndTrimsToItsEntries() throws Exception {
    try (OffsetIndex index = filled(50)) {
      assertEquals(50, index.entries());
      assertTrue(Files.size(file()) > 50 * OffsetIndex.ENTRY_BYTES);
      index.trim();
      assertEquals(50 * OffsetIndex.ENTRY_BYTES, Files.size(file()));
    }
    try (OffsetIndex reopened = new OffsetIndex(file(), BASE)) {
      assertTrue(reopened.loadedIntact());
      assertEquals(50, reopened.entries());
      assertEquals(new OffsetPosition(BASE + 250, 2500), reopened.lookup(BASE + 255));
    }
  }

  @Test
  void truncatesEntriesAtAndAfterAnOffset() throws Exception {
    try (OffsetIndex index = filled(10)) {
      index.truncateTo(BASE + 50);
      assertEquals(4, index.entries());
      assertEquals(new OffsetPosition(BASE + 40, 400), index.lookup(BASE + 95));
      index.append(BASE + 60, 600);
      assertEquals(new OffsetPosition(BASE + 60, 600), index.lookup(BASE + 95));
    }
  }

  @Test
  void sanityCheckFindsDisorderAndEntriesPastTheSegment() throws Exception {
    try (OffsetIndex index = filled(10)) {
      assertTrue(index.isSane(BASE + 101, 1001));
      assertFalse(index.isSane(BASE + 100, 1001), "offset at the segment's end");
      assertFalse(index.isSane(BASE + 101, 1000), "position at the log's end");
      index.trim();
    }
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file()));
    bytes.putInt(3 * OffsetIndex.ENTRY_BYTES, 15); // entry 4 now names an offset before entry 3's
    Files.write(file(), bytes.array());
    try (OffsetIndex index = new OffsetIndex(file(), BASE)) {
      assertTrue(index.loadedIntact());
      assertFalse(index.isSane(BASE + 101, 1001));
    }
  }

  @Test
  void aFileOfPartialEntriesIsNotIntact() throws Exception {
    Files.write(file(), new byte[13]);
    try (OffsetIndex index = new OffsetIndex(file(), BASE)) {
      assertFalse(index.loadedIntact());
      assertEquals(0, index.entries());
    }
    Files.delete(file());
    try (OffsetIndex index = new OffsetIndex(file(), BASE)) {
      assertFalse(index.loadedIntact(), "missing");
    }
  }

  @Test
  void lookupsFailOnceClosed() throws Exception {
    OffsetIndex index = filled(3);
    index.close();
    assertThrows(ClosedChannelException.class, () -> index.lookup(BASE + 5));
    assertEquals(3 * OffsetIndex.ENTRY_BYTES, Files.size(file()), "closing trims");
  }
}
