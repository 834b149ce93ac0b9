package io.tributary.shard;

import io.tributary.log.LogFiles;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of a shard's move: copies the shard's log from the node that owns it
 * ({@link ShardFileServer} there) into {@code <root>/<uid>/<shard id>.incoming/}, then installs the copy
 * as the shard's log directory. In two phases:
 * <ol>
 *   <li>{@link #copySealed}, while the owner still takes appends: the files of every sealed segment (the
 *       {@code .log} and both indexes), which never change again;</li>
 *   <li>{@link #copyRest}, while the owner holds appends: the active segment's {@code .log} (its indexes are
 *       rebuilt when the log opens) and whatever sealed since phase one. A sealed file already copied with
 *       the size the owner lists is not copied again.</li>
 * </ol>
 * Each phase also drops copies of files the owner no longer has (retention deleted them), so the copy
 * holds exactly the files listed. Then {@link #install} makes the copy durable and swaps it in atomically;
 * {@link #discard} deletes a copy given up. Files move in chunks of {@link ShardFileServer#MAX_CHUNK_BYTES},
 * one request in flight per file and {@value #FILES_AT_ONCE} files at once; all file work runs on the
 * worker executor given.
 *
 * <p>One copy of a shard at a time: the caller runs the phases of a shard in order and never two copies of
 * one shard together; the shard's log must not be open on this node while {@link #install} runs.
 */
public final class ShardLogCopy {
  private static final Logger LOG = LoggerFactory.getLogger(ShardLogCopy.class);
  static final long SEND_TIMEOUT_MILLIS = 30_000;
  static final int FILES_AT_ONCE = 4;

  private final Vertx vertx;
  private final WorkerExecutor files;
  private final Path root;
  private final Clock clock;

  /**
   * @param root the shards root, {@code <data dir>/shards}; logs set aside by {@link #install} go to
   *     {@code <data dir>/unlisted}
   * @param clock names a log set aside by when it was
   */
  public ShardLogCopy(Vertx vertx, WorkerExecutor files, Path root, Clock clock) {
    this.vertx = vertx;
    this.files = files;
    this.root = root;
    this.clock = clock;
  }

  /** Phase one: copies the sealed segments' files of the shard's log on {@code fromNode}. */
  public Future<Void> copySealed(String fromNode, String uid, String shardId) {
    return onContext(() -> copy(fromNode, uid, shardId, false));
  }

  /** Phase two, with appends held at the owner: the active segment's log and anything sealed since phase one. */
  public Future<Void> copyRest(String fromNode, String uid, String shardId) {
    return onContext(() -> copy(fromNode, uid, shardId, true));
  }

  /** Where the copy of a shard's log is made; a file put there beside the log's is installed with them. */
  public Path incoming(String uid, String shardId) {
    return ShardDirectories.incoming(root, uid, shardId);
  }

  /**
   * fsyncs the copy's files and directory, moves the shard's present log directory, if any, aside to
   * {@code <data dir>/unlisted/<uid>/<shard id>.<epoch ms>}, renames the copy to the shard's log directory
   * in one atomic step and fsyncs the directories renamed in.
   */
  public Future<Void> install(String uid, String shardId) {
    return onContext(() -> files.executeBlocking(() -> {
      Path incoming = ShardDirectories.incoming(root, uid, shardId);
      Path log = ShardDirectories.log(root, uid, shardId);
      if (!Files.isDirectory(incoming)) throw new IllegalStateException("no copy of shard " + shardId + " of " + uid);
      try (Stream<Path> copied = Files.list(incoming)) {
        for (Path file : copied.toList()) {
          try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
          }
        }
      }
      ShardDirectories.sync(incoming);
      if (Files.exists(log)) {
        Path aside = ShardDirectories.setAside(root, uid, shardId, clock.millis());
        Files.createDirectories(aside.getParent());
        Files.move(log, aside, StandardCopyOption.ATOMIC_MOVE);
        ShardDirectories.sync(aside.getParent());
        LOG.warn("Moved the log of shard {} of {} aside to {} to install its copy", shardId, uid, aside);
      }
      Files.move(incoming, log, StandardCopyOption.ATOMIC_MOVE);
      ShardDirectories.sync(log.getParent());
      ShardDirectories.sync(root);
      LOG.info("Installed the copied log of shard {} of {}", shardId, uid);
      return null;
    }, false));
  }

  /** Deletes the copy of the shard's log, whole or partial, if there is one. */
  public Future<Void> discard(String uid, String shardId) {
    return onContext(() -> files.executeBlocking(() -> {
      ShardDirectories.deleteTree(ShardDirectories.incoming(root, uid, shardId));
      return null;
    }, false));
  }

  /** A file as the owner lists it. */
  private record SourceFile(String name, long size, boolean sealed) { }

  private Future<Void> copy(String fromNode, String uid, String shardId, boolean rest) {
    Path incoming = ShardDirectories.incoming(root, uid, shardId);
    JsonObject listRequest = new JsonObject().put("op", "list").put("uid", uid).put("shard", shardId);
    return vertx.eventBus().<JsonObject>request(ShardFileServer.address(fromNode), listRequest, sendOptions())
        .map(reply -> sourceFiles(reply.body()))
        .compose(source -> files.executeBlocking(() -> plan(incoming, source, rest), false))
        .compose(toCopy -> {
          List<List<SourceFile>> lanes = new ArrayList<>();
          for (int i = 0; i < Math.min(FILES_AT_ONCE, toCopy.size()); i++) lanes.add(new ArrayList<>());
          for (int i = 0; i < toCopy.size(); i++) lanes.get(i % lanes.size()).add(toCopy.get(i));
          List<Future<Void>> running = new ArrayList<>();
          for (List<SourceFile> lane : lanes) {
            Future<Void> chain = Future.succeededFuture();
            for (SourceFile file : lane) chain = chain.compose(v -> copyFile(fromNode, uid, shardId, incoming, file));
            running.add(chain);
          }
          return Future.join(running).<Void>mapEmpty();
        })
        .onSuccess(v -> LOG.debug("Copied {} of shard {} of {} from {}", rest ? "the rest" : "the sealed segments",
            shardId, uid, fromNode));
  }

  private static List<SourceFile> sourceFiles(JsonObject listing) {
    List<SourceFile> source = new ArrayList<>();
    JsonArray listed = listing.getJsonArray("files");
    for (int i = 0; i < listed.size(); i++) {
      JsonObject file = listed.getJsonObject(i);
      String name = file.getString("name");
      if (LogFiles.parse(name).isEmpty()) throw new IllegalStateException("the owner listed a file that is not a log's: " + name);
      source.add(new SourceFile(name, file.getLong("size"), file.getBoolean("sealed")));
    }
    return source;
  }

  /**
   * On a worker: makes the copy's directory, deletes copies of files the phase does not keep, and returns
   * the files to fetch. Phase one keeps sealed files; phase two also the active segment's {@code .log}.
   */
  private static List<SourceFile> plan(Path incoming, List<SourceFile> source, boolean rest) throws IOException {
    Files.createDirectories(incoming);
    Map<String, Long> copied = new HashMap<>();
    try (Stream<Path> present = Files.list(incoming)) {
      for (Path file : present.toList()) copied.put(file.getFileName().toString(), Files.size(file));
    }
    Set<String> kept = new HashSet<>();
    List<SourceFile> toCopy = new ArrayList<>();
    for (SourceFile file : source) {
      boolean wanted = file.sealed() || (rest && LogFiles.parse(file.name()).orElseThrow().isLog());
      if (!wanted) continue;
      kept.add(file.name());
      Long size = copied.get(file.name());
      if (!file.sealed() || size == null || size != file.size()) toCopy.add(file);
    }
    for (String name : copied.keySet()) {
      if (!kept.contains(name)) Files.deleteIfExists(incoming.resolve(name));
    }
    return toCopy;
  }

  /**
   * Fetches one file from the start to the size listed (less if it shrank meanwhile). A file the owner no
   * longer has (retention deleted it after the listing) is dropped from the copy.
   */
  private Future<Void> copyFile(String fromNode, String uid, String shardId, Path incoming, SourceFile file) {
    Path target = incoming.resolve(file.name());
    return files.<Void>executeBlocking(() -> {
      Files.deleteIfExists(target);
      Files.createFile(target);
      return null;
    }, false).compose(v -> copyFrom(fromNode, uid, shardId, target, file, 0))
        .recover(e -> {
          if (!(e instanceof ReplyException reply) || reply.failureType() != ReplyFailure.RECIPIENT_FAILURE
              || reply.failureCode() != ShardFileServer.NOT_FOUND) {
            return Future.failedFuture(e);
          }
          LOG.info("{} of shard {} of {} is gone from {}; dropped from the copy", file.name(), shardId, uid, fromNode);
          return files.executeBlocking(() -> {
            Files.deleteIfExists(target);
            return null;
          }, false);
        });
  }

  private Future<Void> copyFrom(String fromNode, String uid, String shardId, Path target, SourceFile file, long offset) {
    if (offset >= file.size()) return Future.succeededFuture();
    JsonObject read = new JsonObject().put("op", "read").put("uid", uid).put("shard", shardId).put("name", file.name())
        .put("offset", offset).put("length", (int) Math.min(ShardFileServer.MAX_CHUNK_BYTES, file.size() - offset));
    return vertx.eventBus().<Buffer>request(ShardFileServer.address(fromNode), read, sendOptions())
        .compose(reply -> {
          Buffer chunk = reply.body();
          if (chunk.length() == 0) return Future.succeededFuture(); // the file shrank since it was listed
          return files.<Void>executeBlocking(() -> {
            write(target, offset, chunk);
            return null;
          }, false).compose(v -> copyFrom(fromNode, uid, shardId, target, file, offset + chunk.length()));
        });
  }

  private static void write(Path target, long offset, Buffer chunk) throws IOException {
    try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
      ByteBuffer bytes = ByteBuffer.wrap(chunk.getBytes());
      long position = offset;
      while (bytes.hasRemaining()) position += channel.write(bytes, position);
    }
  }

  private static DeliveryOptions sendOptions() {
    return new DeliveryOptions().setSendTimeout(SEND_TIMEOUT_MILLIS);
  }

  /** Runs the work on the caller's context, so that every step of one copy completes on that one context. */
  private <T> Future<T> onContext(Supplier<Future<T>> work) {
    Context context = vertx.getOrCreateContext();
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        work.get().onComplete(done);
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    return done.future();
  }
}
