package io.tributary.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.limits.MemoryBudgets;
import io.tributary.limits.Quotas;
import io.tributary.stream.HashKeyRange;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three placement nodes on one event bus, each with its own storage and its own view of the streams: what
 * nodes on a clustered bus do, without the cluster.
 */
class ClusterShardPlacementTest {
  private static final List<String> NODES = List.of("n1", "n2", "n3");
  private Vertx vertx;
  private final Map<String, LocalShardPlacement> locals = new ConcurrentHashMap<>();
  private final Map<String, ClusterShardPlacement> placements = new ConcurrentHashMap<>();
  /** Each node's view of the streams, by uid; a test makes a node learn of a stream late. */
  private final Map<String, Map<String, StreamDescriptor>> views = new ConcurrentHashMap<>();
  /** The ownership every node has applied: the same on all, as if each had applied the same metadata. */
  private final AtomicReference<ShardOwnership> ownership =
      new AtomicReference<>(new ShardOwnership(NODES, Map.of(), Map.of(), 1));

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    ShardClient.registerCodecs(vertx);
    for (String node : NODES) {
      LocalShardPlacement local = new LocalShardPlacement(vertx, new MemoryShardStorage(vertx, Clock.systemUTC(), 60_000),
          Clock.systemUTC(), Integer.MAX_VALUE, address -> ownership.get().held(address));
      Map<String, StreamDescriptor> view = new ConcurrentHashMap<>();
      ClusterShardPlacement placement = new ClusterShardPlacement(vertx, node, ownership::get, local, view::get,
          () -> ownership.get().version());
      locals.put(node, local);
      views.put(node, view);
      placements.put(node, placement);
    }
    for (String node : NODES) {
      await(placements.get(node).listen());
      await(new ShardDispatcher(vertx, node).listen());
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static StreamDescriptor stream(String name, int shards) {
    List<HashKeyRange> ranges = HashKeyRange.split(shards);
    List<ShardDescriptor> list = new ArrayList<>();
    for (int i = 0; i < shards; i++) list.add(ShardDescriptor.open(i, ranges.get(i), null, null, 0));
    return StreamDescriptor.builder(new StreamKey("000000000000", "us-east-1", name), name + "-uid").shards(list).build();
  }

  private void knownEverywhere(StreamDescriptor stream) {
    for (Map<String, StreamDescriptor> view : views.values()) view.put(stream.uid(), stream);
  }

  private Set<String> runningEverywhere() {
    Set<String> all = new HashSet<>();
    for (LocalShardPlacement local : locals.values()) {
      for (String address : local.runningShards()) assertTrue(all.add(address), address + " runs on one node only");
    }
    return all;
  }

  @Test
  void anyNodeStartsAStreamsShardsEachOnItsOwner() throws Exception {
    StreamDescriptor stream = stream("spread", 12);
    knownEverywhere(stream);
    await(placements.get("n2").start(stream, stream.shards()));
    assertEquals(12, runningEverywhere().size());
    ShardOwnership owners = ownership.get();
    for (String node : NODES) {
      for (String address : locals.get(node).runningShards()) assertEquals(node, owners.ownerOf(address));
      assertTrue(!locals.get(node).runningShards().isEmpty(), node + " owns some of 12 shards");
    }
    await(placements.get("n3").stop(stream.uid()));
    assertEquals(Set.of(), runningEverywhere());
  }

  @Test
  void aNodeWaitsForTheMetadataThatNamesTheShards() throws Exception {
    StreamDescriptor stream = stream("late", 12);
    views.get("n1").put(stream.uid(), stream);
    var starting = placements.get("n1").start(stream, stream.shards());
    Thread.sleep(200);
    assertTrue(!starting.isComplete(), "the others have not heard of the stream yet");
    knownEverywhere(stream);
    await(starting);
    assertEquals(12, runningEverywhere().size());
  }

  @Test
  void aNodeThatIsDownIsLeftToStartItsShardsItself() throws Exception {
    StreamDescriptor stream = stream("partial", 12);
    knownEverywhere(stream);
    await(placements.get("n3").close());
    await(placements.get("n1").start(stream, stream.shards()));
    ShardOwnership owners = ownership.get();
    long ownedByN3 = stream.shards().stream()
        .filter(s -> owners.ownerOf(ShardAddress.of(stream.uid(), s.shardId())).equals("n3")).count();
    assertEquals(12 - ownedByN3, locals.get("n1").runningShards().size() + locals.get("n2").runningShards().size());
    assertEquals(Set.of(), locals.get("n3").runningShards());
  }

  @Test
  void removingAStreamStopsItsShardsOnEveryNode() throws Exception {
    StreamDescriptor stream = stream("gone", 6);
    knownEverywhere(stream);
    await(placements.get("n1").start(stream, stream.shards()));
    await(placements.get("n2").removeStream(stream.uid()));
    assertEquals(Set.of(), runningEverywhere());
  }

  @Test
  void aShardBeingHandedOverHoldsAppendsWhichGoThroughOnceItIsTakenAgain() throws Exception {
    StreamDescriptor stream = stream("handover", 3);
    knownEverywhere(stream);
    await(placements.get("n1").start(stream, stream.shards()));
    ShardDescriptor shard = stream.shards().get(0);
    String address = ShardAddress.of(stream.uid(), shard.shardId());
    String owner = ownership.get().ownerOf(address);
    String other = NODES.stream().filter(node -> !node.equals(owner)).findFirst().orElseThrow();
    ShardClient client = new ShardClient(vertx, new Quotas(false, new SimpleMeterRegistry()), 100,
        MemoryBudgets.of(1 << 20, 1 << 20, 1 << 20, 1 << 20), ShardLocator.of(ownership::get, other, node -> true),
        new SimpleMeterRegistry());
    List<ShardRequest.IncomingRecord> one = List.of(new ShardRequest.IncomingRecord("k", new byte[] {1}));
    assertEquals(0, await(client.append(stream, shard, one)).firstOffset());

    ShardOwnership.ShardMove move = new ShardOwnership.ShardMove(owner, other, ShardOwnership.MovePhase.HANDOVER);
    ownership.set(ownership.get().withMove(address, move).at(2));
    for (String node : NODES) await(placements.get(node).reconcile(List.of(stream)));
    var held = client.append(stream, shard, one);
    Thread.sleep(300);
    assertTrue(!held.isComplete(), "an append to a shard being handed over waits");

    ownership.set(ownership.get().withMove(address, null).at(3));  // the move is called off
    for (String node : NODES) await(placements.get(node).reconcile(List.of(stream)));
    assertEquals(1, await(held).firstOffset(), "the held append went through once the owner took appends again");
  }

  @Test
  void aShardThatMovedAwayStopsWhereItWas() throws Exception {
    StreamDescriptor stream = stream("moved", 3);
    knownEverywhere(stream);
    await(placements.get("n1").start(stream, stream.shards()));
    String address = ShardAddress.of(stream.uid(), stream.shards().get(0).shardId());
    String owner = ownership.get().ownerOf(address);
    String other = NODES.stream().filter(node -> !node.equals(owner)).findFirst().orElseThrow();
    ownership.set(ownership.get().moved(address, other).at(2));
    for (String node : NODES) await(placements.get(node).reconcile(List.of(stream)));
    assertTrue(!locals.get(owner).runningShards().contains(address), "the old owner stopped the shard");
    assertTrue(locals.get(other).runningShards().contains(address), "the new owner runs it");
    assertEquals(3, runningEverywhere().size());
  }
}
