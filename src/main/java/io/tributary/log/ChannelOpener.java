package io.tributary.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/** Opens the channel of a segment's log file; tests substitute one that fails on demand. */
@FunctionalInterface
interface ChannelOpener {
  ChannelOpener FILES = FileChannel::open;

  FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException;
}
