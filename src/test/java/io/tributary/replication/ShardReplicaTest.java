package io.tributary.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.log.FileShardLog;
import io.tributary.log.LogConfig;
import io.tributary.log.ShardLog;
import io.tributary.log.StoredRecord;
import io.tributary.log.WriterFence;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.protocol.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica applies committed entries in order, skips on a replay what its log already holds, and seals. */
class ShardReplicaTest {
  @TempDir
  Path directory;
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void entriesLandInOrderAndAReplayFromTheSnapshotsEndsWritesNothingTwice() throws Exception {
    ShardReplica replica = open(0);
    assertEquals(0, firstOffset(apply(replica, append(1, "a", "b"))));
    assertEquals(2, firstOffset(apply(replica, append(2, "c", "d"))));
    assertEquals(4, firstOffset(apply(replica, append(3, "e", "f"))));
    onContext(replica::close);

    // The snapshot covered the first entry: the other two are applied again after the restart.
    ShardReplica restarted = open(2);
    assertEquals(2, firstOffset(apply(restarted, append(2, "c", "d"))));
    assertEquals(4, firstOffset(apply(restarted, append(3, "e", "f"))));
    assertEquals(6, firstOffset(apply(restarted, append(4, "g"))));
    assertEquals(List.of("a", "b", "c", "d", "e", "f", "g"), readAll(restarted));
    onContext(restarted::close);
  }

  @Test
  void anEntryThatWouldLandInsideWhatTheLogHeldStopsTheReplica() throws Exception {
    ShardReplica replica = open(0);
    apply(replica, append(1, "a", "b"));
    onContext(replica::close);
    ShardReplica wrong = open(1);
    ExecutionException refused = assertThrows(ExecutionException.class, () -> apply(wrong, append(2, "x", "y")));
    assertInstanceOf(IllegalStateException.class, refused.getCause());
    onContext(wrong::close);
  }

  @Test
  void aSealedReplicaRefusesAppendsAndKeepsItsSealAcrossARestart() throws Exception {
    ShardReplica replica = open(0);
    apply(replica, append(1, "a"));
    assertEquals(1, firstOffset(apply(replica, seal(2))), "a seal answers the end");
    ByteBuffer refused = apply(replica, append(3, "b")).getContent().asReadOnlyByteBuffer();
    assertEquals(ShardEntries.SEALED, refused.get());
    onContext(replica::close);
    ShardReplica restarted = open(1);
    assertTrue(restarted.sealed());
    assertEquals(List.of("a"), readAll(restarted));
    onContext(restarted::close);
  }

  @Test
  void anAppendThatCarriesAnEarlierArrivalTakesTheLastOnes() throws Exception {
    ShardReplica replica = open(0);
    long now = System.currentTimeMillis();
    apply(replica, append(1, now, "late-clock"));
    ByteBuffer outcome = apply(replica, append(2, now - 500, "early-clock")).getContent().asReadOnlyByteBuffer();
    assertEquals(ShardEntries.APPLIED, outcome.get());
    assertEquals(1, outcome.getLong());
    assertEquals(now, outcome.getLong(), "the arrival it was stored with");
    ShardLog.Page page = onContext(() -> replica.log().read(0, 10, 1 << 20));
    assertEquals(List.of(now, now), page.records().stream().map(StoredRecord::arrivalMillis).toList());
    onContext(replica::close);
  }

  @Test
  void aReplicaReopenedOnACopyOfTheLeadersLogSkipsWhatTheCopyHoldsAndTakesItsSeal() throws Exception {
    Path leaderLog = directory.resolve("leader");
    ShardReplica leader = onContext(() -> ShardReplica.open(vertx, leaderLog,
        FileShardLog.open(vertx, leaderLog, LogConfig.defaults(), Clock.systemUTC()), 0, Map.of()));
    apply(leader, append(1, "a", "b"));
    apply(leader, append(2, "c"));
    onContext(leader::close);

    Path replicaLog = directory.resolve("replica");
    ShardReplica replica = onContext(() -> ShardReplica.open(vertx, replicaLog,
        FileShardLog.open(vertx, replicaLog, LogConfig.defaults(), Clock.systemUTC()), 0, Map.of()));
    apply(replica, append(9, "stale"));
    List<Runnable> told = new java.util.ArrayList<>();
    replica.onGrown(() -> told.add(() -> { }));
    onContext(replica::close);
    // The copy holds entries 1 and 2; the snapshot it was taken for ends after entry 1.
    ShardLog copied = onContext(() -> FileShardLog.open(vertx, leaderLog, LogConfig.defaults(), Clock.systemUTC()));
    reopen(replica, copied, 2, false);
    assertEquals(1, told.size(), "the reader was told the replica grew");
    assertEquals(2, firstOffset(apply(replica, append(2, "c"))), "entry 2, applied again, is skipped");
    assertEquals(3, firstOffset(apply(replica, append(3, "d"))));
    assertEquals(List.of("a", "b", "c", "d"), readAll(replica));
    onContext(replica::close);

    // A snapshot that has the shard sealed: what comes after is refused, as the leader refused it.
    ShardLog again = onContext(() -> FileShardLog.open(vertx, leaderLog, LogConfig.defaults(), Clock.systemUTC()));
    reopen(replica, again, 4, true);
    assertTrue(replica.sealed());
    assertEquals(ShardEntries.SEALED, apply(replica, append(4, "e")).getContent().asReadOnlyByteBuffer().get());
    onContext(replica::close);
  }

