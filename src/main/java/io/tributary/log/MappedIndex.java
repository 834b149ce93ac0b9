package io.tributary.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file of fixed-size entries, sorted by key, memory-mapped. The indexes are sparse and derived from their
 * segment: never fsynced on the write path, checked when a log opens and rebuilt from the segment when
 * missing or damaged.
 *
 * <p>The file of an index still being written is longer than its entries (it grows by remapping, and an
 * active segment's is preallocated); {@link #trim()} cuts it to the entries when the segment rolls or
 * closes, so a sealed index's length is exactly entries × entry size.
 *
 * <p>Threading: every method synchronizes on the index. The mapping is replaced or released only under
 * that lock, so no thread ever reads an unmapped buffer; after {@link #close()} lookups throw
 * {@link ClosedChannelException}.
 */
abstract class MappedIndex implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(MappedIndex.class);

  protected final long baseOffset;
  private final Path file;
  private final int entryBytes;
  private final boolean existed;
  private final boolean lengthValid;
  private MappedByteBuffer buffer;
  private int entries;
  private boolean closed;

  /** Maps the file as it is (creating it empty if missing); its entries are all whole entries it holds. */
  protected MappedIndex(Path file, long baseOffset, int entryBytes) throws IOException {
    this.file = file;
    this.baseOffset = baseOffset;
    this.entryBytes = entryBytes;
    this.existed = Files.exists(file);
    long length = existed ? Files.size(file) : 0;
    this.lengthValid = length % entryBytes == 0 && length <= Integer.MAX_VALUE;
    map(lengthValid ? (int) length : 0);
    this.entries = lengthValid ? (int) (length / entryBytes) : 0;
  }

  /** Whether the file was there, whole entries only, when the index was opened. */
  synchronized boolean loadedIntact() {
    return existed && lengthValid;
  }

  synchronized int entries() {
    return entries;
  }

  /** Drops every entry and makes room for {@code capacity}. */
  synchronized void reset(int capacity) throws IOException {
    entries = 0;
    map(Math.max(capacity, 1) * entryBytes);
  }

  /** Cuts the file to its entries. */
  synchronized void trim() throws IOException {
    if (!closed && buffer != null && buffer.capacity() != entries * entryBytes) map(entries * entryBytes);
  }

  /** Writes dirty pages of the mapping to the file. */
  synchronized void flush() {
    if (!closed && buffer != null) buffer.force();
  }

  /** Unmaps a sealed index, whose file is exactly its entries; the next lookup maps it again. */
  synchronized void release() {
    if (closed || buffer == null) return;
    MappedByteBuffer old = buffer;
    buffer = null;
    unmap(old);
  }

  /** The mapping, made again if it was released; call under the lock. */
  private MappedByteBuffer mapping() throws IOException {
    if (buffer == null) map(entries * entryBytes);
    return buffer;
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) return;
    try {
      trim();
    } finally {
      closed = true;
      unmap(buffer);
      buffer = null;
    }
  }

  synchronized void delete() throws IOException {
    close();
    Files.deleteIfExists(file);
  }

  /** The buffer to read entry {@code i} from, after checking the index is open; call under the lock. */
  protected final ByteBuffer entriesBuffer() throws IOException {
    if (closed) throw new ClosedChannelException();
    return mapping();
  }

  protected final int entryAt(int i) {
    return i * entryBytes;
  }

  /** Position to write the next entry at, growing the file first when full; call under the lock. */
  protected final int nextEntryPosition() throws IOException {
    if (closed) throw new ClosedChannelException();
    if ((entries + 1) * entryBytes > mapping().capacity()) map(Math.max(2 * buffer.capacity(), 64 * entryBytes));
    return entries * entryBytes;
  }

  /** Counts the entry just written at {@link #nextEntryPosition()}; call under the lock. */
  protected final void entryAdded() {
    entries++;
  }

  /** Keeps the first {@code count} entries; call under the lock. */
  protected final void keepEntries(int count) {
    entries = Math.min(entries, count);
  }

  /** Index of the last entry whose key is at most {@code key} ({@code strictly}: below it), or -1. */
  protected final int floorEntry(long key, boolean strictly, EntryKey keyOf) throws IOException {
    ByteBuffer entriesBuffer = entriesBuffer();
    int low = 0;
    int high = entries - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      long midKey = keyOf.at(entriesBuffer, entryAt(mid));
      if (midKey < key || (!strictly && midKey == key)) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  @FunctionalInterface
  protected interface EntryKey {
    long at(ByteBuffer buffer, int position);
  }

  /** Maps the file at a new length; the old mapping stays in place until the new one is made. */
  private void map(int length) throws IOException {
    MappedByteBuffer mapped;
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(length);
      mapped = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
    }
    MappedByteBuffer old = buffer;
    buffer = mapped;
    unmap(old);
  }

  private static final Method INVOKE_CLEANER;
  private static final Object UNSAFE;

  static {
    Method invokeCleaner = null;
    Object unsafe = null;
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field field = unsafeClass.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      unsafe = field.get(null);
      invokeCleaner = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Mapped index buffers will be released by the garbage collector", e);
    }
    INVOKE_CLEANER = invokeCleaner;
    UNSAFE = unsafe;
  }

  /** Releases a mapping now rather than at some later garbage collection. */
  private static void unmap(MappedByteBuffer buffer) {
    if (INVOKE_CLEANER == null || buffer == null) return;
    try {
      INVOKE_CLEANER.invoke(UNSAFE, buffer);
    } catch (ReflectiveOperationException e) {
      LOG.debug("Could not release a mapped index buffer", e);
    }
  }
}
