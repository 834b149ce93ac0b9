package io.tributary.shard;

import io.tributary.log.LogFiles;
import io.tributary.log.LogFiles.SegmentFile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the files of this node's shard logs to a node copying one ({@link ShardLogCopy}), on the
 * event-bus address {@code tributary.shard-files.<node name>}. Requests and answers:
 * <pre>
 *   {"op":"list","uid":u,"shard":s}
 *     → {"files":[{"name":"00000000000000001234.log","size":n,"sealed":true|false}, ...]}  by name
 *   {"op":"read","uid":u,"shard":s,"name":f,"offset":n,"length":n}
 *     → a Buffer of the bytes from offset: at most length and at most 1 MiB; empty at or past the end
 * </pre>
 * A file is sealed when its segment is not the newest: it never changes again, though retention may
 * delete it. Index files whose segment is gone are not listed. Failures, as reply failure codes:
 * {@value #BAD_REQUEST} a request that is not one of these (unknown op, a uid or shard id that is not an
 * id, a name that is not a segment file's, a negative offset or length), {@value #NOT_FOUND} no such log
 * or file (a file retention deleted), {@value #IO_ERROR} the disk failed. Files are read on the worker
 * executor given, never on the event loop.
 */
public final class ShardFileServer {
  private static final Logger LOG = LoggerFactory.getLogger(ShardFileServer.class);
  public static final String ADDRESS_PREFIX = "tributary.shard-files.";
  public static final int MAX_CHUNK_BYTES = 1024 * 1024;
  public static final int BAD_REQUEST = 400;
  public static final int NOT_FOUND = 404;
  public static final int IO_ERROR = 500;

  private final Vertx vertx;
  private final WorkerExecutor files;
  private final Path root;
  private final String address;
  private MessageConsumer<Object> consumer;

  /**
   * @param root the shards root, {@code <data dir>/shards}
   * @param nodeName this node's name, as other nodes address it
   */
  public ShardFileServer(Vertx vertx, WorkerExecutor files, Path root, String nodeName) {
    this.vertx = vertx;
    this.files = files;
    this.root = root;
    this.address = address(nodeName);
  }

  public static String address(String nodeName) {
    return ADDRESS_PREFIX + nodeName;
  }

  /** Starts answering; completes once the address is registered across the cluster. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(address, this::handle);
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** A request refused with a reply failure code. */
  private static final class Refused extends RuntimeException {
    final int code;

    Refused(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  private void handle(Message<Object> message) {
    Future<Object> answer;
    try {
      answer = answer(message.body());
    } catch (RuntimeException e) { // a refusal, or a fault of this code: either way the requester hears of it now
      answer = Future.failedFuture(e);
    }
    answer.onComplete(done -> {
      if (done.succeeded()) {
        message.reply(done.result());
      } else if (done.cause() instanceof Refused refused) {
        message.fail(refused.code, refused.getMessage());
      } else if (done.cause() instanceof NoSuchFileException gone) {
        message.fail(NOT_FOUND, "no such file: " + (gone.getFile() == null ? "?" : Path.of(gone.getFile()).getFileName()));
      } else {
        LOG.warn("Could not serve a shard file request {}", message.body(), done.cause());
        message.fail(IO_ERROR, String.valueOf(done.cause()));
      }
    });
  }

  private Future<Object> answer(Object body) {
    if (!(body instanceof JsonObject request)) throw new Refused(BAD_REQUEST, "a request is a JSON object");
    Path directory = shardDirectory(request);
    String op = text(request, "op");
    return switch (op) {
      case "list" -> files.<Object>executeBlocking(() -> list(directory), false);
      case "read" -> {
        String name = text(request, "name");
        if (LogFiles.parse(name).isEmpty()) throw new Refused(BAD_REQUEST, "not a segment file: " + name);
        long offset = number(request, "offset");
        int length = (int) Math.min(number(request, "length"), MAX_CHUNK_BYTES);
        yield files.<Object>executeBlocking(() -> read(directory.resolve(name), offset, length), false);
      }
      default -> throw new Refused(BAD_REQUEST, "unknown op: " + op);
    };
  }

  private Path shardDirectory(JsonObject request) {
    String uid = text(request, "uid");
    String shard = text(request, "shard");
    if (!ShardDirectories.isId(uid)) throw new Refused(BAD_REQUEST, "not a stream uid: " + uid);
    if (!ShardDirectories.isId(shard)) throw new Refused(BAD_REQUEST, "not a shard id: " + shard);
    return ShardDirectories.log(root, uid, shard);
  }

  private static String text(JsonObject request, String field) {
    Object value = request.getValue(field);
    if (!(value instanceof String text)) throw new Refused(BAD_REQUEST, "missing text field " + field);
    return text;
  }

  private static long number(JsonObject request, String field) {
    Object value = request.getValue(field);
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 0) {
      throw new Refused(BAD_REQUEST, "field " + field + " must be a whole number, 0 or more");
    }
    return ((Number) value).longValue();
  }

  private JsonObject list(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) throw new Refused(NOT_FOUND, "no log at " + root.relativize(directory));
    List<SegmentFile> segmentFiles = new ArrayList<>();
    try (Stream<Path> entries = Files.list(directory)) {
      for (Path entry : entries.toList()) {
        LogFiles.parse(entry.getFileName().toString()).ifPresent(segmentFiles::add);
      }
    }
    List<Long> bases = segmentFiles.stream().filter(SegmentFile::isLog).map(SegmentFile::baseOffset).toList();
    Optional<Long> newest = bases.stream().max(Comparator.naturalOrder());
    JsonArray listed = new JsonArray();
    segmentFiles.sort(Comparator.comparing(SegmentFile::name));
    for (SegmentFile file : segmentFiles) {
      if (!bases.contains(file.baseOffset())) continue; // an index whose segment retention is deleting
      long size;
      try {
        size = Files.size(directory.resolve(file.name()));
      } catch (NoSuchFileException deletedMeanwhile) {
        continue;
      }
      listed.add(new JsonObject().put("name", file.name()).put("size", size)
          .put("sealed", file.baseOffset() < newest.orElseThrow()));
    }
    return new JsonObject().put("files", listed);
  }

  private static Buffer read(Path file, long offset, int length) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long available = Math.max(0, channel.size() - offset);
      ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(length, available));
      while (bytes.hasRemaining()) {
        if (channel.read(bytes, offset + bytes.position()) < 0) break;
      }
      return bytes.hasRemaining() ? Buffer.buffer().appendBytes(bytes.array(), 0, bytes.position())
          : Buffer.buffer(bytes.array());
    }
  }
}
