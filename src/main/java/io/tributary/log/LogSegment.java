package io.tributary.log;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code .log} file of {@link RecordBatch}es, named by its base offset, with its {@link OffsetIndex}
 * and {@link TimeIndex}.
 *
 * <p>Invariants: batches lie back to back from position 0; the first starts at the base offset and each
 * next one where the previous ended; {@link #size()} is the end of the last valid batch, and the file holds
 * nothing after it once a write or recovery is done. An index entry is added for a batch when more than the
 * index interval of bytes were appended since the last entry, so the batches after the last entry span at
 * most that interval plus the last batch.
 *
 * <p>Threading: not thread-safe for writers. One writer at a time (the log's write queue) calls
 * {@link #append}, {@link #truncate}, {@link #flush}, {@link #seal}, {@link #recover}, {@link #restore}
 * and {@link #close}. Readers may call {@link #find}, {@link #next}, {@link #read} and
 * {@link #offsetAtOrAfter} concurrently with it, for offsets the log has acknowledged only: those batches
 * were written completely before they were acknowledged, so readers never see a batch being written.
 * A sealed segment (see {@link #retire}) gives its channel and index mappings back when the server-wide
 * {@link SealedSegmentCache} needs them, and a read opens them again; a channel in use by a reader is
 * closed by the last one. Reads use positional channel reads in slices of at most {@link #IO_SLICE_BYTES},
 * which bounds the JDK's per-thread temporary direct buffers; record data is never kept in memory, only
 * the record layouts of a few recently read big batches ({@link BatchLayouts}).
 */
final class LogSegment {
  private static final Logger LOG = LoggerFactory.getLogger(LogSegment.class);
  static final int IO_SLICE_BYTES = 64 * 1024;
  private static final int SCAN_BUFFER_BYTES = 1024 * 1024;
  /** Batches up to this size are read whole each time; bigger ones once, then by the records a read takes. */
  static final int PARTIAL_READ_MIN_BYTES = 256 * 1024;
  /** How many big batches per segment keep their layout. */
  private static final int LAYOUTS_KEPT = 8;
  /** What {@link #restore} writes past the end, and cuts again, to learn that the disk takes writes. */
  static final int PROBE_BYTES = 64 * 1024;

  private final Path file;
  private final long baseOffset;
  private final LogConfig config;
  private final ChannelOpener opener;
  /** Null while a sealed segment has given its channel back to the {@link SealedSegmentCache}. */
  private volatile FileChannel channel;
  /** Readers using the channel now; guarded by this. */
  private int readers;
  /** The cache asked for the channel while readers used it: the last one closes it; guarded by this. */
  private boolean releaseWhenIdle;
  private volatile boolean closed;
  /** Set once the segment is sealed and its files may be given back between reads. */
  private volatile SealedSegmentCache cache;
  /** Layouts of recently read big batches, by position; only for acknowledged batches, which never change. */
  private final BatchLayouts layouts = new BatchLayouts(LAYOUTS_KEPT);
  private final OffsetIndex offsetIndex;
  private final TimeIndex timeIndex;
  private volatile long size;
  private volatile long nextOffset;
  private volatile long maxArrivalMillis = -1;
  private long bytesSinceLastIndexEntry;

  /** The write state a failed append is undone to. */
  record Mark(long size, long nextOffset, long maxArrivalMillis, long bytesSinceLastIndexEntry) { }

  private LogSegment(Path directory, long baseOffset, LogConfig config, ChannelOpener opener, boolean create)
      throws IOException {
    this.file = SegmentFiles.log(directory, baseOffset);
    this.baseOffset = baseOffset;
    this.config = config;
    this.opener = opener;
    this.channel = opener.open(file, create
        ? EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ,
            StandardOpenOption.WRITE)
        : EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
    try {
      this.offsetIndex = new OffsetIndex(SegmentFiles.index(directory, baseOffset), baseOffset);
      this.timeIndex = new TimeIndex(SegmentFiles.timeIndex(directory, baseOffset), baseOffset);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    this.size = channel.size();
    this.nextOffset = baseOffset;
  }

  /** A new, empty segment whose indexes are preallocated for a full segment. */
  static LogSegment create(Path directory, long baseOffset, LogConfig config, ChannelOpener opener)
      throws IOException {
    LogSegment segment = new LogSegment(directory, baseOffset, config, opener, true);
    try {
      segment.offsetIndex.reset(config.indexEntriesFor(0));
      segment.timeIndex.reset(config.indexEntriesFor(0));
    } catch (IOException | RuntimeException e) {
      segment.close();
      throw e;
    }
    return segment;
  }

  /** An existing segment, not yet checked: follow with {@link #sanityCheck} or {@link #recover}. */
  static LogSegment open(Path directory, long baseOffset, LogConfig config, ChannelOpener opener)
      throws IOException {
    return new LogSegment(directory, baseOffset, config, opener, false);
  }

  long baseOffset() {
    return baseOffset;
  }

  /** One past the last offset written to the segment. */
  long nextOffset() {
    return nextOffset;
  }

  long size() {
    return size;
  }

  /** Arrival of the newest batch written, or -1 when the segment is empty. */
  long maxArrivalMillis() {
    return maxArrivalMillis;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Whether a batch of this size and count would take the segment past its limits. */
  boolean isFullFor(int batchBytes, int recordCount) {
    return size > 0 && (size + batchBytes > config.segmentBytes()
        || nextOffset + recordCount - baseOffset > Integer.MAX_VALUE);
  }

  Mark mark() {
    return new Mark(size, nextOffset, maxArrivalMillis, bytesSinceLastIndexEntry);
  }

  /** Writes an encoded batch at the end and indexes it. On failure the caller truncates to its mark. */
  void append(ByteBuffer batch, long batchBaseOffset, int recordCount, long arrivalMillis) throws IOException {
    if (batchBaseOffset != nextOffset) {
      throw new IllegalStateException("batch at offset " + batchBaseOffset + " does not follow " + nextOffset);
    }
    long position = size;
    int length = batch.remaining();
    writeFully(batch, position);
    if (bytesSinceLastIndexEntry > config.indexIntervalBytes()) {
      offsetIndex.append(batchBaseOffset, position);
      timeIndex.maybeAppend(arrivalMillis, batchBaseOffset);
      bytesSinceLastIndexEntry = 0;
    }
    bytesSinceLastIndexEntry += length;
    maxArrivalMillis = arrivalMillis;
    nextOffset = batchBaseOffset + recordCount;
    size = position + length;
  }

  /** Cuts the file and its indexes back to a mark. */
  void truncate(Mark mark) throws IOException {
    offsetIndex.truncateTo(mark.nextOffset());
    timeIndex.truncateTo(mark.nextOffset());
    size = mark.size();
    nextOffset = mark.nextOffset();
    maxArrivalMillis = mark.maxArrivalMillis();
    bytesSinceLastIndexEntry = mark.bytesSinceLastIndexEntry();
    layouts.dropFrom(mark.size());
    channel.truncate(mark.size());
  }

  /**
   * Brings the segment back after a failed write or fsync, once the disk may take writes again: cuts it
   * back to the mark (the end of what was acknowledged), reads the batches from {@code rewriteFrom} to
   * there, checks them and writes them again (after a failed fsync the kernel may hold those pages as
   * clean though they never reached the disk, and a later fsync would pass over them), checks that
   * {@link #PROBE_BYTES} more fit, and fsyncs. Throws when the disk still fails.
   *
   * @return true, or false when a batch before the mark was lost; the segment then ends before it
   */
  boolean restore(Mark mark, long rewriteFrom) throws IOException {
    truncate(mark);
    long position = rewriteFrom;
    while (position < mark.size()) {
      RecordBatch batch = readBatch(position, mark.size());
      byte[] whole = batch == null ? null : new byte[batch.sizeInBytes()];
      if (whole != null) readFully(ByteBuffer.wrap(whole), position);
      if (whole == null || !batch.checksumMatches(ByteBuffer.wrap(whole).position(RecordBatch.HEADER_BYTES))) {
        LOG.error("The batch at position {} of {} was acknowledged but is damaged after a failed fsync", position, file);
        recover();
        flush();
        return false;
      }
      writeFully(ByteBuffer.wrap(whole), position);
      position = batch.endPosition();
    }
    try {
      writeFully(ByteBuffer.allocate(PROBE_BYTES), size);
    } finally {
      channel.truncate(size);
    }
    channel.force(true);
    return true;
  }

  /** fsync of the file's data. */
  void flush() throws IOException {
    channel.force(false);
  }

  /**
   * Makes a segment that stops being written durable and compact: fsyncs it (whatever the policy), then
   * trims its index files to their entries and writes them out. Only the fsync can fail the roll; index
   * trouble is logged, since recovery rebuilds what it finds damaged.
   */
  void seal() throws IOException {
    flush();
    try {
      offsetIndex.trim();
      timeIndex.trim();
      offsetIndex.flush();
      timeIndex.flush();
    } catch (IOException e) {
      LOG.warn("Could not trim the indexes of {}; they will be rebuilt when the log opens", file, e);
    }
  }

  /**
   * Cheap check of a sealed segment: its index files were there, whole, in order and within the segment;
   * the last offset-index entry points at the batch it names; and the batch headers from there span at
   * most one index interval, end exactly at the file's end and stop at or before the next segment's base
   * offset. Learns the segment's end offset and newest arrival on the way. False means the segment needs
   * {@link #recover}.
   */
  boolean sanityCheck(long nextSegmentBaseOffset) throws IOException {
    long logSize = channel.size();
    if (!offsetIndex.loadedIntact() || !timeIndex.loadedIntact()) return false;
    if (!offsetIndex.isSane(nextSegmentBaseOffset, logSize) || !timeIndex.isSane(nextSegmentBaseOffset)) return false;
    OffsetIndex.OffsetPosition last = offsetIndex.last();
    long position = last.position();
    long expectedOffset = last.offset();
    RecordBatch batch = null;
    while (position < logSize) {
      if (position - last.position() > config.indexIntervalBytes()) return false;
      batch = readBatch(position, logSize);
      if (batch == null || batch.baseOffset() != expectedOffset) return false;
      position = batch.endPosition();
      expectedOffset = batch.nextOffset();
    }
    if (expectedOffset > nextSegmentBaseOffset) return false;
    size = logSize;
    nextOffset = expectedOffset;
    maxArrivalMillis = batch == null ? -1 : batch.arrivalMillis();
    return true;
  }

  /**
   * Recovery of one segment: scans every batch from the start, checking each (known magic, ends within the
   * file, CRC matches, offsets continue), rebuilds both indexes on the way and truncates the file at the
   * first invalid batch, logging how many bytes were cut.
   *
   * @return the number of bytes cut
   */
  long recover() throws IOException {
    long fileSize = channel.size();
    offsetIndex.reset(config.indexEntriesFor(fileSize));
    timeIndex.reset(config.indexEntriesFor(fileSize));
    size = 0;
    nextOffset = baseOffset;
    maxArrivalMillis = -1;
    bytesSinceLastIndexEntry = 0;
    ByteBuffer buffer = ByteBuffer.allocateDirect(SCAN_BUFFER_BYTES).limit(0);
    long bufferStart = 0;
    String invalid = null;
    while (size < fileSize) {
      long position = size;
      if (position + RecordBatch.SUMMARY_BYTES > fileSize) {
        invalid = "a torn batch header";
        break;
      }
      if (position + RecordBatch.SUMMARY_BYTES > bufferStart + buffer.limit()) {
        buffer = fill(buffer, position, RecordBatch.SUMMARY_BYTES);
        bufferStart = position;
      }
      RecordBatch batch = RecordBatch.parse(buffer.position((int) (position - bufferStart)), position);
      if (batch == null) {
        invalid = "an unreadable batch header";
        break;
      }
      if (batch.endPosition() > fileSize) {
        invalid = "a torn batch";
        break;
      }
      if (batch.baseOffset() != nextOffset) {
        invalid = "a batch at offset " + batch.baseOffset() + " where " + nextOffset + " was due";
        break;
      }
      if (batch.endPosition() > bufferStart + buffer.limit()) {
        buffer = fill(buffer, position, batch.sizeInBytes());
        bufferStart = position;
      }
      if (!batch.checksumMatches(buffer.position((int) (position - bufferStart) + RecordBatch.HEADER_BYTES))) {
        invalid = "a checksum mismatch in the batch at offset " + batch.baseOffset();
        break;
      }
      indexRecovered(batch);
    }
    long cut = fileSize - size;
    layouts.dropFrom(size);
    if (cut > 0) {
      LOG.warn("Recovery of {} cut {} bytes at position {} (offset {}) after {}", file, cut, size, nextOffset, invalid);
      channel.truncate(size);
    }
    return cut;
  }

  private void indexRecovered(RecordBatch batch) throws IOException {
    if (bytesSinceLastIndexEntry > config.indexIntervalBytes()) {
      offsetIndex.append(batch.baseOffset(), batch.position());
      timeIndex.maybeAppend(batch.arrivalMillis(), batch.baseOffset());
      bytesSinceLastIndexEntry = 0;
    }
    bytesSinceLastIndexEntry += batch.sizeInBytes();
    maxArrivalMillis = batch.arrivalMillis();
    nextOffset = batch.nextOffset();
    size = batch.endPosition();
  }

  /** Reads at least {@code needed} bytes from {@code position} into the buffer (a bigger one if needed). */
  private ByteBuffer fill(ByteBuffer buffer, long position, int needed) throws IOException {
    ByteBuffer target = buffer.capacity() >= needed ? buffer : ByteBuffer.allocateDirect(needed);
    target.clear();
    long at = position;
    while (target.position() < needed) {
      int read = channel.read(target, at);
      if (read < 0) throw new EOFException("unexpected end of " + file);
      at += read;
    }
    return target.flip();
  }

  /**
   * The batch holding the offset, found through the offset index and a scan of batch headers, or null
   * when the segment ends before it. For acknowledged offsets only.
   */
  RecordBatch find(long offset) throws IOException {
    if (offset < baseOffset || offset >= nextOffset) return null;
    acquire();
    try {
      return findAcquired(offset);
    } finally {
      release();
    }
  }

  private RecordBatch findAcquired(long offset) throws IOException {
    OffsetIndex.OffsetPosition start = offsetIndex.lookup(offset);
    RecordBatch batch = readBatch(start.position(), size);
    if (batch == null || batch.baseOffset() != start.offset()) {
      LOG.warn("Offset index of {} points at the wrong place for offset {}; scanning from the start", file, offset);
      batch = readBatch(0, size);
    }
    while (batch != null && !batch.contains(offset)) batch = next(batch);
    return batch;
  }

  /** The batch after this one in the segment, or null at the end. For acknowledged offsets only. */
  RecordBatch next(RecordBatch batch) throws IOException {
    if (batch.endPosition() >= size) return null;
    acquire();
    try {
      return readBatch(batch.endPosition(), size);
    } finally {
      release();
    }
  }

  /**
   * Records of the batch from {@code fromOffset} on, within the limits (see {@link RecordBatch#decode}).
   * The first read of a batch bigger than {@link #PARTIAL_READ_MIN_BYTES} reads it whole and checks its CRC,
   * and keeps its {@link BatchLayout}; later reads of it read only the records they return.
   */
  List<StoredRecord> read(RecordBatch batch, long fromOffset, int maxRecords, long maxBytes, boolean atLeastOne)
      throws IOException {
    BatchLayout layout = batch.sizeInBytes() > PARTIAL_READ_MIN_BYTES ? layouts.get(batch.position()) : null;
    if (layout != null) {
      int first = (int) (fromOffset - batch.baseOffset());
      int end = layout.endOfRead(first, maxRecords, maxBytes, atLeastOne);
      if (end == first) return List.of();
      byte[] records = new byte[layout.start(end) - layout.start(first)];
      acquire();
      try {
        readFully(ByteBuffer.wrap(records), batch.position() + RecordBatch.HEADER_BYTES + layout.start(first));
      } finally {
        release();
      }
      return batch.decodeRecords(records, fromOffset, end - first);
    }
    byte[] body = new byte[batch.bodyLength()];
    acquire();
    try {
      readFully(ByteBuffer.wrap(body), batch.position() + RecordBatch.HEADER_BYTES);
    } finally {
      release();
    }
    if (!batch.checksumMatches(ByteBuffer.wrap(body))) {
      throw new IOException("checksum mismatch in the batch at offset " + batch.baseOffset() + " of " + file);
    }
    if (batch.sizeInBytes() > PARTIAL_READ_MIN_BYTES) {
      BatchLayout learned = BatchLayout.of(batch, body);
      if (learned != null) layouts.put(batch.position(), learned);
    }
    return batch.decode(body, fromOffset, maxRecords, maxBytes, atLeastOne);
  }

  /**
   * The base offset of the first batch below {@code endOffset} that arrived at or after the time, or -1
   * when there is none in this segment.
   */
  long offsetAtOrAfter(long arrivalMillis, long endOffset) throws IOException {
    long from = timeIndex.lookupBefore(arrivalMillis);
    if (from >= endOffset) return -1;
    for (RecordBatch batch = find(from); batch != null && batch.baseOffset() < endOffset; batch = next(batch)) {
      if (batch.arrivalMillis() >= arrivalMillis) return batch.baseOffset();
    }
    return -1;
  }

  /**
   * Marks the segment sealed for good: from now on its channel and index mappings may be given back
   * between reads, as the server-wide cache decides, and are opened again by the next read.
   */
  void retire(SealedSegmentCache sealedFiles) {
    cache = sealedFiles;
    sealedFiles.used(this);
  }

  /** Called by the cache: closes the channel now, or when its last reader is done. */
  void releaseChannel() {
    FileChannel idle;
    synchronized (this) {
      if (readers > 0) {
        releaseWhenIdle = true;
        return;
      }
      idle = channel;
      channel = null;
    }
    closeQuietly(idle);
  }

  /** Called by the cache: unmaps both indexes; they map again on their next lookup. */
  void releaseIndexes() {
    offsetIndex.release();
    timeIndex.release();
  }

  /** Takes the channel for a read, opening it again if the cache had closed it. */
  private void acquire() throws IOException {
    synchronized (this) {
      if (closed) throw new ClosedChannelException();
      if (channel == null) channel = opener.open(file, EnumSet.of(StandardOpenOption.READ));
      readers++;
      releaseWhenIdle = false;
    }
  }

  private void release() {
    FileChannel idle = null;
    synchronized (this) {
      readers--;
      if (readers == 0 && releaseWhenIdle) {
        idle = channel;
        channel = null;
        releaseWhenIdle = false;
      }
    }
    closeQuietly(idle);
    SealedSegmentCache sealedFiles = cache;
    if (sealedFiles != null && !closed) sealedFiles.used(this);
  }

  private void closeQuietly(FileChannel idle) {
    if (idle == null) return;
    try {
      idle.close();
    } catch (IOException e) {
      LOG.warn("Could not close {}", file, e);
    }
  }

  /** Releases the channel and the index mappings; index files are trimmed to their entries. */
  void close() throws IOException {
    FileChannel open;
    synchronized (this) {
      closed = true;
      open = channel;
    }
    SealedSegmentCache sealedFiles = cache;
    if (sealedFiles != null) sealedFiles.forget(this);
    try {
      offsetIndex.close();
      timeIndex.close();
    } finally {
      if (open != null) open.close();
    }
  }

  /** Closes and removes the segment's files, the .log first so that a crash leaves only orphan indexes. */
  void delete() throws IOException {
    close();
    Files.deleteIfExists(file);
    offsetIndex.delete();
    timeIndex.delete();
  }

  @Override
  public String toString() {
    return file.toString();
  }

  /** The batch starting at the position, or null when there is no well-formed one ending by {@code limit}. */
  private RecordBatch readBatch(long position, long limit) throws IOException {
    if (position + RecordBatch.SUMMARY_BYTES > limit) return null;
    ByteBuffer summary = ByteBuffer.allocate(RecordBatch.SUMMARY_BYTES);
    readFully(summary, position);
    RecordBatch batch = RecordBatch.parse(summary.flip(), position);
    return batch == null || batch.endPosition() > limit ? null : batch;
  }

  private void readFully(ByteBuffer target, long position) throws IOException {
    int end = target.limit();
    long at = position;
    while (target.position() < end) {
      target.limit(Math.min(end, target.position() + IO_SLICE_BYTES));
      int read = channel.read(target, at);
      if (read < 0) throw new EOFException("unexpected end of " + file + " at " + at);
      at += read;
    }
  }

  private void writeFully(ByteBuffer source, long position) throws IOException {
    int end = source.limit();
    long at = position;
    while (source.position() < end) {
      source.limit(Math.min(end, source.position() + IO_SLICE_BYTES));
      at += channel.write(source, at);
    }
  }
}
