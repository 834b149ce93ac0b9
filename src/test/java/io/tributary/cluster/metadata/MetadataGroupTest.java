package io.tributary.cluster.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tributary.DomainException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.limits.MemoryBudgets;
import io.tributary.limits.Quotas;
import io.tributary.shard.LocalShardPlacement;
import io.tributary.shard.ShardAddress;
import io.tributary.shard.ShardOwnership;
import io.tributary.shard.ShardRebalance;
import io.tributary.shard.MemoryShardStorage;
import io.tributary.shard.ShardClient;
import io.tributary.stream.ChannelRegistry;
import io.tributary.stream.MetadataChanges;
import io.tributary.stream.MetadataNotKeptException;
import io.tributary.stream.MetadataWriter;
import io.tributary.stream.StreamCatalog;
import io.tributary.stream.StreamCatalogFile;
import io.tributary.stream.RecordDistributionStrategy;
import io.tributary.stream.Resharding;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.tributary.stream.StreamLifecycle;
import io.tributary.stream.StreamMode;
import io.tributary.stream.StreamRegistry;
import io.tributary.stream.StreamStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real Ratis voters on 127.0.0.1 in this JVM, each with the registries and writer a node has: changes
 * made through any node reach every node's registries, two nodes racing for one stream name end with one
 * stream and the loser refused as a single node refuses it, a minority can be down, and the whole group
 * comes back from its disks. Nodes beyond the voters join as listeners, hold and write the same catalog,
 * and leave.
 */
class MetadataGroupTest {
  private static final String ACCOUNT = "000000000000";
  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final Pattern SEGMENT_NAME = Pattern.compile("log_(?:inprogress_)?(\\d+)(?:-\\d+)?");

  @TempDir
  Path dataDir;

  private final Vertx vertx = Vertx.vertx();
  private final List<Node> nodes = new ArrayList<>();
  private Consumer<RaftProperties> tuning = properties -> { };
  private int shardLimit = 500;

  /** What one cluster node holds: its registries, its writer and its part in the group. */
  private final class Node {
    final MetadataGroupSettings settings;
    StreamRegistry registry;
    ChannelRegistry channels;
    MetadataWriter writer;
    MetadataGroup group;

    Node(MetadataGroupSettings settings) {
      this.settings = settings;
    }

    /** Starts as a process would: empty registries, then whatever the group holds. */
    void start() throws Exception {
      registry = new StreamRegistry(shardLimit);
      channels = new ChannelRegistry();
      group = await(MetadataGroup.start(vertx, settings, tuning));
      writer = new MetadataWriter(registry, channels, group.catalog());
      group.publishTo(writer);
    }

    void stop() throws Exception {
      await(group.close());
      group = null;
    }

    Future<StreamDescriptor> create(StreamKey key, String uid) {
      return writer.commit(MetadataChanges.createStream(registry, key, uid, 2));
    }

    /** The node's stream lifecycle, as the server makes it; reshards wait an hour before they are carried out. */
    StreamLifecycle lifecycle() {
      Clock clock = Clock.systemUTC();
      ShardClient shards = new ShardClient(vertx, new Quotas(false, new SimpleMeterRegistry()), 1000,
          MemoryBudgets.of(1 << 20, 1 << 20, 1 << 20, 1 << 20));
      return new StreamLifecycle(vertx, registry, writer, new LocalShardPlacement(vertx,
          new MemoryShardStorage(vertx, clock, 60_000), clock), shards, clock, 0, 0, 3_600_000);
    }
  }

  @AfterEach
  void stopAll() throws Exception {
    for (Node node : nodes) if (node.group != null) node.stop();
    await(vertx.close());
  }

