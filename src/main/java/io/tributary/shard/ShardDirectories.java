package io.tributary.shard;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where shard logs and their copies live under the shards root ({@code <data dir>/shards}):
 * <pre>
 *   <root>/<stream uid>/<shard id>/            the shard's log
 *   <root>/<stream uid>/<shard id>.incoming/   a copy of it from another node, until installed
 *   <root>/../unlisted/<stream uid>/<shard id>.<epoch ms>/   a log set aside
 * </pre>
 * Stream uids and shard ids that arrive from elsewhere are checked against {@link #ID} before they name a
 * path: letters, digits, '-' and '_', so no id climbs out of the root or names a copy.
 */
public final class ShardDirectories {
  static final String INCOMING_SUFFIX = ".incoming";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

  private ShardDirectories() { }

  static boolean isId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** The id, or an IllegalArgumentException saying what is wrong with it. */
  static String checkId(String what, String id) {
    if (!isId(id)) throw new IllegalArgumentException("not a " + what + ": " + id);
    return id;
  }

  static Path log(Path root, String uid, String shardId) {
    return root.resolve(uid).resolve(shardId);
  }

  static Path incoming(Path root, String uid, String shardId) {
    return root.resolve(checkId("stream uid", uid)).resolve(checkId("shard id", shardId) + INCOMING_SUFFIX);
  }

  static Path setAside(Path root, String uid, String shardId, long epochMillis) {
    return root.resolveSibling("unlisted").resolve(uid).resolve(shardId + "." + epochMillis);
  }

  static boolean isIncoming(Path directory) {
    return directory.getFileName().toString().endsWith(INCOMING_SUFFIX);
  }

  /** Makes the directory's entries durable. */
  static void sync(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Deletes the directory and everything in it, if it is there. */
  public static void deleteTree(Path directory) throws IOException {
    if (!Files.exists(directory)) return;
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
    }
  }
}
