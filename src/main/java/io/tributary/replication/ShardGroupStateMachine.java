package io.tributary.replication;

import io.tributary.DurableJsonFile;
import io.tributary.ReloadableStateMachine;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * applied together with all before it, each shard's end there, the entries applied lately, the shards sealed
 * and each shard's writers' fences: {@code {"index": n, "ends": {address: end}, "applied": {origin: [[id,
 * index]]}, "sealed": [address], "fences": {address: {writer: generation}}}} in Ratis's
 * {@code snapshot.<term>_<index>} file, written once the shard logs are forced (they are the snapshot's
 * contents), after which Ratis may drop those entries (once every member has them, see {@link ShardGroups}).
 * After a restart, or a power loss that took what the shard logs had not forced, Ratis applies the entries
 * after the snapshot again, counting from those ends; an append whose records the log already holds changes
 * nothing ({@link ShardReplica}). A member that lacks entries the leader dropped installs the leader's
 * snapshot: the leader's shard logs, copied ({@link ReplicaCatchUp}).
 */
final class ShardGroupStateMachine extends ReloadableStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(ShardGroupStateMachine.class);
  /** How long a snapshot waits for the shard logs to be forced before it gives up until the next. */
  private static final long FORCE_TIMEOUT_SECONDS = 60;

  /** Told what each entry did on this node, on the group's context. */
  interface Applied extends BiConsumer<ShardEntries.Entry, AsyncResult<Message>> { }

  /** What a member that catches up from the leader's snapshot fetches from the leader's node ({@link ReplicaCatchUp}). */
  interface LeaderSnapshots {
    /** The leader's latest snapshot of the group, as {@link #latestSnapshot} gives it there. */
    Future<JsonObject> latest(RaftPeerId leader, RaftGroupId group);

    /** Copies the shard's log from the leader beside this node's (with the seal marker when sealed). */
    Future<Void> copy(RaftPeerId leader, String shardAddress, boolean sealed);

    /** Puts the copy in place of the shard's log here; the log must not be open. */
    Future<Void> install(String shardAddress);
  }

  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final Vertx vertx;
  private final Context context;
  private final ReplicaLogs logs;
  private final Applied applied;
  private final LeaderSnapshots leaderSnapshots;
  /** The replicas of the group's shards on this node, by shard address; used on the group's context only. */
  private final Map<String, Future<ShardReplica>> replicas = new HashMap<>();
  private volatile DurableWatermark watermark = new DurableWatermark(null, Map.of());
  private volatile AppliedEntryIds appliedIds = new AppliedEntryIds();
  private volatile RaftPeerId leader;
  /** When this node learnt of the current leader ({@link System#nanoTime}). */
  private volatile long leaderSinceNanos = System.nanoTime();

  /** @param context the group's context: every replica of the group is used there only */
  ShardGroupStateMachine(Vertx vertx, Context context, ReplicaLogs logs, Applied applied,
      LeaderSnapshots leaderSnapshots) {
    this.vertx = vertx;
    this.context = context;
    this.logs = logs;
    this.applied = applied;
    this.leaderSnapshots = leaderSnapshots;
  }

  /** The replica of a shard of the group, opened on first use; to be called on the group's context. */
  Future<ShardReplica> replica(String address) {
    DurableWatermark.Snapshot durable = watermark.get();
    return replicas.computeIfAbsent(address, a -> ShardReplica.open(vertx, logs.directory(a), logs.open(a),
        durable.ends().getOrDefault(a, 0L), durable.fences().getOrDefault(a, Map.of())));
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
      loadLatestSnapshot();
    }, IOException.class);
  }

  /** Takes up the latest snapshot (if any) as what this member has applied. */
  private void loadLatestSnapshot() {
    SingleFileSnapshotInfo snapshot = storage.getLatestSnapshot();
    if (snapshot == null) return;
    JsonObject json = new DurableJsonFile(snapshot.getFile().getPath()).read();
    Map<String, Long> ends = new HashMap<>();
    json.getJsonObject("ends", new JsonObject()).forEach(end -> ends.put(end.getKey(), ((Number) end.getValue()).longValue()));
    Set<String> sealed = sealedOf(json);
    setLastAppliedTermIndex(snapshot.getTermIndex());
    watermark = new DurableWatermark(snapshot.getTermIndex(), ends, sealed, fencesOf(json));
    appliedIds = AppliedEntryIds.fromJson(json.getJsonObject("applied"));
  }

  /** The shards a snapshot's description has sealed (none in a snapshot written before seals were kept). */
  private static Set<String> sealedOf(JsonObject description) {
    Set<String> sealed = new HashSet<>();
    description.getJsonArray("sealed", new JsonArray()).forEach(address -> sealed.add((String) address));
    return sealed;
  }

  /** Each shard's writers' fences in a snapshot's description (none in one written before fences were kept). */
  private static Map<String, Map<String, Long>> fencesOf(JsonObject description) {
    Map<String, Map<String, Long>> fences = new HashMap<>();
    description.getJsonObject("fences", new JsonObject()).forEach(shard -> {
      Map<String, Long> generations = new HashMap<>();
      ((JsonObject) shard.getValue()).forEach(writer -> generations.put(writer.getKey(), ((Number) writer.getValue()).longValue()));
      fences.put(shard.getKey(), generations);
    });
    return fences;
  }

  private static JsonObject fencesJson(Map<String, Map<String, Long>> fences) {
    JsonObject json = new JsonObject();
    fences.forEach((shard, generations) -> {
      JsonObject writers = new JsonObject();
      generations.forEach(writers::put);
      json.put(shard, writers);
    });
    return json;
  }

  /** A snapshot installed from the leader ({@link #notifyInstallSnapshotFromLeader}). */
  @Override
  protected void reload() {
    storage.loadLatestSnapshot();
    loadLatestSnapshot();
  }

  /**
   * The latest snapshot of the group here as the member that installs it needs it, or null when there is none:
   * {@code {"term": t, "index": n, "ends": {...}, "applied": {...}, "sealed": [...], "fences": {...}}}. Reads a file.
   */
  JsonObject latestSnapshot() {
    SingleFileSnapshotInfo snapshot = storage.getLatestSnapshot();
    if (snapshot == null) return null;
    return new DurableJsonFile(snapshot.getFile().getPath()).read().put("term", snapshot.getTerm())
        .put("index", snapshot.getIndex());
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
    if (entry.kind() == ShardEntries.NOOP) {
      durable.durable(at, null, 0);
      return CompletableFuture.completedFuture(ShardEntries.applied(0, -1));
    }
    if (!appliedIds.firstTime(entry.origin(), entry.id(), at.getIndex())) {
      durable.durable(at, null, 0);
      return CompletableFuture.completedFuture(ShardEntries.refused(ShardEntries.DUPLICATE));
    }
    CompletableFuture<Message> outcome = new CompletableFuture<>();
    context.runOnContext(v -> replica(entry.address()).compose(replica -> {
          Future<Message> done = replica.apply(entry);
          long endAfter = replica.appliedEnd();
          boolean sealedAfter = replica.sealed();
          Map<String, Long> fencesAfter = entry.kind() == ShardEntries.FENCE ? replica.fences() : null;
          return done.andThen(result -> {
            if (result.succeeded()) durable.durable(at, entry.address(), endAfter, sealedAfter, fencesAfter);
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
    JsonObject ends = new JsonObject();
    snapshot.ends().forEach(ends::put);
    writeSnapshot(durable, new JsonObject().put("index", durable.getIndex()).put("ends", ends)
        .put("applied", appliedIds.toJson(durable.getIndex())).put("sealed", new JsonArray(List.copyOf(snapshot.sealed())))
        .put("fences", fencesJson(snapshot.fences())));
    return durable.getIndex();
  }

  /** Writes the snapshot's file (the JSON of the class comment) and makes it the latest. */
  private void writeSnapshot(TermIndex at, JsonObject description) throws IOException {
    File file = storage.getSnapshotFile(at.getTerm(), at.getIndex());
    new DurableJsonFile(file.toPath()).write(description);
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), at));
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
   * This member lacks entries the leader no longer keeps (its disk was lost, or it joined after the others
   * moved on): it takes the leader's latest snapshot. The shard logs it lists are copied from the leader's
   * node and installed in place of this node's, one after another, then the snapshot's description is written
   * here as this member's latest snapshot, and Ratis goes on with the entries after it (see
   * {@link #reinitialize}). A crash in between leaves the snapshot before, with logs that hold more than it
   * says, which the entries applied again skip; the leader asks again until a snapshot is installed.
   */
  @Override
  public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(RoleInfoProto roleInfo, TermIndex firstInLog) {
    RaftPeerId leader = RaftPeerId.valueOf(roleInfo.getFollowerInfo().getLeaderInfo().getId().getId());
    LOG.info("Shard group {} catches up here from a snapshot of {}: the leader's log starts at {}", getGroupId(),
        leader, firstInLog);
    CompletableFuture<TermIndex> installed = new CompletableFuture<>();
    context.runOnContext(v -> Future.<Void>succeededFuture()
        .compose(w -> leaderSnapshots.latest(leader, getGroupId()))
        .compose(snapshot -> installLogs(leader, snapshot).compose(w -> vertx.executeBlocking(() -> {
          TermIndex at = TermIndex.valueOf(snapshot.getLong("term"), snapshot.getLong("index"));
          JsonObject description = snapshot.copy();
          description.remove("term");  // it is in the file's name
          writeSnapshot(at, description);
          return at;
        }, false)))
        .onComplete(result -> {
          if (result.succeeded()) {
            LOG.info("Shard group {} installed the snapshot at {} from {}", getGroupId(), result.result(), leader);
            installed.complete(result.result());
          } else {
            LOG.warn("Shard group {} could not install a snapshot from {}; it tries again when asked again",
                getGroupId(), leader, result.cause());
            installed.completeExceptionally(result.cause());
          }
        }));
    return installed;
  }

  /** Copies and installs each shard log the snapshot lists, one at a time; on the group's context. */
  private Future<Void> installLogs(RaftPeerId leader, JsonObject snapshot) {
    JsonObject ends = snapshot.getJsonObject("ends", new JsonObject());
    Set<String> sealed = sealedOf(snapshot);
    Map<String, Map<String, Long>> fences = fencesOf(snapshot);
    Future<Void> chain = Future.succeededFuture();
    for (String address : ends.fieldNames()) {
      long end = ends.getLong(address);
      boolean sealedThere = sealed.contains(address);
      Map<String, Long> fencesThere = fences.getOrDefault(address, Map.of());
      chain = chain.compose(v -> leaderSnapshots.copy(leader, address, sealedThere))
          .compose(v -> installLog(address, end, sealedThere, fencesThere));
    }
    return chain;
  }

  /**
   * Puts a copied log in place of the shard's log here. A replica open here (a verticle may be reading it)
   * goes on with the copy; on the group's context.
   */
  private Future<Void> installLog(String address, long end, boolean sealedThere, Map<String, Long> fencesThere) {
    Future<ShardReplica> open = replicas.get(address);
    if (open == null) return leaderSnapshots.install(address);
    return open.transform(opened -> {
      if (opened.failed()) {
        replicas.remove(address);  // opened again, from the copy, when next used
        return leaderSnapshots.install(address);
      }
      ShardReplica replica = opened.result();
      return replica.close()
          .compose(v -> leaderSnapshots.install(address))
          .compose(v -> logs.open(address))
          .onSuccess(copied -> replica.reopen(copied, end, sealedThere, fencesThere))
          .onFailure(failed -> replicas.remove(address))
          .mapEmpty();
    });
  }
}
