package io.tributary.log;

import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Segment channels whose fsyncs are timed, failed ones included (a failing disk is slow too). Threading:
 * the timer is recorded by whichever writer thread fsyncs.
 */
final class FsyncTiming implements ChannelOpener {
  private final ChannelOpener files;
  private final Timer timer;

  FsyncTiming(ChannelOpener files, Timer timer) {
    this.files = files;
    this.timer = timer;
  }

  @Override
  public FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
    return new ForwardingFileChannel(files.open(path, options)) {
      @Override
      public void force(boolean metaData) throws IOException {
        long started = System.nanoTime();
        try {
          file.force(metaData);
        } finally {
          timer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
      }
    };
  }
}
