package io.tributary.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
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
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;

/**
 * The least a Raft group's state machine can do, so that a benchmark of many groups measures Ratis and not the
 * state machine: it counts the entries it applied and their bytes. A snapshot is one text line,
 * {@code "<entries> <bytes>"}, in Ratis's {@code snapshot.<term>_<index>} file with its MD5 beside it.
 * {@link #APPLIED} counts the entries every group of this process applied.
 */
final class CountingStateMachine extends BaseStateMachine {
  /** Entries applied by every group of this process. */
  static final AtomicLong APPLIED = new AtomicLong();

  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private long entries;
  private long bytes;

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
    if (latest != null) {
      String[] counts = Files.readString(latest.getFile().getPath()).trim().split(" ");
      synchronized (this) {
        entries = Long.parseLong(counts[0]);
        bytes = Long.parseLong(counts[1]);
      }
      updateLastAppliedTermIndex(latest.getTermIndex());
    }
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public SingleFileSnapshotInfo getLatestSnapshot() {
    return storage.getLatestSnapshot();
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext transaction) {
    LogEntryProto entry = transaction.getLogEntry();
    synchronized (this) {
      entries++;
      bytes += entry.getStateMachineLogEntry().getLogData().size();
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    }
    APPLIED.incrementAndGet();
    return CompletableFuture.completedFuture(Message.EMPTY);
  }

  @Override
  public long takeSnapshot() throws IOException {
    long snapshotEntries;
    long snapshotBytes;
    TermIndex last;
    synchronized (this) {
      snapshotEntries = entries;
      snapshotBytes = bytes;
      last = getLastAppliedTermIndex();
    }
    if (last == null || last.getIndex() < 0) return RaftLog.INVALID_LOG_INDEX;
    File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
    Files.writeString(file.toPath(), snapshotEntries + " " + snapshotBytes + "\n", StandardCharsets.US_ASCII);
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
    return last.getIndex();
  }
}
