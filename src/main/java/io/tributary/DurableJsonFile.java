package io.tributary;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A JSON file replaced atomically: the new content goes to {@code <name>.tmp}, is fsynced, renamed over the
 * file, and the directory is fsynced, so a crash leaves the old or the new content, never a torn one.
 * Blocking: call on a worker.
 */
public final class DurableJsonFile {
  private final Path file;
  private final Path temporary;

  public DurableJsonFile(Path file) {
    this.file = file;
    this.temporary = file.resolveSibling(file.getFileName() + ".tmp");
  }

  /** The content, or null when the file does not exist. */
  public JsonObject read() {
    try {
      return Files.exists(file) ? new JsonObject(Files.readString(file)) : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  public void write(JsonObject content) {
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(content.encodePrettily().getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) channel.write(buffer);
        channel.force(true);
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        directory.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  public void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file, e);
    }
  }
}
