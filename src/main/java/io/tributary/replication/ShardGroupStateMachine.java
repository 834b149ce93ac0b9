package io.tributary.replication;

import io.tributary.DurableJsonFile;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shard group's state machine on this node: the shard logs themselves. Each committed entry is applied to
 * its shard's {@link ShardReplica} on the group's context, in log order, so the Raft log only has to hold
 * what the shard logs have not yet made durable.
 *
 * <p>Each entry is applied once however often it reaches the log ({@link AppliedEntryIds}).
 *
 * <p>Every record would be fsynced twice if the shard logs fsynced too: the Raft log already holds each
 * committed entry durably, so a replica's log acknowledges an append once written (fsync {@code never}), and
 * a snapshot forces the group's shard logs before it claims what they hold. A snapshot is the newest entry
 * applied together with all before it, each shard's end there and the entries applied lately:
 * {@code {"index": n, "ends": {address: end}, "applied": {origin: [[id, index]]}}} in Ratis's
 * {@code snapshot.<term>_<index>} file, written once the shard logs are forced (they are the snapshot's
 * contents), after which Ratis may drop those entries (once every member has them, see {@link ShardGroups}).
 * After a restart, or a power loss that took what the shard logs had not forced, Ratis applies the entries
 * after the snapshot again, counting from those ends; an append whose records the log already holds changes
 * nothing ({@link ShardReplica}).
 */
