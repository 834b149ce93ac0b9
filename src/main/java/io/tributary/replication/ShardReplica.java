package io.tributary.replication;

import io.tributary.log.ShardLog;
import io.tributary.log.WriterFence;
import io.tributary.log.WriterFences;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.ratis.protocol.Message;

/**
 * This node's copy of one shard's log in a replicated cluster: the shard group applies the shard's committed
 * entries to it, in the group's order, on the group's context (the only one that touches it). So its log
 * holds exactly the committed records, at the same offsets on every replica, and nothing a leader wrote that
 * was not committed is ever readable here.
 *
 * <p>Arrival times never go back in a shard's log, though appends reach the group from every node that keeps
 * the shard, each stamped with its own clock: an append that carries an earlier arrival than the last record
 * applied takes that record's.
 *
 * <p>After a restart the group applies again the entries past its last snapshot, some of which the log
 * already holds: the replica counts where each entry's records land from the end the snapshot recorded, and
 * an entry whose records the log already holds changes nothing.
 *
 * <p>A sealed shard (closed by a reshard) refuses appends on every replica from the seal on; the seal is kept
 * in a file, {@code sealed}, beside the log's segments.
 *
 * <p>A writer's fence ({@link WriterFence}) is an entry too: from it on, every replica refuses the appends of
 * the writer's earlier generations. The fences are kept in the group's snapshots, as the shard's end is.
 */
final class ShardReplica {
  static final String SEALED_FILE = "sealed";
  private final Vertx vertx;
  /** The log; another once a copy of the leader's is installed in its place ({@link #reopen}). */
  private volatile ShardLog log;
  private final Path sealedMarker;
  /** The log's end when it was opened: entries that land before it were applied before a restart. */
  private long recoveredEnd;
  /** Where the next applied append lands: the end of every entry applied so far, durable or not. */
  private volatile long appliedEnd;
  /** The arrival time of the last record applied: appends from different nodes may carry earlier ones. */
  private long lastArrival;
  private volatile boolean sealed;
  /** Writers' fences, as of the entries applied so far. */
  private WriterFences fences;
  /** The newest append: the log acknowledges in order, so when it is done every earlier one is too. */
  private Future<?> lastAppend = Future.succeededFuture();
  /** Told, on the group's context, each time applied records become readable. */
  private volatile Runnable grown = () -> { };

  private ShardReplica(Vertx vertx, ShardLog log, Path directory, long snapshotEnd, boolean sealed,
      Map<String, Long> snapshotFences) {
    this.vertx = vertx;
    this.log = log;
    this.sealedMarker = directory.resolve(SEALED_FILE);
    this.recoveredEnd = log.endOffset();
    this.appliedEnd = snapshotEnd;
    this.lastArrival = log.lastArrivalMillis();
    this.sealed = sealed;
    this.fences = new WriterFences(snapshotFences);
  }

  /**
   * Opens the replica around its opened log; to be called on the group's context.
   *
   * @param snapshotEnd the shard's end at the group's last snapshot (0 when the snapshot has none)
   * @param snapshotFences the shard's writers' fences at that snapshot
   */
  static Future<ShardReplica> open(Vertx vertx, Path directory, Future<? extends ShardLog> opened, long snapshotEnd,
      Map<String, Long> snapshotFences) {
    return opened.compose(log -> vertx.fileSystem().exists(directory.resolve(SEALED_FILE).toString())
        .map(sealed -> new ShardReplica(vertx, log, directory, snapshotEnd, sealed, snapshotFences)));
  }

  ShardLog log() {
    return log;
  }

  /** The end of every entry applied so far. */
  long appliedEnd() {
    return appliedEnd;
  }

  boolean sealed() {
    return sealed;
  }

  /** The writers' fences as of the entries applied so far. */
  Map<String, Long> fences() {
    return fences.generations();
  }

  void onGrown(Runnable listener) {
    grown = listener;
  }

  /**
   * Applies a committed entry; an append lands at the end of the entries applied before it, unless the shard
   * is sealed. Completes with the outcome once what it applied is durable; fails when the log cannot take it,
   * which stops this replica until the node restarts and applies the entry again.
   */
  Future<Message> apply(ShardEntries.Entry entry) {
    if (entry.kind() == ShardEntries.SEAL) {
      if (sealed) return Future.succeededFuture(ShardEntries.applied(appliedEnd, lastArrival));
      sealed = true;
      long end = appliedEnd;
      long arrival = lastArrival;
      return lastAppend.transform(appended -> vertx.executeBlocking(() -> {
        writeSealedMarker();
        return ShardEntries.applied(end, arrival);
      }, false));
    }
    if (entry.kind() == ShardEntries.FENCE) {
      fences.raise(entry.fence());
      return Future.succeededFuture(ShardEntries.applied(appliedEnd, lastArrival));
    }
    if (sealed) return Future.succeededFuture(ShardEntries.refused(ShardEntries.SEALED));
    // Before the count of what the log held at its start: a refused entry took no room in it.
    if (fences.refuses(entry.fence())) return Future.succeededFuture(ShardEntries.refused(ShardEntries.FENCED));
    long first = appliedEnd;
    int count = entry.records().size();
    if (first + count <= recoveredEnd) {
      appliedEnd = first + count;  // applied before the restart
      return Future.succeededFuture(ShardEntries.applied(first, -1));
    }
    // A log copied from the leader ends between entries too: an append is one batch, and a torn batch at
    // the end of the copy is dropped when the log opens.
    if (first < recoveredEnd) {
      return Future.failedFuture(new IllegalStateException("an entry of " + count + " records lands at " + first
          + ", inside what the log held when it opened (" + recoveredEnd + " records)"));
    }
    appliedEnd = first + count;
    // Every replica applies the same entries from the same log, so each gives the same arrival times.
    long carried = entry.records().get(0).arrivalMillis();
    long arrival = Math.max(carried, lastArrival);
    lastArrival = arrival;
    List<ShardLog.Entry> records = arrival == carried ? entry.records() : entry.records().stream()
        .map(record -> new ShardLog.Entry(arrival, record.partitionKey(), record.data())).toList();
    Future<Long> appended = log.append(records);
    lastAppend = appended;
    return appended.map(offset -> {
      grown.run();
      return ShardEntries.applied(offset, arrival);
    });
  }

  /**
   * Goes on with another log: a copy of the leader's, installed where this one was (a member catching up from
   * the leader's snapshot). The entries after the snapshot land from its end, as after a restart; the verticle
   * reading this replica is told it has grown. On the group's context, with this replica's log closed.
   */
  void reopen(ShardLog copied, long snapshotEnd, boolean sealedThere, Map<String, Long> fencesThere) {
    log = copied;
    recoveredEnd = copied.endOffset();
    appliedEnd = snapshotEnd;
    lastArrival = copied.lastArrivalMillis();
    sealed = sealedThere;
    fences = new WriterFences(fencesThere);
    lastAppend = Future.succeededFuture();
    grown.run();
  }

  /** Makes every applied append durable: the log acknowledges appends once written (see {@link ShardGroupStateMachine}). */
  Future<Void> force() {
    return log.force();
  }

  Future<Void> close() {
    return log.close();
  }

  private void writeSealedMarker() throws IOException {
    try (FileChannel channel = FileChannel.open(sealedMarker, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    try (FileChannel directory = FileChannel.open(sealedMarker.getParent(), StandardOpenOption.READ)) {
      directory.force(true);
    }
  }
}
