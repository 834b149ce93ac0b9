package io.tributary.replication;

import io.tributary.log.ShardLog;
import io.tributary.shard.FileShardStorage;
import io.tributary.shard.ShardAddress;
import io.tributary.shard.ShardLocator;
import io.tributary.shard.ShardLogCopy;
import io.tributary.shard.ShardReplicaSets;
import io.tributary.shard.ShardStorage;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Shard logs replicated over a cluster's nodes ({@code replication.factor} above 1): where each shard is kept
 * ({@link ShardReplicaSets}), where its requests go (its group's leader: {@link #locator}), and the storage the
 * shard verticles of this node open their logs from, each a view of this node's replica ({@link ShardGroups}).
 *
 * <p>Made before the node loads its metadata (placement needs the replica sets); its Raft server starts once
 * the node has set aside the logs its catalog does not list, before any shard starts.
 */
public final class ShardReplication implements ShardStorage, ShardReplicaSets, ReplicaLogs {
  private final Vertx vertx;
  private final ReplicationSettings settings;
  private final ShardGroupPlan plan;
  private final FileShardStorage files;
  /** Copies the leader's shard logs to a member of a group catching up from its snapshot. */
  private final ShardLogCopy copy;
  private final Function<String, StreamDescriptor> streamsByUid;
  private volatile ShardGroups groups;
  /** The retention each replica here was last given, by shard address. */
  private final Map<String, Long> retentions = new ConcurrentHashMap<>();

  /**
   * @param copy copies shard logs from other nodes, for a member catching up from its leader's snapshot
   * @param streamsByUid this node's view of the streams, by stream incarnation uid (null when unknown)
   */
  public ShardReplication(Vertx vertx, ReplicationSettings settings, FileShardStorage files, ShardLogCopy copy,
      Function<String, StreamDescriptor> streamsByUid) {
    this.vertx = vertx;
    this.copy = copy;
    this.settings = settings;
    this.plan = new ShardGroupPlan(settings.clusterName(), settings.nodes(), settings.factor());
    this.files = files;
    this.streamsByUid = streamsByUid;
  }

  /**
   * Starts this node's Raft server for its shard groups; they replay what their logs hold past their snapshots.
   * Fails, starting nothing, when the cluster's members or factor are not those the groups were made for.
   */
  public Future<Void> start() {
    return vertx.executeBlocking(() -> {
      java.nio.file.Files.createDirectories(settings.storageDir());
      plan.keepOrCheck(settings.storageDir());
      return null;
    }, false).compose(v -> ShardGroups.start(vertx, settings, this, copy)).onSuccess(started -> groups = started).mapEmpty();
  }

  public Future<Void> close() {
    ShardGroups started = groups;
    return started == null ? Future.succeededFuture() : started.close();
  }

  @Override
  public List<String> nodesOf(String shardAddress) {
    return plan.members(plan.groupOf(shardAddress));
  }

  @Override
  public List<String> allNodes() {
    return settings.nodes();
  }

  private boolean caughtUp(String shardAddress) {
    ShardGroups started = groups;
    return started != null && started.caughtUp(shardAddress);
  }

  /** The node that leads the shard's group as this node last heard, or null. */
  public String leaderOf(String shardAddress) {
    ShardGroups started = groups;
    return started == null ? null : started.leaderOf(shardAddress);
  }

  /**
   * Planned maintenance of this node: hands the leadership of its shard groups to the other members and takes
   * none back ({@code drain}), or ends that; see {@link ShardGroups#drain}.
   */
  public Future<Void> drainLeadership(boolean drain) {
    ShardGroups started = groups;
    if (started == null) return Future.failedFuture(new IllegalStateException("the shard groups have not started"));
    if (drain) started.drain(); else started.undrain();
    return Future.succeededFuture();
  }

  /**
   * A node that keeps a replica of a shard serves it itself: reads from its replica (committed records only),
   * appends through the group to its leader, wherever that is; so the shard is served through every replica
   * while a majority of its group is up, whatever the event bus between the nodes does. Until its replica holds
   * what was committed before the node started ({@link ShardGroups#caughtUp}: a node back with an empty disk
   * catches up first), and on any other node, requests go to the group's leader, or to any replica that is up.
   */
  public ShardLocator locator(String self, Predicate<String> live) {
    return new ShardLocator() {
      @Override
      public Route route(String address) {
        List<String> replicas = nodesOf(address);
        String leader = leaderOf(address);
        boolean kept = replicas.contains(self);
        if (kept && (self.equals(leader) || caughtUp(address))) return Route.HERE;
        if (leader != null && !leader.equals(self) && live.test(leader)) return new Route(Location.ELSEWHERE, leader);
        for (String replica : replicas) {
          if (!replica.equals(self) && live.test(replica)) return new Route(Location.ELSEWHERE, replica);
        }
        return kept ? Route.HERE : new Route(Location.DOWN, leader);
      }

      /** The group's leader keeps the claims; while it is unknown or down, the shard as routed. */
      @Override
      public Route claimRoute(String address) {
        String leader = leaderOf(address);
        if (self.equals(leader)) return Route.HERE;
        if (leader != null && live.test(leader)) return new Route(Location.ELSEWHERE, leader);
        return route(address);
      }

      /** Every other replica that is up keeps a copy: whichever leads next has the claims. */
      @Override
      public List<Route> claimCopies(String address) {
        Route keeper = claimRoute(address);
        String keeperNode = keeper.location() == Location.HERE ? self : keeper.node();
        List<Route> copies = new ArrayList<>();
        for (String replica : nodesOf(address)) {
          if (replica.equals(keeperNode)) continue;
          if (replica.equals(self)) {
            copies.add(Route.HERE);
          } else if (live.test(replica)) {
            copies.add(new Route(Location.ELSEWHERE, replica));
          }
        }
        return copies;
      }
    };
  }

  /**
   * Gives every replica here its stream's retention, as this node's catalog has it: a change of retention
   * reaches one node's shard verticles, and every replica trims alike. Run periodically.
   */
  public void followRetention(List<StreamDescriptor> streams) {
    ShardGroups started = groups;
    if (started == null) return;
    for (StreamDescriptor stream : streams) {
      long millis = stream.retentionHours() * 3_600_000L;
      for (ShardDescriptor shard : stream.shards()) {
        String address = ShardAddress.of(stream.uid(), shard.shardId());
        if (!nodesOf(address).contains(settings.self())) continue;
        Long before = retentions.put(address, millis);
        if (before == null || before != millis) started.setRetention(address, millis);
      }
    }
  }

  @Override
  public Future<ShardLog> open(StreamDescriptor stream, ShardDescriptor shard) {
    ShardGroups started = groups;
    if (started == null) return Future.failedFuture(new IllegalStateException("the shard groups have not started"));
    return started.attach(ShardAddress.of(stream.uid(), shard.shardId())).andThen(attached -> {
      if (attached.succeeded()) attached.result().setRetentionMillis(stream.retentionHours() * 3_600_000L);
    });
  }

  @Override
  public Future<Void> deleteStream(String streamUid) {
    String prefix = ShardAddress.of(streamUid, "");
    return forget(address -> address.startsWith(prefix)).compose(v -> files.deleteStream(streamUid));
  }

  @Override
  public Future<Void> deleteShard(String streamUid, String shardId) {
    String shard = ShardAddress.of(streamUid, shardId);
    return forget(shard::equals).compose(v -> files.deleteShard(streamUid, shardId));
  }

  private Future<Void> forget(Predicate<String> addresses) {
    ShardGroups started = groups;
    return started == null ? Future.succeededFuture() : started.forget(addresses);
  }

  @Override
  public Future<Void> setAsideUnlisted(Map<String, Set<String>> listed) {
    return files.setAsideUnlisted(listed);
  }

  /** A replica's log, with its stream's retention when this node's catalog has the stream already. */
  @Override
  public Future<ShardLog> open(String shardAddress) {
    String uid = ShardAddress.streamUid(shardAddress);
    String shardId = ShardAddress.shardId(shardAddress);
    StreamDescriptor stream = streamsByUid.apply(uid);
    ShardDescriptor shard = stream == null ? null : stream.shard(shardId);
    return shard != null ? files.open(stream, shard) : files.openUnlisted(uid, shardId);
  }

  @Override
  public Path directory(String shardAddress) {
    return files.directory(ShardAddress.streamUid(shardAddress), ShardAddress.shardId(shardAddress));
  }
}
