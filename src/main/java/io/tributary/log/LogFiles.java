package io.tributary.log;

import java.util.Optional;
import java.util.regex.Matcher;

/**
 * The names of a shard log's files, for code outside the log that copies them between nodes: a segment's
 * {@code .log} and its two index files, {@code .index} and {@code .timeindex}, each named by the segment's
 * base offset in 20 digits ({@link SegmentFiles}). Anything else in a log's directory is not the log's.
 */
public final class LogFiles {
  private LogFiles() { }

  /**
   * One file of a segment.
   *
   * @param isLog whether it is the segment's {@code .log} (record batches) rather than one of its indexes,
   *     which the log rebuilds from the {@code .log} when they are missing or damaged
   */
  public record SegmentFile(String name, long baseOffset, boolean isLog) { }

  /** The segment file of that name, or empty when the name is not one a log gives its files. */
  public static Optional<SegmentFile> parse(String name) {
    Matcher matcher = SegmentFiles.NAME.matcher(name);
    if (!matcher.matches()) return Optional.empty();
    long baseOffset;
    try {
      baseOffset = Long.parseLong(matcher.group(1));
    } catch (NumberFormatException beyondOffsets) {
      return Optional.empty();
    }
    return Optional.of(new SegmentFile(name, baseOffset, matcher.group(2).equals(SegmentFiles.LOG)));
  }
}
