package io.tributary.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens segment channels that fail on demand: the next {@code n} opens, positional writes (after writing
 * part of the buffer, as a full disk does) or fsyncs (after letting {@link #fsyncsToPass} through) throw.
 * Counts the bytes of positional writes and reads that went through.
 */
final class FaultyChannels implements ChannelOpener {
  final AtomicInteger opensToFail = new AtomicInteger();
  final AtomicInteger writesToFail = new AtomicInteger();
  final AtomicInteger fsyncsToPass = new AtomicInteger();
  final AtomicInteger fsyncsToFail = new AtomicInteger();
  /** Positional writes that throw an {@link InternalError}, as a write to an mmapped page of a full disk does. */
  final AtomicInteger errorsToThrow = new AtomicInteger();
  /** Bytes written and read by positional writes and reads that went through. */
  final AtomicLong bytesWritten = new AtomicLong();
  final AtomicLong bytesRead = new AtomicLong();
  /** Called with the real channel when an fsync fails, to do to the file what the failure did. */
  volatile IoAction onFailedFsync;
  /** Milliseconds each fsync takes on top of the real one. */
  volatile long fsyncDelayMillis;

  @Override
  public FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
    if (take(opensToFail)) throw new IOException("Too many open files");
    return new Channel(FileChannel.open(path, options));
  }

  @FunctionalInterface
  interface IoAction {
    void accept(FileChannel file) throws IOException;
  }

  private static boolean take(AtomicInteger counter) {
    return counter.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  private final class Channel extends ForwardingFileChannel {
    Channel(FileChannel file) {
      super(file);
    }

    @Override
    public int write(ByteBuffer source, long position) throws IOException {
      if (take(errorsToThrow)) throw new InternalError("a fault occurred in an unsafe memory access operation");
      if (take(writesToFail)) {
        ByteBuffer half = source.duplicate();
        half.limit(half.position() + half.remaining() / 2);
        file.write(half, position);
        throw new IOException("No space left on device");
      }
      bytesWritten.addAndGet(source.remaining());
      return file.write(source, position);
    }

    @Override
    public void force(boolean metaData) throws IOException {
      if (!take(fsyncsToPass) && take(fsyncsToFail)) {
        if (onFailedFsync != null) onFailedFsync.accept(file);
        throw new IOException("Input/output error");
      }
      if (fsyncDelayMillis > 0) {
        try {
          Thread.sleep(fsyncDelayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      file.force(metaData);
    }

    @Override
    public int read(ByteBuffer target, long position) throws IOException {
      int read = file.read(target, position);
      if (read > 0) bytesRead.addAndGet(read);
      return read;
    }
  }
}
