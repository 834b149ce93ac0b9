package io.tributary.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentFilesTest {
  @TempDir
  Path dir;

  @Test
  void createsMissingDirectoriesAndFlushesTheParentOfEach() throws Exception {
    List<Path> flushed = new java.util.ArrayList<>();
    Path shard = dir.resolve("stream-uid").resolve("shardId-000000000000");
    SegmentFiles.createDirectories(shard, flushed::add);
    assertTrue(Files.isDirectory(shard));
    assertEquals(List.of(dir.toAbsolutePath(), shard.getParent().toAbsolutePath()), flushed);

    flushed.clear();
    Path sibling = dir.resolve("stream-uid").resolve("shardId-000000000001");
    SegmentFiles.createDirectories(sibling, flushed::add);
    SegmentFiles.createDirectories(shard, flushed::add);
    assertEquals(List.of(shard.getParent().toAbsolutePath()), flushed, "only what was created");
    SegmentFiles.createDirectories(dir.resolve("a").resolve("b"));
    assertTrue(Files.isDirectory(dir.resolve("a").resolve("b")));
  }

  @Test
  void namesPadTheBaseOffsetTo20Digits() {
    assertEquals("00000000000000000000.log", SegmentFiles.name(0, SegmentFiles.LOG));
    assertEquals("00000000000000001234.index", SegmentFiles.index(dir, 1234).getFileName().toString());
    assertEquals("09223372036854775807.timeindex", SegmentFiles.timeIndex(dir, Long.MAX_VALUE).getFileName().toString());
  }

  @Test
  void listsSegmentsInOffsetOrderAndIgnoresOtherFiles() throws Exception {
    for (long base : new long[] {900, 5, 12_000_000_000L}) Files.createFile(SegmentFiles.log(dir, base));
    Files.createFile(SegmentFiles.index(dir, 77));
    Files.createFile(dir.resolve("notes.log"));
    Files.createFile(dir.resolve("123.log"));
    assertEquals(List.of(5L, 900L, 12_000_000_000L), SegmentFiles.baseOffsets(dir));
  }

  @Test
  void deletesIndexesWhoseSegmentIsGone() throws Exception {
    Files.createFile(SegmentFiles.log(dir, 10));
    Files.createFile(SegmentFiles.index(dir, 10));
    Files.createFile(SegmentFiles.index(dir, 3));
    Files.createFile(SegmentFiles.timeIndex(dir, 3));
    SegmentFiles.deleteOrphanIndexes(dir, Set.of(10L));
    assertTrue(Files.exists(SegmentFiles.index(dir, 10)));
    assertFalse(Files.exists(SegmentFiles.index(dir, 3)));
    assertFalse(Files.exists(SegmentFiles.timeIndex(dir, 3)));
  }
}
