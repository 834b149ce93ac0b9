package io.tributary.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.log.FileShardLog;
import io.tributary.log.FsyncPolicy;
import io.tributary.log.LogConfig;
import io.tributary.log.ShardLog;
import io.tributary.log.StoredRecord;
import io.tributary.support.LoopbackCluster;
import io.tributary.support.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shard's log copied from the node that owns it to another node over the clustered event bus: sealed
 * segments first while the owner appends, then the rest, then installed; the copy opens as the same log.
 */
class ShardLogCopyTest {
  private static final String UID = "abcdefghij0123456789";
  private static final String SHARD = "shardId-000000000003";
  private static final long HOUR = 3_600_000;

  @TempDir
  Path temp;
  private LoopbackCluster cluster;
  private Vertx a;
  private Vertx b;
  private Path rootA;
  private Path rootB;
  private ShardLogCopy copy;
  private final MutableClock clock = new MutableClock();
  private final Random random = new Random(7);
  /** Names of the files node A was asked to read, in order. */
  private final ConcurrentLinkedQueue<String> reads = new ConcurrentLinkedQueue<>();
  /** Files of node A's log deleted just before their first read reaches A's server: retention racing a copy. */
  private final Set<String> deleteBeforeRead = ConcurrentHashMap.newKeySet();
  private final List<FileShardLog> logs = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    cluster = new LoopbackCluster();
    a = cluster.startNode().await(20, TimeUnit.SECONDS);
    b = cluster.startNode().await(20, TimeUnit.SECONDS);
    rootA = temp.resolve("a").resolve("shards");
    rootB = temp.resolve("b").resolve("shards");
    WorkerExecutor filesA = a.createSharedWorkerExecutor("shard-files-a", 2);
    WorkerExecutor filesB = b.createSharedWorkerExecutor("shard-files-b", 2);
    a.eventBus().addInboundInterceptor(delivery -> {
      if (delivery.message().body() instanceof JsonObject request && "read".equals(request.getString("op"))) {
        reads.add(request.getString("name"));
        if (deleteBeforeRead.remove(request.getString("name"))) {
          try {
            Files.delete(rootA.resolve(UID).resolve(SHARD).resolve(request.getString("name")));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
      delivery.next();
    });
    new ShardFileServer(a, filesA, rootA, "node-a").start().await(20, TimeUnit.SECONDS);
    copy = new ShardLogCopy(b, filesB, rootB, clock);
  }

  @AfterEach
  void stop() throws Exception {
    for (FileShardLog log : logs) log.close().await(20, TimeUnit.SECONDS);
    cluster.close();
  }

  private static LogConfig config() {
    return LogConfig.defaults().withFsync(new FsyncPolicy.Never()).withSegmentBytes(4096).withIndexIntervalBytes(512)
        .withRetention(HOUR, 50);
  }

  private FileShardLog open(Vertx node, Path root) throws Exception {
    return open(node, root, config());
  }

  private FileShardLog open(Vertx node, Path root, LogConfig config) throws Exception {
    FileShardLog log = FileShardLog.open(node, root.resolve(UID).resolve(SHARD), config, clock)
        .await(20, TimeUnit.SECONDS);
    logs.add(log);
    return log;
  }

  /** Appends batches of a few records of random sizes, arriving now. */
  private void append(ShardLog log, int batches) throws Exception {
    append(log, batches, 400);
  }

  private void append(ShardLog log, int batches, int maxRecordBytes) throws Exception {
    for (int i = 0; i < batches; i++) {
      List<ShardLog.Entry> entries = new ArrayList<>();
      for (int j = 0, n = 1 + random.nextInt(5); j < n; j++) {
        byte[] data = new byte[random.nextInt(maxRecordBytes)];
        random.nextBytes(data);
        entries.add(new ShardLog.Entry(clock.millis(), "key-" + random.nextInt(1000), data));
      }
      log.append(entries).await(20, TimeUnit.SECONDS);
      clock.advance(Duration.ofMillis(3));
    }
  }

  private static List<StoredRecord> readAll(ShardLog log) throws Exception {
    List<StoredRecord> records = new ArrayList<>();
    long offset = 0;
    while (true) {
      ShardLog.Page page = log.read(offset, 1000, Long.MAX_VALUE).await(20, TimeUnit.SECONDS);
      if (page.records().isEmpty()) return records;
      records.addAll(page.records());
      offset = page.nextOffset();
    }
  }

  private static void assertSameRecords(List<StoredRecord> expected, List<StoredRecord> actual) {
    assertEquals(expected.size(), actual.size(), "records");
    for (int i = 0; i < expected.size(); i++) {
      StoredRecord want = expected.get(i);
      StoredRecord got = actual.get(i);
      assertEquals(want.offset(), got.offset(), "offset");
      assertEquals(want.arrivalMillis(), got.arrivalMillis(), "arrival of " + want.offset());
      assertEquals(want.partitionKey(), got.partitionKey(), "key of " + want.offset());
      assertArrayEquals(want.data(), got.data(), "data of " + want.offset());
    }
  }

  private static Set<String> names(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static NavigableSet<String> logFiles(Set<String> names) {
    return names.stream().filter(n -> n.endsWith(".log")).collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void aCopiedLogOpensAsTheSameLogAndAppendsContinue() throws Exception {
    FileShardLog source = open(a, rootA);
    append(source, 150);
    Path shardA = rootA.resolve(UID).resolve(SHARD);
    Path incoming = rootB.resolve(UID).resolve(SHARD + ".incoming");
    Set<String> before = names(shardA);
    String activeBefore = logFiles(before).last();
    assertTrue(logFiles(before).size() >= 10, "many sealed segments: " + before);

    copy.copySealed("node-a", UID, SHARD).await(60, TimeUnit.SECONDS);
    Set<String> sealed = new TreeSet<>(before);
    sealed.removeIf(name -> name.startsWith(activeBefore.substring(0, 20)));
    assertEquals(sealed, names(incoming), "phase one copies every sealed segment's files, and no more");
    Set<String> readInPhaseOne = new HashSet<>(reads);
    reads.clear();

    append(source, 60); // the active segment grows and more segments seal
    assertTrue(logFiles(names(shardA)).size() > logFiles(before).size());
    // A log already at the shard's place on B is moved aside, not mixed in.
    Path stale = rootB.resolve(UID).resolve(SHARD);
    Files.createDirectories(stale);
    Files.writeString(stale.resolve("00000000000000000000.log"), "stale");

    copy.copyRest("node-a", UID, SHARD).await(60, TimeUnit.SECONDS);
    Set<String> readInPhaseTwo = new HashSet<>(reads);
    for (String name : readInPhaseTwo) {
      assertFalse(readInPhaseOne.contains(name), name + " was copied in phase one and read again");
    }
    String activeNow = logFiles(names(shardA)).last();
    assertTrue(readInPhaseTwo.contains(activeNow), "the active segment's log is copied");
    assertFalse(names(incoming).contains(activeNow.replace(".log", ".index")), "its indexes are not");

    copy.install(UID, SHARD).await(20, TimeUnit.SECONDS);
    assertFalse(Files.exists(incoming));
    try (Stream<Path> aside = Files.list(temp.resolve("b").resolve("unlisted").resolve(UID))) {
      Path moved = aside.filter(p -> p.getFileName().toString().startsWith(SHARD + ".")).findFirst().orElseThrow();
      assertEquals("stale", Files.readString(moved.resolve("00000000000000000000.log")));
    }
    assertEquals(logFiles(names(shardA)), logFiles(names(stale)));

    FileShardLog copied = open(b, rootB);
    assertEquals(source.startOffset(), copied.startOffset());
    assertEquals(source.endOffset(), copied.endOffset());
    assertEquals(source.lastArrivalMillis(), copied.lastArrivalMillis());
    List<StoredRecord> expected = readAll(source);
    assertTrue(expected.size() > 300, "records: " + expected.size());
    assertSameRecords(expected, readAll(copied));
    long end = source.endOffset();
    assertEquals(end, copied.append(List.of(new ShardLog.Entry(clock.millis(), "k", new byte[] {1}))).await(20, TimeUnit.SECONDS));
  }

  @Test
  void aFileDeletedAtTheSourceBetweenPhasesIsDroppedAtTheCopy() throws Exception {
    FileShardLog source = open(a, rootA);
    append(source, 80);
    clock.advance(Duration.ofMinutes(30));
    append(source, 80);
    copy.copySealed("node-a", UID, SHARD).await(60, TimeUnit.SECONDS);
    Path incoming = rootB.resolve(UID).resolve(SHARD + ".incoming");
    Set<String> copiedInPhaseOne = names(incoming);

    clock.advance(Duration.ofMinutes(40)); // the first 80 batches are now past the hour's retention
    Path shardA = rootA.resolve(UID).resolve(SHARD);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (names(shardA).containsAll(copiedInPhaseOne) && System.nanoTime() < deadline) Thread.sleep(20);
    Set<String> deleted = new TreeSet<>(copiedInPhaseOne);
    deleted.removeAll(names(shardA));
    assertFalse(deleted.isEmpty(), "retention deleted segments copied in phase one");
    append(source, 20);

    copy.copyRest("node-a", UID, SHARD).await(60, TimeUnit.SECONDS);
    copy.install(UID, SHARD).await(20, TimeUnit.SECONDS);
    Set<String> installed = names(rootB.resolve(UID).resolve(SHARD));
    for (String name : deleted) assertFalse(installed.contains(name), name + " is gone at the source and dropped here");
    assertEquals(logFiles(names(shardA)), logFiles(installed));

    FileShardLog copied = open(b, rootB);
    assertTrue(source.startOffset() > 0, "the source's log starts past what retention deleted");
    assertEquals(source.startOffset(), copied.startOffset());
    assertEquals(source.endOffset(), copied.endOffset());
    assertSameRecords(readAll(source), readAll(copied));
  }

  @Test
  void aFileDeletedBetweenTheListingAndItsReadIsDroppedAtTheCopy() throws Exception {
    FileShardLog source = open(a, rootA);
    append(source, 100);
    List<StoredRecord> records = readAll(source);
    String oldest = "00000000000000000000.log";
    deleteBeforeRead.add(oldest);

    copy.copySealed("node-a", UID, SHARD).await(60, TimeUnit.SECONDS);
    assertTrue(deleteBeforeRead.isEmpty(), "the oldest segment was listed, then deleted");
    Path incoming = rootB.resolve(UID).resolve(SHARD + ".incoming");
    assertFalse(names(incoming).contains(oldest), "its partial copy is dropped");
    copy.copyRest("node-a", UID, SHARD).await(60, TimeUnit.SECONDS);
    assertTrue(names(incoming).stream().noneMatch(name -> name.startsWith("00000000000000000000.")),
        "its indexes, which the source no longer lists, are dropped too");
    copy.install(UID, SHARD).await(20, TimeUnit.SECONDS);

    FileShardLog copied = open(b, rootB);
    long secondBase = Long.parseLong(logFiles(names(rootB.resolve(UID).resolve(SHARD))).iterator().next().substring(0, 20));
    assertTrue(secondBase > 0);
    assertEquals(secondBase, copied.startOffset());
    assertSameRecords(records.subList((int) secondBase, records.size()), readAll(copied));
  }

  @Test
  void filesLargerThanAChunkAreCopiedWhole() throws Exception {
    LogConfig big = config().withSegmentBytes(3 * 1024 * 1024).withIndexIntervalBytes(64 * 1024);
    FileShardLog source = open(a, rootA, big);
    append(source, 12, 200_000);
    Set<String> logs = logFiles(names(rootA.resolve(UID).resolve(SHARD)));
    assertTrue(logs.size() >= 2, "a sealed segment and an active one: " + logs);
    for (String name : logs) {
      assertTrue(Files.size(rootA.resolve(UID).resolve(SHARD).resolve(name)) > ShardFileServer.MAX_CHUNK_BYTES, name);
    }

    JsonObject asksTooMuch = read(UID, SHARD, logs.iterator().next()).put("length", 4 * 1024 * 1024);
    assertEquals(ShardFileServer.MAX_CHUNK_BYTES, b.eventBus().<Buffer>request(ShardFileServer.address("node-a"),
        asksTooMuch).await(20, TimeUnit.SECONDS).body().length(), "at most a chunk an answer");
    reads.clear();

    copy.copySealed("node-a", UID, SHARD).await(60, TimeUnit.SECONDS);
    copy.copyRest("node-a", UID, SHARD).await(60, TimeUnit.SECONDS);
    copy.install(UID, SHARD).await(20, TimeUnit.SECONDS);
    assertTrue(reads.stream().filter(name -> name.endsWith(".log")).count() >= 2L * logs.size(), "several chunks a file");
    for (String name : logs) {
      assertArrayEquals(Files.readAllBytes(rootA.resolve(UID).resolve(SHARD).resolve(name)),
          Files.readAllBytes(rootB.resolve(UID).resolve(SHARD).resolve(name)), name);
    }
    FileShardLog copied = open(b, rootB, big);
    assertEquals(source.endOffset(), copied.endOffset());
    assertSameRecords(readAll(source), readAll(copied));
  }

  @Test
  void aLogThatRetentionEmptiedKeepsItsOffsetsInTheCopy() throws Exception {
    FileShardLog source = open(a, rootA);
    append(source, 30);
    long end = source.endOffset();
    clock.advance(Duration.ofHours(2));
    Path shardA = rootA.resolve(UID).resolve(SHARD);
    String emptyActive = String.format("%020d.log", end);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!logFiles(names(shardA)).equals(Set.of(emptyActive)) && System.nanoTime() < deadline) Thread.sleep(20);
    assertEquals(Set.of(emptyActive), logFiles(names(shardA)), "retention rolled the log to an empty segment");

    copy.copySealed("node-a", UID, SHARD).await(60, TimeUnit.SECONDS);
    copy.copyRest("node-a", UID, SHARD).await(60, TimeUnit.SECONDS);
    copy.install(UID, SHARD).await(20, TimeUnit.SECONDS);
    assertEquals(Set.of(emptyActive), names(rootB.resolve(UID).resolve(SHARD)));
    FileShardLog copied = open(b, rootB);
    assertEquals(end, copied.endOffset());
    assertEquals(end, copied.append(List.of(new ShardLog.Entry(clock.millis(), "k", new byte[] {1}))).await(20, TimeUnit.SECONDS));
  }

  @Test
  void installWithoutACopyFailsAndLeavesTheLogWhereItIs() throws Exception {
    Path log = rootB.resolve(UID).resolve(SHARD);
    Files.createDirectories(log);
    assertThrows(IllegalStateException.class, () -> copy.install(UID, SHARD).await(20, TimeUnit.SECONDS));
    assertTrue(Files.isDirectory(log));
    assertFalse(Files.exists(temp.resolve("b").resolve("unlisted")));
  }

  private ReplyException refused(Object request) {
    ExecutionException failed = assertThrows(ExecutionException.class, () -> b.eventBus()
        .request(ShardFileServer.address("node-a"), request).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS));
    return assertInstanceOf(ReplyException.class, failed.getCause());
  }

  private static JsonObject read(String uid, String shard, String name) {
    return new JsonObject().put("op", "read").put("uid", uid).put("shard", shard).put("name", name)
        .put("offset", 0).put("length", 100);
  }

  @Test
  void badNamesAndPathsAreRefused() throws Exception {
    FileShardLog source = open(a, rootA);
    append(source, 3);
    Files.writeString(rootA.resolve(UID).resolve("secret"), "not a log's");
    String first = "00000000000000000000.log";
    Buffer good = b.eventBus().<Buffer>request(ShardFileServer.address("node-a"), read(UID, SHARD, first))
        .await(20, TimeUnit.SECONDS).body();
    byte[] file = Files.readAllBytes(rootA.resolve(UID).resolve(SHARD).resolve(first));
    assertTrue(file.length > 100);
    assertArrayEquals(java.util.Arrays.copyOf(file, 100), good.getBytes(), "a good request is answered");

    for (JsonObject bad : List.of(
        read(UID, SHARD, "../secret"),
        read(UID, SHARD, "../../../../etc/passwd"),
        read(UID, SHARD, first + "/../../secret"),
        read(UID, SHARD, "secret"),
        read(UID, "..", "secret"),
        read(UID, SHARD + "/..", first),
        read("..", UID, first),
        read("/etc", SHARD, first),
        read(UID, SHARD + ".incoming", first),
        read(UID, SHARD, first).put("offset", -1),
        read(UID, SHARD, first).put("length", "lots"),
        new JsonObject().put("op", "delete").put("uid", UID).put("shard", SHARD),
        new JsonObject().put("op", "list").put("uid", UID))) {
      ReplyException refused = refused(bad);
      assertEquals(ShardFileServer.BAD_REQUEST, refused.failureCode(), bad.encode());
      assertFalse(refused.getMessage() == null || refused.getMessage().isBlank(), "a refusal says why");
    }
    assertEquals(ShardFileServer.BAD_REQUEST, refused("not json").failureCode());
    assertEquals(ShardFileServer.NOT_FOUND, refused(read(UID, SHARD, "00000000000000009999.log")).failureCode());
    assertEquals(ShardFileServer.NOT_FOUND,
        refused(new JsonObject().put("op", "list").put("uid", UID).put("shard", "shardId-000000000099")).failureCode());
    ExecutionException noLog = assertThrows(ExecutionException.class, () -> copy
        .copySealed("node-a", UID, "shardId-000000000099").toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
    assertEquals(ShardFileServer.NOT_FOUND, assertInstanceOf(ReplyException.class, noLog.getCause()).failureCode());
    copy.discard(UID, "shardId-000000000099").await(20, TimeUnit.SECONDS);
    assertFalse(Files.exists(rootB.resolve(UID).resolve("shardId-000000000099.incoming")), "a failed copy is discarded");
    assertThrows(IllegalArgumentException.class, () -> copy.discard("..", SHARD).await(20, TimeUnit.SECONDS));
  }

  @Test
  void anIncomingCopyLeftByACrashIsDeletedAtStartNotAdopted() throws Exception {
    Path stream = rootB.resolve(UID);
    Files.createDirectories(stream.resolve(SHARD));
    Files.createDirectories(stream.resolve(SHARD + ".incoming"));
    Files.writeString(stream.resolve(SHARD + ".incoming").resolve("00000000000000000000.log"), "half a copy");
    WorkerExecutor maintenance = b.createSharedWorkerExecutor("maintenance", 1);
    FileShardStorage storage = new FileShardStorage(b, maintenance, rootB, config(), clock, new SimpleMeterRegistry());

    storage.setAsideUnlisted(Map.of(UID, Set.of(SHARD))).await(20, TimeUnit.SECONDS);
    assertEquals(Set.of(SHARD), names(stream), "the listed log stays and the copy is gone");
    Path unlisted = temp.resolve("b").resolve("unlisted");
    assertFalse(Files.exists(unlisted) && !names(unlisted).isEmpty(), "the copy is not set aside as a log either");
  }
}
