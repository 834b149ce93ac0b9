package io.tributary.log;

import static io.tributary.log.LogFixtures.assertRecord;
import static io.tributary.log.LogFixtures.entries;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSegmentTest {
  private static final long BASE = 100;
  private static final LogConfig CONFIG = LogFixtures.SMALL.withSegmentBytes(1 << 20);

  @TempDir
  Path dir;
  private LogSegment segment;
  /** What was appended: base offset, count, arrival, position. */
  private final List<long[]> batches = new ArrayList<>();

  @BeforeEach
  void create() throws Exception {
    segment = LogSegment.create(dir, BASE, CONFIG, ChannelOpener.FILES);
  }

  @AfterEach
  void close() throws Exception {
    segment.close();
  }

  /** 200 batches of 1 to 5 records, arriving 10 ms apart. */
  private void fill() throws Exception {
    Random random = new Random(1);
    long offset = BASE;
    for (int i = 0; i < 200; i++) {
      int count = 1 + random.nextInt(5);
      long arrival = 1_000_000 + 10L * i;
      batches.add(new long[] {offset, count, arrival, segment.size()});
      segment.append(RecordBatch.encode(offset, entries(offset, count, arrival)), offset, count, arrival);
      offset += count;
    }
  }

  private long end() {
    long[] last = batches.get(batches.size() - 1);
    return last[0] + last[1];
  }

  private LogSegment reopen() throws Exception {
    segment.close();
    segment = LogSegment.open(dir, BASE, CONFIG, ChannelOpener.FILES);
    return segment;
  }

  @Test
  void findLandsOnTheBatchOfEveryOffset() throws Exception {
    fill();
    assertTrue(Files.size(SegmentFiles.index(dir, BASE)) > 0);
    for (long[] batch : batches) {
      for (long offset = batch[0]; offset < batch[0] + batch[1]; offset++) {
        RecordBatch found = segment.find(offset);
        assertEquals(batch[0], found.baseOffset(), "batch of offset " + offset);
        assertEquals(batch[3], found.position());
        List<StoredRecord> records = segment.read(found, offset, 100, Long.MAX_VALUE, true);
        assertEquals(batch[0] + batch[1] - offset, records.size());
        assertRecord(offset, batch[2], records.get(0));
      }
    }
    assertNull(segment.find(BASE - 1));
    assertNull(segment.find(end()));
  }

  @Test
  void nextWalksEveryBatchInOrder() throws Exception {
    fill();
    RecordBatch batch = segment.find(BASE);
    for (long[] expected : batches) {
      assertEquals(expected[0], batch.baseOffset());
      batch = segment.next(batch);
    }
    assertNull(batch);
  }

  @Test
  void findsTheFirstBatchAtOrAfterATime() throws Exception {
    fill();
    for (long[] batch : batches) {
      assertEquals(batch[0], segment.offsetAtOrAfter(batch[2], end()));
      assertEquals(batch[0], segment.offsetAtOrAfter(batch[2] - 9, end()));
    }
    assertEquals(BASE, segment.offsetAtOrAfter(0, end()));
    assertEquals(-1, segment.offsetAtOrAfter(2_000_000, end()));
    long[] last = batches.get(batches.size() - 1);
    assertEquals(-1, segment.offsetAtOrAfter(last[2], last[0]), "not below the end given");
  }

  @Test
  void truncateUndoesAnAppend() throws Exception {
    fill();
    LogSegment.Mark mark = segment.mark();
    long indexEntries = Files.size(SegmentFiles.index(dir, BASE));
    segment.append(RecordBatch.encode(end(), entries(end(), 300, 2_000_000)), end(), 300, 2_000_000);
    segment.truncate(mark);
    assertEquals(mark.size(), Files.size(SegmentFiles.log(dir, BASE)));
    assertEquals(end(), segment.nextOffset());
    assertEquals(batches.get(batches.size() - 1)[2], segment.maxArrivalMillis());
    assertEquals(indexEntries, Files.size(SegmentFiles.index(dir, BASE)));
    assertEquals(batches.get(199)[0], segment.find(end() - 1).baseOffset());
  }

  @Test
  void recoverCutsATornTail() throws Exception {
    fill();
    long size = segment.size();
    segment.close();
    try (FileChannel file = FileChannel.open(SegmentFiles.log(dir, BASE), StandardOpenOption.WRITE)) {
      file.truncate(size - 10);
    }
    segment = LogSegment.open(dir, BASE, CONFIG, ChannelOpener.FILES);
    long[] last = batches.get(199);
    assertEquals(size - 10 - last[3], segment.recover());
    assertEquals(last[0], segment.nextOffset());
    assertEquals(last[3], segment.size());
    assertEquals(last[3], Files.size(SegmentFiles.log(dir, BASE)));
    assertEquals(batches.get(198)[2], segment.maxArrivalMillis());
    segment.append(RecordBatch.encode(last[0], entries(last[0], 2, 3_000_000)), last[0], 2, 3_000_000);
    assertEquals(0, reopen().recover());
    assertEquals(last[0] + 2, segment.nextOffset());
  }

  @Test
  void recoverCutsAtACorruptedChecksumInTheMiddle() throws Exception {
    fill();
    long size = segment.size();
    long[] corrupted = batches.get(120);
    segment.close();
    flipByte(SegmentFiles.log(dir, BASE), corrupted[3] + RecordBatch.SUMMARY_BYTES + 3);
    segment = LogSegment.open(dir, BASE, CONFIG, ChannelOpener.FILES);
    assertEquals(size - corrupted[3], segment.recover());
    assertEquals(corrupted[0], segment.nextOffset());
    assertEquals(corrupted[3], Files.size(SegmentFiles.log(dir, BASE)));
    assertEquals(batches.get(119)[0], segment.find(corrupted[0] - 1).baseOffset());
  }

  @Test
  void recoverRebuildsTheSameIndexes() throws Exception {
    fill();
    segment.seal();
    byte[] index = Files.readAllBytes(SegmentFiles.index(dir, BASE));
    byte[] timeIndex = Files.readAllBytes(SegmentFiles.timeIndex(dir, BASE));
    segment.close();
    Files.delete(SegmentFiles.index(dir, BASE));
    Files.write(SegmentFiles.timeIndex(dir, BASE), new byte[100]);
    assertFalse(reopen().sanityCheck(end()));
    assertEquals(0, segment.recover());
    segment.seal();
    assertArrayEquals(index, Files.readAllBytes(SegmentFiles.index(dir, BASE)));
    assertArrayEquals(timeIndex, Files.readAllBytes(SegmentFiles.timeIndex(dir, BASE)));
  }

  @Test
  void sanityCheckAcceptsASealedSegmentAndLearnsItsEnd() throws Exception {
    fill();
    long size = segment.size();
    segment.seal();
    assertTrue(reopen().sanityCheck(end()));
    assertEquals(end(), segment.nextOffset());
    assertEquals(size, segment.size());
    assertEquals(batches.get(199)[2], segment.maxArrivalMillis());
    assertEquals(batches.get(57)[0], segment.find(batches.get(57)[0]).baseOffset());
  }

  @Test
  void sanityCheckRejectsDamagedIndexes() throws Exception {
    fill();
    segment.seal();
    Path index = SegmentFiles.index(dir, BASE);
    byte[] good = Files.readAllBytes(index);

    Files.write(index, java.util.Arrays.copyOf(good, good.length / 2));
    assertFalse(reopen().sanityCheck(end()), "entries missing at the end: too long a tail");
    byte[] garbage = new byte[good.length];
    new Random(3).nextBytes(garbage);
    Files.write(index, garbage);
    assertFalse(reopen().sanityCheck(end()), "garbage");
    Files.write(index, java.util.Arrays.copyOf(good, good.length + 3));
    assertFalse(reopen().sanityCheck(end()), "wrong size");
    Files.write(index, good);
    assertFalse(reopen().sanityCheck(end() - 1), "the next segment starts before this one ends");
    assertTrue(reopen().sanityCheck(end()));
  }

  static void flipByte(Path file, long position) throws Exception {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
      channel.read(one, position);
      one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
      channel.write(one, position);
    }
  }
}
