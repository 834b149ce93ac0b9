package io.tributary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * The data directory of one server: locked for as long as the server runs (two servers writing one
 * directory would corrupt it), and home of the key that seals shard iterators, so iterators handed out
 * before a restart still work after it.
 *
 * <pre>
 *   .lock          held with an OS file lock while the server runs
 *   iterator.key   16 random bytes, made on first start, readable by the owner only (0600)
 *   streams.json   the stream catalog
 *   shards/        one directory per stream incarnation, one per shard below it
 *   tls/           the TLS port's self-signed certificate (see {@code api.ServerCertificate})
 * </pre>
 */
public final class DataDirectory implements AutoCloseable {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final Path root;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private DataDirectory(Path root, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Creates the directory if needed and locks it; fails if another server holds it. Blocking: call at start. */
  public static DataDirectory open(Path root) {
    try {
      Files.createDirectories(root.resolve("shards"));
      FileChannel channel = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new IllegalStateException("data directory " + root.toAbsolutePath() + " is in use by another server");
      }
      return new DataDirectory(root, channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open data directory " + root.toAbsolutePath(), e);
    }
  }

  public Path root() { return root; }

  public Path shards() { return root.resolve("shards"); }

  /**
   * The iterator key, made on first use. Only the owner may read it: anyone holding it can forge iterators.
   * Made atomically (written to {@code iterator.key.tmp} created 0600, fsynced, renamed, directory fsynced),
   * so a crash never leaves a short or empty key behind. Blocking: call at start.
   */
  public byte[] iteratorKey() {
    Path file = root.resolve("iterator.key");
    try {
      if (Files.exists(file) && Files.size(file) == 16) {
        restrictToOwner(file);
        return Files.readAllBytes(file);
      }
      byte[] key = new byte[16];
      new SecureRandom().nextBytes(key);
      Path temporary = root.resolve("iterator.key.tmp");
      Files.deleteIfExists(temporary);
      try (FileChannel channel = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE), ownerOnly())) {
        ByteBuffer buffer = ByteBuffer.wrap(key);
        while (buffer.hasRemaining()) channel.write(buffer);
        channel.force(true);
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel directory = FileChannel.open(root, StandardOpenOption.READ)) {
        directory.force(true);
      }
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or make " + file, e);
    }
  }

  /** rw------- where the file system has POSIX permissions; nothing elsewhere. */
  private static FileAttribute<?>[] ownerOnly() {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) return new FileAttribute<?>[0];
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)};
  }

  /** Tightens a key made world-readable by an earlier version. */
  private static void restrictToOwner(Path file) throws IOException {
    if (Files.getFileAttributeView(file, PosixFileAttributeView.class) == null) return;
    if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) Files.setPosixFilePermissions(file, OWNER_ONLY);
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
