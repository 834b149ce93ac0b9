package io.tributary.replication;

import io.tributary.log.ShardLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import org.apache.ratis.protocol.Message;

/**
 * This node's copy of one shard's log in a replicated cluster: the shard group applies the shard's committed
 * entries to it, in the group's order, on the group's context (the only one that touches it). So its log
 * holds exactly the committed records, at the same offsets on every replica, and nothing a leader wrote that
 * was not committed is ever readable here.
 *
 * <p>A sealed shard (closed by a reshard) refuses appends on every replica from the seal on; the seal is kept
 * in a file, {@code sealed}, beside the log's segments.
 */
final class ShardReplica {
  private static final String SEALED_FILE = "sealed";
  private final Vertx vertx;
  private final ShardLog log;
  private final Path sealedMarker;
  /** Where the next applied append starts: the log's end plus the appends applied and not yet durable. */
  private volatile long nextOffset;
  private volatile boolean sealed;
  /** The newest append: the log acknowledges in order, so when it is done every earlier one is too. */
  private Future<?> lastAppend = Future.succeededFuture();
  /** Told, on the group's context, each time applied records become readable. */
  private volatile Runnable grown = () -> { };

  private ShardReplica(Vertx vertx, ShardLog log, Path directory, boolean sealed) {
    this.vertx = vertx;
    this.log = log;
    this.sealedMarker = directory.resolve(SEALED_FILE);
    this.nextOffset = log.endOffset();
    this.sealed = sealed;
  }

  /** Opens the replica around its opened log; to be called on the group's context. */
  static Future<ShardReplica> open(Vertx vertx, Path directory, Future<? extends ShardLog> opened) {
    return opened.compose(log -> vertx.fileSystem().exists(directory.resolve(SEALED_FILE).toString())
        .map(sealed -> new ShardReplica(vertx, log, directory, sealed)));
  }

  ShardLog log() {
    return log;
  }

  /** Where the next append applied here lands (read from another context: a hint, checked when applied). */
  long nextOffset() {
    return nextOffset;
  }

  boolean sealed() {
    return sealed;
  }

  void onGrown(Runnable listener) {
    grown = listener;
  }

  /**
   * Applies a committed entry: an append lands only at its base offset and only while the shard is not sealed.
   * Completes with the outcome once what it applied is durable (at once when it applies nothing); fails when the
   * log cannot take it, which stops this replica until the node restarts and replays the entry.
   */
  Future<Message> apply(ShardEntries.Entry entry) {
    if (entry.kind() == ShardEntries.SEAL) {
      if (sealed) return Future.succeededFuture(ShardEntries.applied(nextOffset));
      sealed = true;
      long end = nextOffset;
      return lastAppend.transform(appended -> vertx.executeBlocking(() -> {
        writeSealedMarker();
        return ShardEntries.applied(end);
      }, false));
    }
    if (sealed) return Future.succeededFuture(ShardEntries.refused(ShardEntries.SEALED));
    if (entry.baseOffset() != nextOffset) return Future.succeededFuture(ShardEntries.refused(ShardEntries.MISPLACED));
    nextOffset += entry.records().size();
    Future<Long> appended = log.append(entry.records());
    lastAppend = appended;
    return appended.map(first -> {
      grown.run();
      return ShardEntries.applied(first);
    });
  }

  Future<Void> close() {
    return log.close();
  }

  private void writeSealedMarker() throws java.io.IOException {
    try (FileChannel channel = FileChannel.open(sealedMarker, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    try (FileChannel directory = FileChannel.open(sealedMarker.getParent(), StandardOpenOption.READ)) {
      directory.force(true);
    }
  }
}
