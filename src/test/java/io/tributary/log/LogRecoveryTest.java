package io.tributary.log;

import static io.tributary.log.LogFixtures.SMALL;
import static io.tributary.log.LogFixtures.assertRecord;
import static io.tributary.log.LogFixtures.await;
import static io.tributary.log.LogFixtures.entries;
import static io.tributary.log.LogFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Reopening a log after crashes and damage: what survives, what is cut, and what is said about it. */
class LogRecoveryTest extends OpenLogTest {

  /** Per append: first offset, count, arrival. */
  private final List<long[]> appends = new ArrayList<>();

  private FileShardLog open() {
    return open(SMALL);
  }

  /** Opens a log, appends 150 batches of 1 to 6 records and closes it. */
  private void writeAndClose() {
    open();
    Random random = new Random(9);
    for (int i = 0; i < 150; i++) {
      int count = 1 + random.nextInt(6);
      long offset = log.endOffset();
      appends.add(new long[] {offset, count, T0 + i});
      assertEquals(offset, await(log.append(entries(offset, count, T0 + i))));
    }
    await(log.close());
    log = null;
  }

  private List<Long> bases() throws Exception {
    return SegmentFiles.baseOffsets(dir);
  }

  private long lastBase() throws Exception {
    return bases().get(bases().size() - 1);
  }

  /** Positions of the batches in a segment file. */
  private static List<RecordBatch> batchesOf(Path file) throws Exception {
    List<RecordBatch> batches = new ArrayList<>();
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
    while (bytes.position() < bytes.limit()) {
      RecordBatch batch = RecordBatch.parse(bytes.slice(), bytes.position());
      batches.add(batch);
      bytes.position((int) batch.endPosition());
    }
    return batches;
  }

  private long arrivalOf(long offset) {
    for (long[] append : appends) if (offset >= append[0] && offset < append[0] + append[1]) return append[2];
    throw new AssertionError("no append holds " + offset);
  }

  private void assertReadsUpTo(long end) {
    assertEquals(end, log.endOffset());
    List<StoredRecord> records = readAll(log, 0);
    assertEquals(end, records.size());
    for (StoredRecord record : records) assertRecord(record.offset(), arrivalOf(record.offset()), record);
    for (long offset = 0; offset < end; offset += 7) {
      assertRecord(offset, arrivalOf(offset), await(log.read(offset, 1, 1)).records().get(0));
    }
  }

  private static String stderrOf(Supplier<?> action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.get();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void cutsATornTailAndContinuesFromTheLastWholeBatch() throws Exception {
    writeAndClose();
    Path last = SegmentFiles.log(dir, lastBase());
    List<RecordBatch> batches = batchesOf(last);
    RecordBatch torn = batches.get(batches.size() - 1);
    try (FileChannel file = FileChannel.open(last, StandardOpenOption.WRITE)) {
      file.truncate(torn.position() + torn.sizeInBytes() / 2);
    }
    String warnings = stderrOf(this::open);
    assertTrue(warnings.contains("WARN") && warnings.contains("cut " + torn.sizeInBytes() / 2 + " bytes"), warnings);
    assertReadsUpTo(torn.baseOffset());
    assertEquals(arrivalOf(torn.baseOffset() - 1), log.lastArrivalMillis());
    assertEquals(torn.baseOffset(), await(log.append(entries(torn.baseOffset(), 1, T0 + 1000))));
  }

  @Test
  void cutsEverythingFromACorruptedBatchInTheMiddleOfTheLastSegment() throws Exception {
    writeAndClose();
    Path last = SegmentFiles.log(dir, lastBase());
    List<RecordBatch> batches = batchesOf(last);
    assertTrue(batches.size() >= 4, "a middle to corrupt");
    RecordBatch corrupted = batches.get(batches.size() / 2);
    LogSegmentTest.flipByte(last, corrupted.position() + RecordBatch.SUMMARY_BYTES + 1);
    long cut = Files.size(last) - corrupted.position();
    String warnings = stderrOf(this::open);
    assertTrue(warnings.contains("cut " + cut + " bytes") && warnings.contains(
        "checksum mismatch in the batch at offset " + corrupted.baseOffset()), warnings);
    assertEquals(corrupted.position(), Files.size(last), "later batches cut");
    assertReadsUpTo(corrupted.baseOffset());
  }

  @Test
  void rebuildsDeletedIndexes() throws Exception {
    writeAndClose();
    long end = appends.get(149)[0] + appends.get(149)[1];
    for (long base : bases()) {
      Files.delete(SegmentFiles.index(dir, base));
      Files.delete(SegmentFiles.timeIndex(dir, base));
    }
    String warnings = stderrOf(this::open);
    assertTrue(warnings.contains("Indexes of"), warnings);
    assertReadsUpTo(end);
    for (long base : bases().subList(0, bases().size() - 1)) {
      assertTrue(Files.size(SegmentFiles.index(dir, base)) > 0, "index of " + base + " rebuilt");
    }
    for (long[] append : appends) assertEquals(append[0], await(log.offsetAtOrAfter(append[2])));
  }

  @Test
  void rebuildsGarbageIndexes() throws Exception {
    writeAndClose();
    long end = appends.get(149)[0] + appends.get(149)[1];
    Random random = new Random(5);
    for (long base : bases()) {
      for (Path index : List.of(SegmentFiles.index(dir, base), SegmentFiles.timeIndex(dir, base))) {
        byte[] garbage = new byte[(int) Math.max(24, Files.size(index))];
        random.nextBytes(garbage);
        Files.write(index, garbage);
      }
    }
    open();
    assertReadsUpTo(end);
    for (long[] append : appends) assertEquals(append[0], await(log.offsetAtOrAfter(append[2])));
    await(log.close());
    String warnings = stderrOf(this::open);
    assertFalse(warnings.contains("WARN"), "rebuilt indexes pass the next check: " + warnings);
  }

  @Test
  void aCleanReopenChecksWithoutWarnings() throws Exception {
    writeAndClose();
    long end = appends.get(149)[0] + appends.get(149)[1];
    Files.write(SegmentFiles.index(dir, 999_999), new byte[16]);
    String warnings = stderrOf(this::open);
    assertFalse(warnings.contains("WARN"), warnings);
    assertFalse(Files.exists(SegmentFiles.index(dir, 999_999)), "orphan index removed");
    assertReadsUpTo(end);
    assertEquals(T0 + 149, log.lastArrivalMillis());
  }
}