  private void startGroup(Duration commitTimeout, long snapshotEvery) throws Exception {
    List<MetadataPeer> voters = new ArrayList<>();
    for (String id : List.of("a", "b", "c")) voters.add(new MetadataPeer(id, "127.0.0.1", freePort()));
    for (MetadataPeer voter : voters) {
      nodes.add(new Node(new MetadataGroupSettings("test", voter, voters,
          dataDir.resolve(voter.id()).resolve("metadata"), commitTimeout, snapshotEvery)));
    }
    for (Node node : nodes) node.start();
  }

  /** A node beyond the voters of the running group, made (not started) with the voters' settings. */
  private Node listener(String id) throws IOException {
    MetadataGroupSettings voter = nodes.get(0).settings;
    Node node = new Node(new MetadataGroupSettings("test", new MetadataPeer(id, "127.0.0.1", freePort()),
        voter.voters(), dataDir.resolve(id).resolve("metadata"), voter.commitTimeout(), voter.snapshotEvery()));
    nodes.add(node);
    return node;
  }

  private List<Node> voters() {
    return nodes.stream().filter(node -> node.settings.voter()).toList();
  }

  @Test
  void aNodeBeyondTheVotersFollowsTheGroupAsAListenerAndWritesThroughIt() throws Exception {
    startGroup(Duration.ofSeconds(10), 1000);
    Node a = nodes.get(0);
    StreamDescriptor orders = await(a.create(key("orders"), "aaaaaaaaaaaaaaaaaaaa"));
    await(nodes.get(1).create(key("audit"), "bbbbbbbbbbbbbbbbbbbb"));
    await(a.writer.commit(MetadataChanges.tag(a.registry, key("orders"), orders.uid(), Map.of("team", "payments"))));

    Node d = listener("d");
    d.start();
    assertFalse(d.group.voter());
    for (Node node : voters()) {
      eventually(() -> node.group.listeners().equals(List.of("d")), "node " + node.settings.localId() + " lists d");
    }
    eventually(() -> d.writer.version() == 3, "the listener has every change made before it joined");
    assertEquals(catalogOf(a), catalogOf(d));

    StreamDescriptor clicks = await(d.create(key("clicks"), "dddddddddddddddddddd"));
    assertEquals(clicks, d.registry.find(key("clicks")), "published on the listener once kept");
    for (Node node : nodes) {
      eventually(() -> node.writer.version() == 4, "node " + node.settings.localId() + " has the listener's stream");
      assertEquals(clicks.uid(), node.registry.find(key("clicks")).uid());
    }

    // A stream the listener knows is refused there as on a voter: by the registry's own check.
    Future<StreamDescriptor> again = d.create(key("orders"), "eeeeeeeeeeeeeeeeeeee");
    awaitSettled(again);
    assertEquals(singleNodeRefusal(key("orders")), again.cause().getMessage());
  }

  @Test
  void aListenerRestartedCatchesUpWithWhatItMissed() throws Exception {
    startGroup(Duration.ofSeconds(10), 1000);
    Node a = nodes.get(0);
    await(a.create(key("orders"), "aaaaaaaaaaaaaaaaaaaa"));
    Node d = listener("d");
    d.start();
    eventually(() -> d.writer.version() == 1, "the listener has the first stream");
    d.stop();

    await(a.create(key("audit"), "bbbbbbbbbbbbbbbbbbbb"));
    await(nodes.get(1).create(key("clicks"), "cccccccccccccccccccc"));
    d.start();
    eventually(() -> d.writer.version() == 3, "the restarted listener catches up");
    assertEquals(catalogOf(a), catalogOf(d));
    assertEquals(List.of("d"), a.group.listeners(), "listed once");
    await(d.create(key("later"), "dddddddddddddddddddd"));
    for (Node node : voters()) eventually(() -> node.registry.find(key("later")) != null, "and it writes again");
  }

