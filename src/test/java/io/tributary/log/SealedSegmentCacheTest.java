package io.tributary.log;

import static io.tributary.log.LogFixtures.SMALL;
import static io.tributary.log.LogFixtures.assertRecord;
import static io.tributary.log.LogFixtures.await;
import static io.tributary.log.LogFixtures.entries;
import static io.tributary.log.LogFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Thousands of sealed segments across several logs under a low bound: the open {@code .log} files and the
 * mapped index files the process really holds (counted in {@code /proc/self/fd} and
 * {@code /proc/self/maps}) stay within the bound plus the active segments, while writing, reading every
 * segment and recovering them all.
 */
class SealedSegmentCacheTest extends OpenLogTest {
  private static final int LOGS = 4;
  private static final int APPENDS_PER_LOG = 1500;
  private static final int MAX_OPEN = 20;
  private static final int MAX_MAPPED = 40;
  /** A 1 KiB segment takes about five appends of this many records, and gets index entries. */
  private static final int RECORDS_PER_APPEND = 4;

  @Test
  void sealedSegmentsHoldNoMoreFilesAndMappingsThanTheBound() throws Exception {
    LogConfig config = SMALL.withSegmentBytes(1024).withSealedFileLimits(MAX_OPEN, MAX_MAPPED);
    List<FileShardLog> logs = openLogs(config);
    try {
      for (int i = 0; i < APPENDS_PER_LOG; i++) {
        for (FileShardLog each : logs) {
          long offset = (long) i * RECORDS_PER_APPEND;
          assertEquals(offset, await(each.append(entries(offset, RECORDS_PER_APPEND, T0))));
        }
      }
      assertTrue(segmentFiles() >= 1000, "segments: " + segmentFiles());
      assertTrue(indexFilesWithEntries() >= 1000, "index files with entries: " + indexFilesWithEntries());
      assertWithinBound(config, "after writing");

      for (FileShardLog each : logs) assertAllThere(each);
      assertWithinBound(config, "after reading every segment");
    } finally {
      for (FileShardLog each : logs) await(each.close());
    }
    assertEquals(0, config.sealedFiles().openChannels(), "closed logs hold nothing");
    assertEquals(0, openLogFiles(), "closed logs hold no file");

    logs = openLogs(config);
    try {
      assertWithinBound(config, "after recovering every segment");
      for (FileShardLog each : logs) assertAllThere(each);
      assertWithinBound(config, "after reading the recovered segments");
    } finally {
      for (FileShardLog each : logs) await(each.close());
    }
  }

  @Test
  void concurrentReadsUnderABoundOfOneFileAndTwoMappingsAllSucceed() {
    LogConfig config = SMALL.withSegmentBytes(1024).withSealedFileLimits(1, 2);
    List<FileShardLog> logs = openLogs(config);
    try {
      int appends = 300;
      for (int i = 0; i < appends; i++) {
        for (FileShardLog each : logs) await(each.append(entries((long) i * RECORDS_PER_APPEND, RECORDS_PER_APPEND, T0)));
      }
      Random random = new Random(7);
      List<Future<ShardLog.Page>> reads = new ArrayList<>();
      List<Long> from = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        long offset = random.nextInt(appends * RECORDS_PER_APPEND);
        from.add(offset);
        reads.add(logs.get(i % LOGS).read(offset, 10, Long.MAX_VALUE));
      }
      for (int i = 0; i < reads.size(); i++) {
        List<StoredRecord> records = await(reads.get(i)).records();
        assertEquals(Math.min(10, appends * RECORDS_PER_APPEND - from.get(i)), records.size(), "read " + i);
        for (int j = 0; j < records.size(); j++) assertRecord(from.get(i) + j, T0, records.get(j));
      }
      assertTrue(config.sealedFiles().openChannels() <= 1);
      assertTrue(config.sealedFiles().mappedIndexes() <= 2);
    } finally {
      for (FileShardLog each : logs) await(each.close());
    }
  }

  private List<FileShardLog> openLogs(LogConfig config) {
    List<FileShardLog> logs = new ArrayList<>();
    for (int i = 0; i < LOGS; i++) {
      logs.add(await(FileShardLog.open(vertx, dir.resolve("shard-" + i), config, clock, ChannelOpener.FILES)));
    }
    return logs;
  }

  private static void assertAllThere(FileShardLog log) {
    List<StoredRecord> records = readAll(log, 0);
    assertEquals(APPENDS_PER_LOG * RECORDS_PER_APPEND, records.size());
    for (StoredRecord record : records) assertRecord(record.offset(), T0, record);
  }

  private void assertWithinBound(LogConfig config, String when) throws IOException {
    long files = openLogFiles();
    long mappings = mappedIndexFiles();
    System.out.printf("%s: %d segments, %d open .log files, %d mapped index files%n", when, segmentFiles(), files,
        mappings);
    assertTrue(config.sealedFiles().openChannels() <= MAX_OPEN, when);
    assertTrue(config.sealedFiles().mappedIndexes() <= MAX_MAPPED, when);
    assertTrue(files <= MAX_OPEN + LOGS, when + ": " + files + " open .log files");
    assertTrue(mappings <= MAX_MAPPED + 2 * LOGS, when + ": " + mappings + " mapped index files");
  }

  private long segmentFiles() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(file -> file.toString().endsWith(SegmentFiles.LOG)).count();
    }
  }

  /** Index files with entries: the ones a mapping of shows in /proc/self/maps (an empty one maps nothing). */
  private long indexFilesWithEntries() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(file -> file.toString().endsWith(SegmentFiles.INDEX) || file.toString().endsWith(SegmentFiles.TIME_INDEX))
          .filter(file -> file.toFile().length() > 0).count();
    }
  }

  /** Descriptors of this process open on the test's .log files. */
  private long openLogFiles() throws IOException {
    String root = dir.toRealPath().toString();
    try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
      return descriptors.map(SealedSegmentCacheTest::target)
          .filter(target -> target.startsWith(root) && target.endsWith(SegmentFiles.LOG)).count();
    }
  }

  private static String target(Path descriptor) {
    try {
      return Files.readSymbolicLink(descriptor).toString();
    } catch (IOException gone) {
      return "";
    }
  }

  /** Distinct index files of the test mapped into this process. */
  private long mappedIndexFiles() throws IOException {
    String root = dir.toRealPath().toString();
    try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
      return maps.filter(line -> line.contains(root))
          .map(line -> line.substring(line.indexOf(root)))
          .filter(file -> file.endsWith(SegmentFiles.INDEX) || file.endsWith(SegmentFiles.TIME_INDEX))
          .distinct().count();
    }
  }
}
