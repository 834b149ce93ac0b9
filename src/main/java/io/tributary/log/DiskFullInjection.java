package io.tributary.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * For tests only (setting {@code log.fault.injection.disk.full.file}, empty by default and read only at
 * start): segment channels whose positional writes and fsyncs fail with "No space left on device" while
 * a flag file exists, so a test can fill and free the disk of a running server from outside. A failing
 * write first writes part of its buffer, as a real full disk may.
 *
 * <p>Threading: the flag is looked up on every write and fsync, by whichever thread makes it.
 */
final class DiskFullInjection implements ChannelOpener {
  private final ChannelOpener files;
  private final Path flag;

  DiskFullInjection(ChannelOpener files, Path flag) {
    this.files = files;
    this.flag = flag;
  }

  @Override
  public FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
    return new ForwardingFileChannel(files.open(path, options)) {
      @Override
      public int write(ByteBuffer source, long position) throws IOException {
        if (!Files.exists(flag)) return file.write(source, position);
        ByteBuffer part = source.duplicate();
        part.limit(part.position() + part.remaining() / 2);
        file.write(part, position);
        throw new IOException("No space left on device");
      }

      @Override
      public void force(boolean metaData) throws IOException {
        if (Files.exists(flag)) throw new IOException("No space left on device");
        file.force(metaData);
      }
    };
  }
}