  @Test
  void aListenerBehindWhatTheLogStillHoldsStartsFromTheLeadersSnapshot() throws Exception {
    tuning = MetadataGroupTest::smallSegmentsPurgedBehindSnapshots;
    startGroup(Duration.ofSeconds(10), 5);
    Node a = nodes.get(0);
    StreamDescriptor orders = await(a.create(key("orders"), "aaaaaaaaaaaaaaaaaaaa"));
    for (int round = 0; round < 30; round++) {
      await(a.writer.commit(MetadataChanges.tag(a.registry, key("orders"), orders.uid(), Map.of("round", "" + round))));
    }
    for (Node node : voters()) {
      eventually(() -> firstLogIndex(node) > 1, "node " + node.settings.localId() + " purged its log's start");
    }

    Node d = listener("d");
    d.start();
    eventually(() -> d.writer.version() == 31, "the new listener catches up");
    assertEquals(catalogOf(a), catalogOf(d));
    assertEquals("29", d.registry.find(key("orders")).tags().get("round"));
    await(d.writer.commit(MetadataChanges.tag(d.registry, key("orders"), orders.uid(), Map.of("round", "listener"))));
    for (Node node : voters()) {
      eventually(() -> "listener".equals(node.registry.find(key("orders")).tags().get("round")),
          "node " + node.settings.localId() + " has the listener's change");
    }
  }

  @Test
  void aListenerThatLeftIsDroppedFromTheGroupAndTheVotersCommitOn() throws Exception {
    startGroup(Duration.ofSeconds(10), 1000);
    Node a = nodes.get(0);
    Node d = listener("d");
    Node e = listener("e");
    d.start();
    e.start();
    for (Node node : voters()) {
      eventually(() -> node.group.listeners().equals(List.of("d", "e")), "node " + node.settings.localId()
          + " lists both listeners");
    }

    await(d.group.leave());
    d.group = null;
    for (Node node : voters()) {
      eventually(() -> node.group.listeners().equals(List.of("e")), "node " + node.settings.localId()
          + " no longer lists d");
    }
    await(a.create(key("orders"), "aaaaaaaaaaaaaaaaaaaa"));
    for (Node node : List.of(a, nodes.get(1), nodes.get(2), e)) {
      eventually(() -> node.registry.find(key("orders")) != null, "node " + node.settings.localId() + " has it");
    }

    Future<Void> voterLeaves = a.group.leave();
    awaitSettled(voterLeaves);
    assertInstanceOf(IllegalStateException.class, voterLeaves.cause(), "the voters are a static list");
  }