final class ShardGroupStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(ShardGroupStateMachine.class);
  /** How long a snapshot waits for the shard logs to be forced before it gives up until the next. */
  private static final long FORCE_TIMEOUT_SECONDS = 60;

  /** Told what each entry did on this node, on the group's context. */
  interface Applied extends BiConsumer<ShardEntries.Entry, AsyncResult<Message>> { }

  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final Vertx vertx;
  private final Context context;
  private final ReplicaLogs logs;
  private final Applied applied;
  /** The replicas of the group's shards on this node, by shard address; used on the group's context only. */
  private final Map<String, Future<ShardReplica>> replicas = new HashMap<>();
  private volatile DurableWatermark watermark = new DurableWatermark(null, Map.of());
  private volatile AppliedEntryIds appliedIds = new AppliedEntryIds();
  private volatile RaftPeerId leader;
  /** When this node learnt of the current leader ({@link System#nanoTime}). */
  private volatile long leaderSinceNanos = System.nanoTime();

  /** @param context the group's context: every replica of the group is used there only */
  ShardGroupStateMachine(Vertx vertx, Context context, ReplicaLogs logs, Applied applied) {
    this.vertx = vertx;
    this.context = context;
    this.logs = logs;
    this.applied = applied;
  }

  /** The replica of a shard of the group, opened on first use; to be called on the group's context. */
  Future<ShardReplica> replica(String address) {
    return replicas.computeIfAbsent(address, a -> ShardReplica.open(vertx, logs.directory(a), logs.open(a),
        watermark.get().ends().getOrDefault(a, 0L)));
  }

  /** Runs the action on the shard's replica if it is open; on the group's context. */
  void ifOpen(String address, Consumer<ShardReplica> action) {
    Future<ShardReplica> replica = replicas.get(address);
    if (replica != null) replica.onSuccess(action::accept);
  }

  /** Closes the replicas of the shards that match (their logs are about to be deleted); on the group's context. */
  Future<Void> forget(Predicate<String> addresses) {
    List<Future<Void>> closed = new ArrayList<>();
    replicas.entrySet().removeIf(entry -> {
      if (!addresses.test(entry.getKey())) return false;
      watermark.forget(entry.getKey());
      closed.add(entry.getValue().compose(ShardReplica::close));
      return true;
    });
    return Future.join(closed).<Void>mapEmpty().otherwiseEmpty();
  }

  /** The group's leader as this node last heard, or null while there is none. */
  RaftPeerId leader() {
    return leader;
  }

  /** How long the group has had the leader this node knows of, in milliseconds. */
  long leaderForMillis() {
    return (System.nanoTime() - leaderSinceNanos) / 1_000_000;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    getLifeCycle().startAndTransition(() -> {
      super.initialize(server, groupId, raftStorage);
      storage.init(raftStorage);
      SingleFileSnapshotInfo snapshot = storage.getLatestSnapshot();
      if (snapshot != null) {
        JsonObject json = new DurableJsonFile(snapshot.getFile().getPath()).read();
        Map<String, Long> ends = new HashMap<>();
        json.getJsonObject("ends", new JsonObject()).forEach(end -> ends.put(end.getKey(), ((Number) end.getValue()).longValue()));
        setLastAppliedTermIndex(snapshot.getTermIndex());
        watermark = new DurableWatermark(snapshot.getTermIndex(), ends);
        appliedIds = AppliedEntryIds.fromJson(json.getJsonObject("applied"));
      }
    }, IOException.class);
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext transaction) {
    LogEntryProto logEntry = transaction.getLogEntry();
    TermIndex at = TermIndex.valueOf(logEntry);
    ShardEntries.Entry entry = ShardEntries.decode(logEntry.getStateMachineLogEntry().getLogData());
    updateLastAppliedTermIndex(at);
    DurableWatermark durable = watermark;
    durable.applying(at);
    if (!appliedIds.firstTime(entry.origin(), entry.id(), at.getIndex())) {
      durable.durable(at, null, 0);
      return CompletableFuture.completedFuture(ShardEntries.refused(ShardEntries.DUPLICATE));
    }
    CompletableFuture<Message> outcome = new CompletableFuture<>();
    context.runOnContext(v -> replica(entry.address()).compose(replica -> {
          Future<Message> done = replica.apply(entry);
          long endAfter = replica.appliedEnd();
          return done.andThen(result -> {
            if (result.succeeded()) durable.durable(at, entry.address(), endAfter);
          });
        })
        .onComplete(result -> {
          applied.accept(entry, result);
          if (result.succeeded()) {
            outcome.complete(result.result());
          } else {
            LOG.error("entry {} for shard {} could not be applied here; this replica stops until the node restarts",
                at, entry.address(), result.cause());
            outcome.completeExceptionally(result.cause());
          }
        }));
    return outcome;
  }

  /** Entries that are not the state machine's (configurations, a new leader's first entry) count as durable. */
  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    TermIndex at = TermIndex.valueOf(term, index);
    super.notifyTermIndexUpdated(term, index);
    watermark.applying(at);
    watermark.durable(at, null, 0);
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeader) {
    leaderSinceNanos = System.nanoTime();
    leader = newLeader;
  }

  @Override
  public long takeSnapshot() throws IOException {
    DurableWatermark.Snapshot snapshot = watermark.get();
    TermIndex durable = snapshot.at();
    if (durable == null || durable.getIndex() < 0) return RaftLog.INVALID_LOG_INDEX;
    forceReplicas();
    File file = storage.getSnapshotFile(durable.getTerm(), durable.getIndex());
    JsonObject ends = new JsonObject();
    snapshot.ends().forEach(ends::put);
    new DurableJsonFile(file.toPath()).write(new JsonObject().put("index", durable.getIndex()).put("ends", ends)
        .put("applied", appliedIds.toJson(durable.getIndex())));
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), durable));
    return durable.getIndex();
  }

  /**
   * Forces every replica of the group here, on Ratis's thread that takes snapshots (which waits for it): every
   * append applied so far, so every one the snapshot claims, is then durable in the shard logs.
   */
  private void forceReplicas() throws IOException {
    CompletableFuture<Void> forced = new CompletableFuture<>();
    context.runOnContext(v -> {
      List<Future<Void>> all = new ArrayList<>();
      // A replica that did not open had nothing applied to it.
      for (Future<ShardReplica> replica : replicas.values()) {
        all.add(replica.transform(opened -> opened.succeeded() ? opened.result().force() : Future.succeededFuture()));
      }
      Future.all(all).onComplete(done -> {
        if (done.succeeded()) {
          forced.complete(null);
        } else {
          forced.completeExceptionally(done.cause());
        }
      });
    });
    try {
      forced.get(FORCE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while forcing the shard logs of group " + getGroupId());
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("the shard logs of group " + getGroupId() + " could not be forced; no snapshot yet", e);
    }
  }

  /**
   * A member only falls this far behind when it was added to a group after the entries it lacks were
   * dropped, which a static group never does (Ratis keeps every entry a member has not committed).
   */
  @Override
  public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(RoleInfoProto roleInfo, TermIndex firstInLog) {
    return CompletableFuture.failedFuture(new IllegalStateException("shard group " + getGroupId()
        + " asked this node to install a snapshot up to " + firstInLog + "; shard logs are not copied that way"));
  }
}
