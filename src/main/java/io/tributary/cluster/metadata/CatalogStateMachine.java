package io.tributary.cluster.metadata;

import io.tributary.DurableJsonFile;
import io.tributary.ReloadableStateMachine;
import io.tributary.shard.ShardOwnership;
import io.tributary.stream.StreamCatalog;
import io.tributary.stream.StreamCatalogFile;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
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

/**
 * The catalog as the metadata group's entries make it: a compare-and-set register. An entry changes the
 * catalog (or replaces it whole) only if it is based on the version the catalog is at (which then goes up
 * by one); otherwise it changes nothing and its outcome tells the writer what the catalog holds instead. Every voter applies the
 * same entries in the same order, so all agree, and each hands what it applied to its node's
 * {@link Listener}.
 *
 * <p>The same register holds the shard ownership (which node owns each shard, and the moves under way):
 * an entry replaces it whole, under the same versions, so that an ownership change is computed against the
 * very catalog it is applied to.
 *
 * <p>It also holds the cluster's shared documents ({@link DocumentWriter}): a document write replaces one
 * whatever the version, and leaves the version as it is.
 *
 * <p>A snapshot is one JSON file, {@code {"version": n, "contents": catalog, "ownership": ownership,
 * "documents": {name: document}}}, in the state machine's
 * storage, named after the last entry it covers (Ratis's {@code snapshot.<term>_<index>}, with an MD5 file
 * beside it).
 */
final class CatalogStateMachine extends ReloadableStateMachine {

  /** Told of every catalog this node applies, on Ratis's apply thread, in order. */
  interface Listener {
    void applied(StreamCatalog.Contents contents, long version);
  }

  /** The catalog, the shard ownership and the shared documents after the entries applied so far. */
  record State(long version, StreamCatalog.Contents contents, ShardOwnership ownership,
      Map<String, JsonObject> documents) {
    static final State EMPTY = new State(0, StreamCatalog.Contents.EMPTY, ShardOwnership.NONE, Map.of());
  }

  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private volatile State state = State.EMPTY;
  private volatile Listener listener = (contents, version) -> { };
  private volatile Consumer<ShardOwnership> ownershipListener = ownership -> { };
  private volatile Consumer<Map<String, JsonObject>> documentsListener = documents -> { };

  State state() {
    return state;
  }

  void listen(Listener listener) {
    this.listener = listener;
  }

  /** Told the ownership after every entry applied (at its version), on Ratis's apply thread, in order. */
  void listenOwnership(Consumer<ShardOwnership> listener) {
    this.ownershipListener = listener;
  }

  /** Told the shared documents after every entry that changed them, on Ratis's apply thread, in order. */
  void listenDocuments(Consumer<Map<String, JsonObject>> listener) {
    this.documentsListener = listener;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    getLifeCycle().startAndTransition(() -> {
      super.initialize(server, groupId, raftStorage);
      storage.init(raftStorage);
      load(storage.getLatestSnapshot());
    }, IOException.class);
  }

  /** A snapshot the leader sent (a follower too far behind its log). */
  @Override
  protected void reload() throws IOException {
    load(storage.loadLatestSnapshot());
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext transaction) {
    LogEntryProto entry = transaction.getLogEntry();
    CatalogEntries.Write write = CatalogEntries.write(entry.getStateMachineLogEntry().getLogData());
    State applied = null;
    State documented = null;
    Message outcome;
    synchronized (this) {
      State current = state;
      if (write.document() != null) {
        Map<String, JsonObject> documents = new TreeMap<>(current.documents());
        if (write.value() == null) documents.remove(write.document()); else documents.put(write.document(), write.value());
        documented = new State(current.version(), current.contents(), current.ownership(), Map.copyOf(documents));
        state = documented;
        outcome = CatalogEntries.applied(current.version());
      } else if (write.base() == current.version()) {
        long version = current.version() + 1;
        if (write.ownership() != null) {
          applied = new State(version, current.contents(), OwnershipJson.fromJson(write.ownership(), version),
              current.documents());
        } else {
          StreamCatalog.Contents next = write.contents() != null ? StreamCatalogFile.contentsFromJson(write.contents())
              : CatalogChange.fromJson(write.change()).applyTo(current.contents());
          applied = new State(version, next, current.ownership().at(version), current.documents());
        }
        state = applied;
        outcome = CatalogEntries.applied(applied.version());
      } else {
        outcome = CatalogEntries.refused(current.version(), StreamCatalogFile.contentsToJson(current.contents()));
      }
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    }
    if (applied != null) {
      listener.applied(applied.contents(), applied.version());
      ownershipListener.accept(applied.ownership());
    }
    if (documented != null) documentsListener.accept(documented.documents());
    return CompletableFuture.completedFuture(outcome);
  }

  @Override
  public long takeSnapshot() throws IOException {
    State snapshot;
    TermIndex last;
    synchronized (this) {
      snapshot = state;
      last = getLastAppliedTermIndex();
    }
    if (last == null || last.getIndex() < 0) return RaftLog.INVALID_LOG_INDEX;
    File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
    new DurableJsonFile(file.toPath()).write(new JsonObject().put("version", snapshot.version())
        .put("contents", StreamCatalogFile.contentsToJson(snapshot.contents()))
        .put("ownership", OwnershipJson.toJson(snapshot.ownership()))
        .put("documents", new JsonObject(new TreeMap<>(snapshot.documents()))));
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
    return last.getIndex();
  }

  private void load(SingleFileSnapshotInfo snapshot) throws IOException {
    if (snapshot == null || !Files.exists(snapshot.getFile().getPath())) return;
    File file = snapshot.getFile().getPath().toFile();
    if (snapshot.getFile().getFileDigest() != null) MD5FileUtil.verifySavedMD5(file, snapshot.getFile().getFileDigest());
    JsonObject json = new DurableJsonFile(file.toPath()).read();
    JsonObject contents = json.getJsonObject("contents");
    long version = json.getLong("version");
    synchronized (this) {
      state = new State(version, StreamCatalogFile.contentsFromJson(contents),
          OwnershipJson.fromJson(json.getJsonObject("ownership"), version), documentsOf(json));
      updateLastAppliedTermIndex(snapshot.getTermIndex());
    }
    listener.applied(state.contents(), state.version());
    ownershipListener.accept(state.ownership());
    documentsListener.accept(state.documents());
  }

  /** The shared documents of a snapshot (none in one written before they were kept). */
  private static Map<String, JsonObject> documentsOf(JsonObject snapshot) {
    Map<String, JsonObject> documents = new TreeMap<>();
    snapshot.getJsonObject("documents", new JsonObject()).forEach(document ->
        documents.put(document.getKey(), (JsonObject) document.getValue()));
    return Map.copyOf(documents);
  }
}