  @Test
  void settingsRefuseANodeNamedAsAVoterAtAnotherAddress() {
    List<MetadataPeer> voters = List.of(new MetadataPeer("a", "127.0.0.1", 7001),
        new MetadataPeer("b", "127.0.0.1", 7002));
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> new MetadataGroupSettings("test", new MetadataPeer("a", "127.0.0.1", 7009), voters, dataDir,
            Duration.ofSeconds(1), 10));
    assertTrue(refused.getMessage().contains("is the metadata voter"), refused.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new MetadataGroupSettings("test", new MetadataPeer("x", "127.0.0.1", 7002), voters, dataDir,
            Duration.ofSeconds(1), 10), "a listener where a voter listens");
    assertTrue(new MetadataGroupSettings("test", voters.get(1), voters, dataDir, Duration.ofSeconds(1), 10).voter());
    assertFalse(new MetadataGroupSettings("test", new MetadataPeer("c", "127.0.0.1", 7003), voters, dataDir,
        Duration.ofSeconds(1), 10).voter());
  }

  @Test
  void aChangeCommittedOnOneNodeReachesEveryNodesRegistry() throws Exception {
    startGroup(Duration.ofSeconds(10), 1000);
    StreamKey orders = key("orders");
    StreamDescriptor created = await(nodes.get(0).create(orders, "aaaaaaaaaaaaaaaaaaaa"));
    assertEquals(created, nodes.get(0).registry.find(orders), "published where it was made once kept");

    await(nodes.get(1).writer.commit(MetadataChanges.tag(nodes.get(1).registry, orders, created.uid(),
        Map.of("team", "payments"))));
    for (Node node : nodes) {
      eventually(() -> node.writer.version() == 2, "node " + node.settings.localId() + " reaches version 2");
      assertEquals(Map.of("team", "payments"), node.registry.find(orders).tags());
      assertEquals(2, node.registry.find(orders).shards().size());
    }
  }

  @Test
  void theSameStreamCreatedOnTwoNodesAtOnceIsMadeOnceAndRefusedOnce() throws Exception {
    startGroup(Duration.ofSeconds(10), 1000);
    for (int round = 0; round < 5; round++) {
      StreamKey key = key("race-" + round);
      Future<StreamDescriptor> onA = nodes.get(0).create(key, "aaaaaaaaaaaaaaaaaaa" + round);
      Future<StreamDescriptor> onB = nodes.get(1).create(key, "bbbbbbbbbbbbbbbbbbb" + round);
      awaitSettled(onA);
      awaitSettled(onB);
      assertTrue(onA.succeeded() != onB.succeeded(), "round " + round + ": exactly one create succeeds, got "
          + onA.cause() + " and " + onB.cause());
      Future<StreamDescriptor> winner = onA.succeeded() ? onA : onB;
      Future<StreamDescriptor> loser = onA.succeeded() ? onB : onA;
      DomainException refused = assertInstanceOf(DomainException.class, loser.cause());
      assertEquals(DomainException.Kind.IN_USE, refused.kind());
      assertEquals(singleNodeRefusal(key), refused.getMessage(), "the loser is refused as one node refuses it");
      for (Node node : nodes) {
        eventually(() -> node.registry.find(key) != null, "node " + node.settings.localId() + " has " + key.name());
        assertEquals(winner.result().uid(), node.registry.find(key).uid(), "every node has the winner's stream");
      }
    }
    long version = nodes.get(0).writer.version();
    for (Node node : nodes) eventually(() -> node.writer.version() == version, "all agree on the version");
    assertEquals(5, version, "one entry kept per round");
  }

  @Test
  void theSameCreateStreamAndSplitShardThroughTwoNodesLifecyclesAtOnce() throws Exception {
    startGroup(Duration.ofSeconds(10), 1000);
    StreamLifecycle onA = nodes.get(0).lifecycle();
    StreamLifecycle onB = nodes.get(1).lifecycle();
    StreamKey orders = key("orders");
    Future<Void> createdOnA = create(onA, orders);
    Future<Void> createdOnB = create(onB, orders);
    awaitSettled(createdOnA);
    awaitSettled(createdOnB);
    assertTrue(createdOnA.succeeded() != createdOnB.succeeded(), "exactly one CreateStream succeeds, got "
        + createdOnA.cause() + " and " + createdOnB.cause());
    Throwable refused = createdOnA.succeeded() ? createdOnB.cause() : createdOnA.cause();
    assertEquals(DomainException.Kind.IN_USE, assertInstanceOf(DomainException.class, refused).kind());
    assertEquals(singleNodeRefusal(orders), refused.getMessage());
    for (Node node : nodes) {
      eventually(() -> node.registry.find(orders) != null && node.registry.find(orders).status() == StreamStatus.ACTIVE,
          "node " + node.settings.localId() + " has the stream ACTIVE");
    }

    Future<Void> splitOnA = split(onA, nodes.get(0).registry.find(orders));
    Future<Void> splitOnB = split(onB, nodes.get(1).registry.find(orders));
    awaitSettled(splitOnA);
    awaitSettled(splitOnB);
    assertTrue(splitOnA.succeeded() != splitOnB.succeeded(), "exactly one SplitShard succeeds, got "
        + splitOnA.cause() + " and " + splitOnB.cause());
    DomainException splitRefused = assertInstanceOf(DomainException.class,
        splitOnA.succeeded() ? splitOnB.cause() : splitOnA.cause());
    assertEquals(DomainException.Kind.IN_USE, splitRefused.kind());
    assertTrue(splitRefused.getMessage().endsWith("not ACTIVE, instead in state UPDATING"), splitRefused.getMessage());
    for (Node node : nodes) {
      eventually(() -> node.registry.find(orders).pendingReshard() != null, "node " + node.settings.localId()
          + " has the reshard plan");
      assertEquals(catalogOf(nodes.get(0)), catalogOf(node), "one plan, the same everywhere");
    }
  }

  private static Future<Void> create(StreamLifecycle lifecycle, StreamKey key) {
    try {
      return lifecycle.create(key, StreamMode.PROVISIONED, 2, 24, 1024, null, Map.of(),
          RecordDistributionStrategy.USER_PARTITION_KEY);
    } catch (DomainException refusedAtOnce) {
      return Future.failedFuture(refusedAtOnce);
    }
  }

  /** Splits the first shard in the middle of its hash keys. */
  private static Future<Void> split(StreamLifecycle lifecycle, StreamDescriptor stream) {
    ShardDescriptor first = stream.shards().get(0);
    BigInteger middle = first.hashKeyRange().start().add(first.hashKeyRange().end()).shiftRight(1);
    return lifecycle.reshard(stream, Resharding.split(stream, first, middle, System.currentTimeMillis()));
  }

  @Test
  void aCatalogTooLargeForOneEntryIsNotKeptAndTheNodeWritesOn() throws Exception {
    startGroup(Duration.ofSeconds(10), 1000);
    Node a = nodes.get(0);
    StreamDescriptor orders = await(a.create(key("orders"), "aaaaaaaaaaaaaaaaaaaa"));
    Future<StreamDescriptor> huge = a.writer.commit(MetadataChanges.tag(a.registry, key("orders"), orders.uid(),
        Map.of("huge", "x".repeat(5 << 20))));
    awaitSettled(huge);
    assertInstanceOf(MetadataNotKeptException.class, huge.cause(), "Ratis refuses entries over 4 MiB");
    assertEquals(Map.of(), a.registry.find(key("orders")).tags());

    await(a.writer.commit(MetadataChanges.tag(a.registry, key("orders"), orders.uid(), Map.of("team", "payments"))));
    for (Node node : nodes) {
      eventually(() -> node.writer.version() == 2, "node " + node.settings.localId() + " has the second change");
      assertEquals(Map.of("team", "payments"), node.registry.find(key("orders")).tags());
    }
  }

  @Test
  void aCatalogLargerThanOneEntryGrowsChangeByChange() throws Exception {
    shardLimit = 1_000_000;
    startGroup(Duration.ofSeconds(20), 1000);
    Node a = nodes.get(0);
    int streams = 4500;
    for (int first = 0; first < streams; first += 300) {
      int from = first;
      await(a.writer.commit(() -> {
        for (int i = from; i < from + 300; i++) {
          MetadataChanges.createStream(a.registry, key("bulk-" + i), String.format("%020d", i), 2).get();
        }
        return null;
      }));
    }
    int size = catalogOf(a).encode().length();
    assertTrue(size > 4 << 20, "the catalog (" + size + " bytes) is larger than one entry may be");

    StreamDescriptor last = a.registry.find(key("bulk-" + (streams - 1)));
    await(nodes.get(1).writer.commit(MetadataChanges.tag(nodes.get(1).registry, last.key(), last.uid(),
        Map.of("team", "payments"))));
    for (Node node : nodes) {
      eventually(() -> node.writer.version() == streams / 300 + 1, "node " + node.settings.localId() + " has all");
      assertEquals(catalogOf(a), catalogOf(node));
    }
  }

  @Test
  void changesCommitWithOneVoterDownAndItCatchesUpWhenBack() throws Exception {
    startGroup(Duration.ofSeconds(10), 1000);
    Node c = nodes.get(2);
    c.stop();

    await(nodes.get(0).create(key("orders"), "aaaaaaaaaaaaaaaaaaaa"));
    await(nodes.get(1).create(key("audit"), "bbbbbbbbbbbbbbbbbbbb"));
    eventually(() -> nodes.get(0).registry.find(key("audit")) != null, "a sees b's change");

    c.start();
    eventually(() -> c.registry.find(key("orders")) != null && c.registry.find(key("audit")) != null,
        "the restarted voter catches up");
    assertEquals(2, c.writer.version());
    StreamDescriptor third = await(c.create(key("clicks"), "cccccccccccccccccccc"));
    eventually(() -> nodes.get(0).registry.find(key("clicks")) != null, "and writes again");
    assertEquals(third.uid(), nodes.get(0).registry.find(key("clicks")).uid());
  }

  @Test
  void theWholeGroupRestartedComesBackFromItsLog() throws Exception {
    restartAll(1000);
    try (Stream<Path> files = Files.walk(dataDir)) {
      assertFalse(files.anyMatch(file -> file.getFileName().toString().startsWith("snapshot.")),
          "no snapshot: the state came from the log");
    }
  }

  @Test
  void theWholeGroupRestartedComesBackFromASnapshot() throws Exception {
    restartAll(2);
    try (Stream<Path> files = Files.walk(dataDir)) {
      assertTrue(files.anyMatch(file -> file.getFileName().toString().matches("snapshot\\.\\d+_\\d+")),
          "snapshots were taken");
    }
  }

  @Test
  void aVoterBehindWhatTheLogStillHoldsCatchesUpFromTheLeadersSnapshot() throws Exception {
    tuning = MetadataGroupTest::smallSegmentsPurgedBehindSnapshots;
    startGroup(Duration.ofSeconds(10), 5);
    Node a = nodes.get(0);
    Node c = nodes.get(2);
    c.stop();
    StreamDescriptor orders = await(a.create(key("orders"), "aaaaaaaaaaaaaaaaaaaa"));
    for (int round = 0; round < 30; round++) {
      await(a.writer.commit(MetadataChanges.tag(a.registry, key("orders"), orders.uid(), Map.of("round", "" + round))));
    }
    for (Node node : List.of(a, nodes.get(1))) {
      eventually(() -> firstLogIndex(node) > 1, "node " + node.settings.localId() + " purged its log's start");
    }

    c.start();
    eventually(() -> c.writer.version() == 31, "the voter that was down catches up");
    assertEquals(catalogOf(a), catalogOf(c));
    assertEquals("29", c.registry.find(key("orders")).tags().get("round"));
  }

  /** Log segments of 8 KiB, purged as soon as a snapshot covers them: a log that soon starts past index 1. */
  private static void smallSegmentsPurgedBehindSnapshots(RaftProperties properties) {
    RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf("8KB"));
    RaftServerConfigKeys.Log.setPreallocatedSize(properties, SizeInBytes.valueOf("8KB"));
    RaftServerConfigKeys.Log.setPurgeGap(properties, 1);
  }

  /** The first index the node's Raft log still holds (segment files are log_<first>-<last>, log_inprogress_<first>). */
  private static long firstLogIndex(Node node) {
    try (Stream<Path> files = Files.walk(node.settings.storageDir())) {
      return files.map(file -> file.getFileName().toString())
          .map(name -> SEGMENT_NAME.matcher(name))
          .filter(Matcher::matches)
          .mapToLong(matcher -> Long.parseLong(matcher.group(1)))
          .min().orElse(-1);
    } catch (UncheckedIOException purgedWhileWalking) {
      return -1;  // Ratis deleted a segment as the walk listed it: the caller looks again
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theShardOwnershipIsTheSameOnEveryNodeRacesWithCatalogWritesAndComesBackFromASnapshot() throws Exception {
    startGroup(Duration.ofSeconds(10), 2);
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    Node c = nodes.get(2);
    await(a.create(key("orders"), "aaaaaaaaaaaaaaaaaaaa"));
    // A catalog write and two ownership changes at once: each is applied once, whatever order they take.
    Future<StreamDescriptor> created = a.create(key("audit"), "bbbbbbbbbbbbbbbbbbbb");
    Future<ShardOwnership> first = b.group.ownership().update((catalog, owners) -> ShardRebalance.join(catalog, owners, "n1:1"));
    Future<ShardOwnership> second = c.group.ownership().update((catalog, owners) -> ShardRebalance.join(catalog, owners, "n2:1"));
    await(created);
    await(first);
    await(second);
    for (Node node : nodes) {
      eventually(() -> node.writer.version() == 4, "node " + node.settings.localId() + " applied all four entries");
      ShardOwnership owners = node.group.ownership().current();
      assertEquals(4, owners.version());
      assertEquals(java.util.Set.of("n1:1", "n2:1"), java.util.Set.copyOf(owners.nodes()));
      assertNotNull(owners.ownerOf(ShardAddress.of("aaaaaaaaaaaaaaaaaaaa", "shardId-000000000000")));
    }
    ShardOwnership before = a.group.ownership().current();
    for (Node node : nodes) node.stop();
    for (Node node : nodes) node.start();
    for (Node node : nodes) {
      eventually(() -> node.writer.version() == 4, "node " + node.settings.localId() + " is back at version 4");
      assertTrue(before.sameAs(node.group.ownership().current()), "the ownership came back on " + node.settings.localId());
    }
  }

  @Test
  void sharedDocumentsAreTheSameOnEveryNodeLeaveTheCatalogVersionAndComeBackFromASnapshot() throws Exception {
    startGroup(Duration.ofSeconds(10), 2);
    Node a = nodes.get(0);
    Node b = nodes.get(1);
    Node c = nodes.get(2);
    List<Map<String, JsonObject>> toldC = new java.util.concurrent.CopyOnWriteArrayList<>();
    c.group.documents().follow(vertx.getOrCreateContext(), toldC::add);
    await(a.create(key("orders"), "aaaaaaaaaaaaaaaaaaaa"));
    await(a.group.documents().put("mirror/one", new JsonObject().put("paused", true)));
    assertEquals(Map.of("mirror/one", new JsonObject().put("paused", true)), a.group.documents().current(),
        "the writer holds its document once the write completes");
    await(b.group.documents().put("mirror/two", new JsonObject().put("paused", false)));
    await(b.group.documents().put("mirror/one", null));
    for (Node node : nodes) {
      eventually(() -> node.group.documents().current().equals(Map.of("mirror/two", new JsonObject().put("paused", false))),
          "node " + node.settings.localId() + " applied every document write");
    }
    eventually(() -> !toldC.isEmpty() && toldC.get(toldC.size() - 1).keySet().equals(java.util.Set.of("mirror/two")),
        "a follower is told the documents after each write");
    assertEquals(1, a.writer.version(), "document writes leave the catalog's version");
    await(c.create(key("audit"), "bbbbbbbbbbbbbbbbbbbb"));
    for (Node node : nodes) node.stop();
    for (Node node : nodes) node.start();
    for (Node node : nodes) {
      eventually(() -> node.writer.version() == 2, "node " + node.settings.localId() + " is back at version 2");
      assertEquals(Map.of("mirror/two", new JsonObject().put("paused", false)), node.group.documents().current());
    }
  }

  /** Four changes, every voter stopped and started with empty registries: everything is back. */
  private void restartAll(long snapshotEvery) throws Exception {
    startGroup(Duration.ofSeconds(10), snapshotEvery);
    StreamDescriptor orders = await(nodes.get(0).create(key("orders"), "aaaaaaaaaaaaaaaaaaaa"));
    await(nodes.get(1).create(key("audit"), "bbbbbbbbbbbbbbbbbbbb"));
    await(nodes.get(2).create(key("clicks"), "cccccccccccccccccccc"));
    await(nodes.get(0).writer.commit(MetadataChanges.tag(nodes.get(0).registry, key("orders"), orders.uid(),
        Map.of("team", "payments"))));
    for (Node node : nodes) eventually(() -> node.writer.version() == 4, "every node applied all four");
    JsonObject before = catalogOf(nodes.get(0));

    for (Node node : nodes) node.stop();
    for (Node node : nodes) node.start();

    for (Node node : nodes) {
      eventually(() -> node.writer.version() == 4, "node " + node.settings.localId() + " is back at version 4");
      assertEquals(before, catalogOf(node));
    }
    await(nodes.get(1).create(key("later"), "dddddddddddddddddddd"));
    for (Node node : nodes) eventually(() -> node.registry.find(key("later")) != null, "and the group writes on");
    assertEquals(5, nodes.get(1).writer.version());
  }

  @Test
  void aChangeNoMajorityKeepsFailsAndLeavesNothingStaged() throws Exception {
    startGroup(Duration.ofSeconds(2), 1000);
    Node a = nodes.get(0);
    StreamDescriptor orders = await(a.create(key("orders"), "aaaaaaaaaaaaaaaaaaaa"));
    for (Node node : nodes) eventually(() -> node.writer.version() == 1, "all have the first stream");
    nodes.get(1).stop();
    nodes.get(2).stop();

    Future<StreamDescriptor> lost = a.create(key("audit"), "bbbbbbbbbbbbbbbbbbbb");
    awaitSettled(lost);
    assertInstanceOf(MetadataNotKeptException.class, lost.cause());
    assertNull(a.registry.find(key("audit")), "nothing published");
    assertEquals(1, a.writer.version());

    // Staged changes were dropped: the next change is built on what was kept, and fails alone in turn.
    Future<StreamDescriptor> tagged = a.writer.commit(MetadataChanges.tag(a.registry, key("orders"), orders.uid(),
        Map.of("team", "payments")));
    awaitSettled(tagged);
    assertInstanceOf(MetadataNotKeptException.class, tagged.cause());
    assertEquals(Map.of(), a.registry.find(key("orders")).tags());
    assertEquals(List.of(orders.uid()), a.registry.all().stream().map(StreamDescriptor::uid).toList());

    // With a majority back, the node writes again, and all agree (a change that timed out may since have been
    // kept by the group: its outcome was unknown, not refused).
    nodes.get(1).start();
    nodes.get(2).start();
    await(a.create(key("clicks"), "cccccccccccccccccccc"));
    for (Node node : nodes) {
      eventually(() -> node.writer.version() == a.writer.version(), "node " + node.settings.localId() + " agrees");
      assertEquals(catalogOf(a), catalogOf(node));
    }
  }

  /** A node's registries in the catalog's JSON form, to compare nodes field by field. */
  private static JsonObject catalogOf(Node node) {
    return StreamCatalogFile.contentsToJson(new StreamCatalog.Contents(node.registry.all(), node.channels.all(),
        node.registry.allAccountSettings()));
  }

  private static StreamKey key(String name) {
    return new StreamKey(ACCOUNT, "us-east-1", name);
  }

  /** What one node with one registry answers when the stream exists. */
  private static String singleNodeRefusal(StreamKey key) {
    StreamRegistry alone = new StreamRegistry(500);
    MetadataWriter writer = new MetadataWriter(alone, new ChannelRegistry(), StreamCatalog.NONE);
    writer.commit(MetadataChanges.createStream(alone, key, "xxxxxxxxxxxxxxxxxxxx", 1));
    Future<StreamDescriptor> again = writer.commit(MetadataChanges.createStream(alone, key, "yyyyyyyyyyyyyyyyyyyy", 1));
    assertTrue(again.failed());
    return again.cause().getMessage();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WITHIN.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static void awaitSettled(Future<?> future) throws Exception {
    try {
      future.toCompletionStage().toCompletableFuture().get(WITHIN.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException expected) {
      assertNotNull(future.cause());
    }
  }

  private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) fail("not within " + WITHIN.toSeconds() + " s: " + what);
      Thread.sleep(20);
    }
  }
}
