package io.tributary.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of a shard log's files. A segment is named by its base offset, the offset of its first record,
 * zero-padded to 20 digits so that names sort as offsets do:
 * <pre>
 *   00000000000000001234.log        record batches
 *   00000000000000001234.index      offset index, derived from the .log
 *   00000000000000001234.timeindex  time index, derived from the .log
 * </pre>
 */
final class SegmentFiles {
  static final String LOG = ".log";
  static final String INDEX = ".index";
  static final String TIME_INDEX = ".timeindex";

  static final Pattern NAME = Pattern.compile("(\\d{20})(\\.log|\\.index|\\.timeindex)");

  private SegmentFiles() { }

  static String name(long baseOffset, String suffix) {
    return String.format("%020d", baseOffset) + suffix;
  }

  static Path log(Path directory, long baseOffset) {
    return directory.resolve(name(baseOffset, LOG));
  }

  static Path index(Path directory, long baseOffset) {
    return directory.resolve(name(baseOffset, INDEX));
  }

  static Path timeIndex(Path directory, long baseOffset) {
    return directory.resolve(name(baseOffset, TIME_INDEX));
  }

  /** Base offsets of the directory's segments (its .log files), ascending. */
  static List<Long> baseOffsets(Path directory) throws IOException {
    List<Long> bases = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + LOG)) {
      for (Path file : files) {
        Matcher name = NAME.matcher(file.getFileName().toString());
        if (name.matches()) bases.add(Long.parseLong(name.group(1)));
      }
    }
    Collections.sort(bases);
    return bases;
  }

  /** Deletes index files whose segment is gone: what a crash while deleting a segment leaves behind. */
  static void deleteOrphanIndexes(Path directory, Set<Long> baseOffsets) throws IOException {
    List<Path> orphans = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        Matcher name = NAME.matcher(file.getFileName().toString());
        if (name.matches() && !name.group(2).equals(LOG) && !baseOffsets.contains(Long.parseLong(name.group(1)))) {
          orphans.add(file);
        }
      }
    }
    for (Path orphan : orphans) Files.deleteIfExists(orphan);
  }

  /** fsyncs a directory; tests substitute one that records what it is given. */
  @FunctionalInterface
  interface DirectoryFlush {
    void flush(Path directory) throws IOException;
  }

  /**
   * Creates the directory and whichever of its parents are missing, each made durable by an fsync of the
   * directory holding it: without that, a crash could lose a new shard's directory with its first segment.
   */
  static void createDirectories(Path directory) throws IOException {
    createDirectories(directory, SegmentFiles::flushDirectory);
  }

  static void createDirectories(Path directory, DirectoryFlush flush) throws IOException {
    Path absolute = directory.toAbsolutePath();
    if (Files.isDirectory(absolute)) return;
    Path parent = absolute.getParent();
    if (parent != null) createDirectories(parent, flush);
    try {
      Files.createDirectory(absolute);
    } catch (FileAlreadyExistsException e) {
      if (Files.isDirectory(absolute)) return; // made at the same moment by another shard's log
      throw e;
    }
    if (parent != null) flush.flush(parent);
  }

  /** Makes the directory's entries (a new or deleted segment) durable. */
  static void flushDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