  @Test
  void aFencedOffGenerationIsRefusedOnEveryReplayAndTakesNoRoomInTheLog() throws Exception {
    WriterFence first = new WriterFence("mirror/m", 1);
    WriterFence second = new WriterFence("mirror/m", 2);
    ShardReplica replica = open(0);
    assertEquals(0, firstOffset(apply(replica, append(1, first, "a"))), "no fence yet");
    assertEquals(1, firstOffset(apply(replica, fence(2, second))), "a fence answers the end");
    assertEquals(ShardEntries.FENCED, kind(apply(replica, append(3, first, "late"))));
    assertEquals(1, firstOffset(apply(replica, append(4, second, "b"))));
    assertEquals(2, firstOffset(apply(replica, append(5, "c"))), "another writer's append is no writer's");
    assertEquals(Map.of("mirror/m", 2L), replica.fences());
    onContext(replica::close);

    // After a restart from a snapshot before the fence, the same entries are applied again: the same outcomes.
    ShardReplica restarted = open(1);
    assertEquals(1, firstOffset(apply(restarted, fence(2, second))));
    assertEquals(ShardEntries.FENCED, kind(apply(restarted, append(3, first, "late"))),
        "refused again, not counted as held by the log");
    assertEquals(1, firstOffset(apply(restarted, append(4, second, "b"))));
    assertEquals(2, firstOffset(apply(restarted, append(5, "c"))));
    onContext(restarted::close);

    // From a snapshot after the fence, the fence comes with the snapshot.
    ShardReplica fenced = onContext(() -> ShardReplica.open(vertx, directory,
        FileShardLog.open(vertx, directory, LogConfig.defaults(), Clock.systemUTC()), 3, Map.of("mirror/m", 2L)));
    assertEquals(ShardEntries.FENCED, kind(apply(fenced, append(6, first, "later"))));
    assertEquals(List.of("a", "b", "c"), readAll(fenced));
    onContext(fenced::close);
  }

  private void reopen(ShardReplica replica, ShardLog copied, long snapshotEnd, boolean sealed) throws Exception {
    onContext(() -> {
      replica.reopen(copied, snapshotEnd, sealed, Map.of());
      return Future.succeededFuture();
    });
  }

  private ShardReplica open(long snapshotEnd) throws Exception {
    return onContext(() -> ShardReplica.open(vertx, directory,
        FileShardLog.open(vertx, directory, LogConfig.defaults(), Clock.systemUTC()), snapshotEnd, Map.of()));
  }

  private static byte kind(Message outcome) {
    return outcome.getContent().asReadOnlyByteBuffer().get();
  }

  private static ShardEntries.Entry fence(long id, WriterFence fence) {
    return ShardEntries.decode(ShardEntries.fence("tributary.shard.uid/shardId-000000000000", 7, id, fence));
  }

  private static ShardEntries.Entry append(long id, WriterFence fence, String... data) {
    List<ShardLog.Entry> records = java.util.Arrays.stream(data)
        .map(text -> new ShardLog.Entry(System.currentTimeMillis(), "key", text.getBytes(StandardCharsets.UTF_8))).toList();
    return ShardEntries.decode(ShardEntries.append("tributary.shard.uid/shardId-000000000000", 7, id, records, fence));
  }

  private Message apply(ShardReplica replica, ShardEntries.Entry entry) throws Exception {
    return onContext(() -> replica.apply(entry));
  }

  private List<String> readAll(ShardReplica replica) throws Exception {
    ShardLog.Page page = onContext(() -> replica.log().read(0, 100, 1 << 20));
    return page.records().stream().map(StoredRecord::data)
        .map(data -> new String(data, StandardCharsets.UTF_8)).toList();
  }

  private static ShardEntries.Entry append(long id, String... data) {
    return append(id, System.currentTimeMillis(), data);
  }

  private static ShardEntries.Entry append(long id, long arrival, String... data) {
    List<ShardLog.Entry> records = java.util.Arrays.stream(data)
        .map(text -> new ShardLog.Entry(arrival, "key", text.getBytes(StandardCharsets.UTF_8))).toList();
    return ShardEntries.decode(ShardEntries.append("tributary.shard.uid/shardId-000000000000", 7, id, records));
  }

  private static ShardEntries.Entry seal(long id) {
    return ShardEntries.decode(ShardEntries.seal("tributary.shard.uid/shardId-000000000000", 7, id));
  }

  private static long firstOffset(Message outcome) {
    ByteBuffer content = outcome.getContent().asReadOnlyByteBuffer();
    assertEquals(ShardEntries.APPLIED, content.get());
    return content.getLong();
  }

  private <T> T onContext(Supplier<Future<T>> call) throws Exception {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(done));
    return done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
