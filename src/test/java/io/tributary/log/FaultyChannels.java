package io.tributary.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens segment channels that fail on demand: the next {@code n} opens, positional writes (after writing
 * part of the buffer, as a full disk does) or fsyncs (after letting {@link #fsyncsToPass} through) throw.
 */
final class FaultyChannels implements ChannelOpener {
  final AtomicInteger opensToFail = new AtomicInteger();
  final AtomicInteger writesToFail = new AtomicInteger();
  final AtomicInteger fsyncsToPass = new AtomicInteger();
  final AtomicInteger fsyncsToFail = new AtomicInteger();
  /** Milliseconds each fsync takes on top of the real one. */
  volatile long fsyncDelayMillis;

  @Override
  public FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
    if (take(opensToFail)) throw new IOException("Too many open files");
    return new Channel(FileChannel.open(path, options));
  }

  private static boolean take(AtomicInteger counter) {
    return counter.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  private final class Channel extends FileChannel {
    private final FileChannel file;

    Channel(FileChannel file) {
      this.file = file;
    }

    @Override
    public int write(ByteBuffer source, long position) throws IOException {
      if (take(writesToFail)) {
        ByteBuffer half = source.duplicate();
        half.limit(half.position() + half.remaining() / 2);
        file.write(half, position);
        throw new IOException("No space left on device");
      }
      return file.write(source, position);
    }

    @Override
    public void force(boolean metaData) throws IOException {
      if (!take(fsyncsToPass) && take(fsyncsToFail)) throw new IOException("Input/output error");
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
    public int read(ByteBuffer target) throws IOException {
      return file.read(target);
    }

    @Override
    public long read(ByteBuffer[] targets, int offset, int length) throws IOException {
      return file.read(targets, offset, length);
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      return file.write(source);
    }

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
      return file.write(sources, offset, length);
    }

    @Override
    public long position() throws IOException {
      return file.position();
    }

    @Override
    public FileChannel position(long position) throws IOException {
      file.position(position);
      return this;
    }

    @Override
    public long size() throws IOException {
      return file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      file.truncate(size);
      return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return file.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel source, long position, long count) throws IOException {
      return file.transferFrom(source, position, count);
    }

    @Override
    public int read(ByteBuffer target, long position) throws IOException {
      return file.read(target, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return file.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return file.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return file.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      file.close();
    }
  }
}
