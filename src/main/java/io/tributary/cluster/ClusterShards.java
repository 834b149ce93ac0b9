package io.tributary.cluster;

import io.tributary.cluster.metadata.MetadataGroup;
import io.tributary.replication.ShardReplication;
import io.tributary.shard.ClusterShardPlacement;
import io.tributary.shard.LocalShardPlacement;
import io.tributary.shard.ShardAddress;
import io.tributary.shard.ShardDispatcher;
import io.tributary.shard.ShardFileServer;
import io.tributary.shard.ShardLocator;
import io.tributary.shard.ShardLogCopy;
import io.tributary.shard.ShardOwnership;
import io.tributary.shard.ShardRebalance;
import io.tributary.shard.StreamHome;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A clustered node's share of the cluster's shards: the ownership it follows from the metadata group, the
 * placement that runs what it owns, the moves it brings in, the copies of its logs it serves to nodes that
 * take its shards, and the changes of membership it asks for (join at start, leave and rebalance on an
 * operator's request).
 *
 * <p>Made in two steps, since the shard client needs the ownership before the placement can exist:
 * {@link #ClusterShards} gives {@link #locator} and {@link #heldAtStart}, then {@link #placement} makes the rest.
 */
public final class ClusterShards {
  private final Vertx vertx;
  private final String self;
  private final MetadataGroup group;
  /** Whether a node is up (Hazelcast's view). */
  private final Predicate<String> live;
  private volatile ShardOwnership ownership = ShardOwnership.NONE;
  private final Context context;
  private ClusterShardPlacement placement;
  private ShardMover mover;
  private ShardFileServer files;
  private ShardDispatcher dispatcher;
  private Supplier<List<StreamDescriptor>> streams;
  /** A reconciliation asked for and not yet run: the ownership changes with every metadata entry. */
  private boolean reconcilePending;
  /** With replication, each shard runs on its replicas and is led by its group's leader; null: shards have owners. */
  private final ShardReplication replication;

  /** Follows the ownership from now on: what the group has applied is what the catalog loaded holds. */
  public ClusterShards(Vertx vertx, String self, MetadataGroup group, Predicate<String> live) {
    this(vertx, self, group, live, null);
  }

  /** @param replication the replication of shard logs, or null when each shard lives on its owner alone */
  public ClusterShards(Vertx vertx, String self, MetadataGroup group, Predicate<String> live,
      ShardReplication replication) {
    this.replication = replication;
    this.vertx = vertx;
    this.self = self;
    this.group = group;
    this.live = live;
    this.context = vertx.getOrCreateContext();
    group.followOwnership(next -> {
      ownership = next;
      context.runOnContext(v -> reconcileSoon());
    });
    // A group's members changed: a joining replica starts its shards, one that left stops them.
    if (replication != null) replication.whenPlanChanges(() -> context.runOnContext(v -> reconcileSoon()));
  }

  public String self() { return self; }

  /** The ownership as this node has applied it. */
  public ShardOwnership ownership() { return ownership; }

  /** Where each shard runs, by this node's ownership and the nodes that are up. */
  public ShardLocator locator() {
    if (replication != null) return replication.locator(self, live);
    return ShardLocator.of(this::ownership, self, live);
  }

  /** The node that serves a shard: its owner, or with replication its group's leader (null while none is known). */
  public String runsOn(String address) {
    return replication != null ? replication.leaderOf(address) : ownership.ownerOf(address);
  }

  /**
   * Where a stream's once-per-cluster work runs: on the node that serves its first shard, as {@link #runsOn}
   * names it; nowhere known while that node is unknown (no leader elected yet, no owner before any join).
   */
  public StreamHome streamHome() {
    return stream -> {
      if (stream.shards().isEmpty()) return new StreamHome.Home(false, null);
      String node = runsOn(ShardAddress.of(stream.uid(), stream.shards().get(0).shardId()));
      return new StreamHome.Home(self.equals(node), node);
    };
  }

  /** Whether a shard starting here starts holding its appends: this node is handing it over. */
  public boolean heldAtStart(String address) {
    if (replication != null) return false;
    ShardOwnership now = ownership;
    return self.equals(now.ownerOf(address)) && now.held(address);
  }

  /**
   * Makes the placement of this node's shards, the server of its logs and the mover of shards coming here.
   *
   * @param metadataVersion the metadata version this node's registries are at
   */
  public ClusterShardPlacement placement(LocalShardPlacement local, Function<String, StreamDescriptor> streamsByUid,
      LongSupplier metadataVersion, ShardFileServer files, ShardLogCopy copy) {
    this.files = files;
    dispatcher = new ShardDispatcher(vertx, self);
    placement = new ClusterShardPlacement(vertx, self, this::ownership, local, streamsByUid, metadataVersion,
        replication);
    mover = new ShardMover(vertx, self, this::ownership, group.ownership(), copy, placement);
    return placement;
  }

  /**
   * Answers other nodes' requests to this node's shards, placement requests and log copies; completes once
   * the whole cluster can reach them.
   */
  public Future<Void> listen() {
    return Future.all(dispatcher.listen(), placement.listen(), files.start()).mapEmpty();
  }

  /**
   * Once the node's metadata is loaded and published: follows the ownership from now on, runs what this node
   * owns, and joins the nodes that take shards if it is not among them yet.
   */
  public Future<Void> follow(Supplier<List<StreamDescriptor>> registryStreams) {
    this.streams = registryStreams;
    if (replication != null) return placement.reconcile(streams.get()).otherwiseEmpty();
    return placement.reconcile(streams.get()).otherwiseEmpty()
        .compose(v -> group.ownership().update((catalog, owners) -> ShardRebalance.join(catalog, owners, self)))
        .mapEmpty();
  }

  /**
   * Runs periodically: what the ownership gives this node runs, moves to it proceed, a leaving node drains,
   * and a handover from this node to a node that went down is called off, so that the shard takes appends
   * again (the move is planned anew when that node returns).
   */
  public void tick() {
    placement.reconcile(streams.get());
    if (replication != null) {
      replication.followRetention(streams.get());
      return;
    }
    mover.poke();
    ShardOwnership now = ownership;
    if (!now.nodes().isEmpty() && !now.nodes().contains(self) && ownsAny(now)) rebalance();
    now.moves().forEach((address, move) -> {
      if (move.from().equals(self) && now.held(address) && !live.test(move.to())) {
        group.ownership().update((catalog, owners) -> move.equals(owners.moves().get(address))
            ? owners.withMove(address, null) : owners);
      }
    });
  }

  /** Whether shards are replicated (each on its replicas, served by its group's leader) rather than owned. */
  public boolean replicated() {
    return replication != null;
  }

  /**
   * With replication, planned maintenance of this node: it hands the leadership of its shard groups to the
   * other members and takes none back ({@code drain}), or takes back those it is the preferred leader of again.
   */
  public Future<Void> drainLeadership(boolean drain) {
    return replication == null ? notOwned() : replication.drainLeadership(drain);
  }

  /**
   * With replication: plans the replacement of {@code node} by {@code replacement}, a live member of the
   * cluster, in every shard group it is a member of; the groups' leaders then change their members.
   */
  public Future<Map<String, JsonObject>> replace(String node, String replacement) {
    if (replication == null) {
      return Future.failedFuture(new IllegalArgumentException("shards are not replicated: POST /cluster/leave moves a "
          + "node's shards to the others"));
    }
    if (!live.test(replacement)) {
      return Future.failedFuture(new IllegalArgumentException("node " + replacement + " is not a live member of the cluster"));
    }
    return replication.replace(group.documents(), node, replacement);
  }

  /**
   * With replication: plans the node's leaving every shard group it is a member of, each group taking in the
   * live member with the fewest places that it does not have.
   */
  public Future<Map<String, JsonObject>> removeFromGroups(String node, Set<String> liveNodes) {
    if (replication == null) {
      return Future.failedFuture(new IllegalArgumentException("shards are not replicated: POST /cluster/leave moves a "
          + "node's shards to the others"));
    }
    return replication.remove(group.documents(), node, liveNodes);
  }

  /**
   * With replication: plans the member changes that spread the shard groups evenly over these nodes, the
   * cluster's live members (a node that joined takes places from those with the most).
   */
  public Future<Map<String, JsonObject>> spreadGroups(Set<String> liveNodes) {
    if (replication == null) return notOwned().map(v -> null);
    return replication.spread(group.documents(), liveNodes);
  }

  /** With replication, each shard group's members (and next members while they change); else null. */
  public Map<String, JsonObject> groups() {
    return replication == null ? null : replication.describeGroups();
  }

  private static Future<Void> notOwned() {
    return Future.failedFuture(new IllegalArgumentException("shards are not replicated: they move between owners"));
  }

  /** Moves every shard of the node to the others, and takes it out of the nodes that get shards. */
  public Future<ShardOwnership> leave(String node) {
    if (replication != null) return notWithReplication();
    return group.ownership().update((catalog, owners) -> ShardRebalance.leave(catalog, owners, node));
  }

  /** Plans the moves that spread every stream evenly over the nodes. */
  public Future<ShardOwnership> rebalance() {
    if (replication != null) return notWithReplication();
    return group.ownership().update(ShardRebalance::plan);
  }

  private static Future<ShardOwnership> notWithReplication() {
    return Future.failedFuture(new IllegalArgumentException("shards are replicated (replication.factor above 1): "
        + "they stay on their replicas, and their groups elect the leaders that serve them"));
  }

  private void reconcileSoon() {
    if (reconcilePending || streams == null) return;
    reconcilePending = true;
    context.runOnContext(v -> {
      reconcilePending = false;
      placement.reconcile(streams.get());
      if (replication == null) mover.poke();
    });
  }

  private boolean ownsAny(ShardOwnership now) {
    for (StreamDescriptor stream : streams.get()) {
      for (ShardDescriptor shard : stream.shards()) {
        if (self.equals(now.ownerOf(ShardAddress.of(stream.uid(), shard.shardId())))) return true;
      }
    }
    return false;
  }
}
