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
import io.tributary.stream.SharedDocuments;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shard logs replicated over a cluster's nodes ({@code replication.factor} above 1): where each shard is kept
 * ({@link ShardReplicaSets}), where its requests go (its group's leader: {@link #locator}), and the storage the
 * shard verticles of this node open their logs from, each a view of this node's replica ({@link ShardGroups}).
 *
 * <p>Made before the node loads its metadata (placement needs the replica sets); its Raft server starts once
 * the node has set aside the logs its catalog does not list, before any shard starts.
 */
public final class ShardReplication implements ShardStorage, ShardReplicaSets, ReplicaLogs {
  private static final Logger LOG = LoggerFactory.getLogger(ShardReplication.class);
  private final Vertx vertx;
  private final ReplicationSettings settings;
  /**
   * The cluster's plan of shard groups as this node last applied it: until the node has read the cluster's
   * ({@link #start}), the one its own settings would make.
   */
  private volatile ShardGroupPlan plan;
  private final List<Runnable> planListeners = new CopyOnWriteArrayList<>();
  /** The shards of this node's catalog at its start, by stream uid ({@link #setAsideUnlisted}). */
  private volatile Map<String, Set<String>> listedAtStart = Map.of();
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
    this.plan = ShardGroupPlan.initial(settings.clusterName(), settings.nodes(), settings.factor());
    this.files = files;
    this.streamsByUid = streamsByUid;
  }

  /**
   * Starts this node's Raft server for its shard groups, as the cluster's plan has them (kept among the
   * cluster's shared documents: the first node to start a cluster writes the plan its settings make, or the one
   * its groups were made with before the cluster kept its plan); they replay what their logs hold past their
   * snapshots. From then on the node follows the plan's changes: it joins and leaves groups as their members
   * change. A node the plan does not name keeps no replica and sends each shard's requests to its group.
   */
  public Future<Void> start(SharedDocuments documents) {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(settings.storageDir());
      return Optional.ofNullable(ShardGroupPlan.kept(settings.clusterName(), settings.storageDir()));
    }, false).compose(kept -> clusterPlan(documents, kept.orElse(null))).compose(resolved -> {
      plan = resolved;
      return deleteReplicasNotKept(resolved);
    }).compose(v -> {
      ShardGroupPlan resolved = plan;
      return ShardGroups.start(vertx, settings, resolved, this, copy, group -> changed(documents, group));
    }).onSuccess(started -> {
      groups = started;
      documents.follow(vertx.getOrCreateContext(), all -> follow(all.get(ShardGroupPlan.DOCUMENT)));
    }).mapEmpty();
  }

  private Future<ShardGroupPlan> clusterPlan(SharedDocuments documents, ShardGroupPlan kept) {
    JsonObject current = documents.current().get(ShardGroupPlan.DOCUMENT);
    if (current != null) return Future.succeededFuture(ShardGroupPlan.fromJson(settings.clusterName(), current));
    ShardGroupPlan made = kept != null ? kept : plan;
    // Nodes starting a cluster together each write the plan; whichever write the group applied last is it.
    return documents.put(ShardGroupPlan.DOCUMENT, made.toJson()).map(v ->
        ShardGroupPlan.fromJson(settings.clusterName(), documents.current().get(ShardGroupPlan.DOCUMENT)));
  }

  /**
   * Deletes the shard logs this node keeps of groups it is no longer a member of: it was replaced in them while
   * it was down (the plan says a node has left a group only once the group's new members are committed, so no
   * group needs them). Their Raft logs go as the groups start ({@link ShardGroups}).
   */
  private Future<Void> deleteReplicasNotKept(ShardGroupPlan resolved) {
    Map<String, Set<String>> listed = listedAtStart;
    return vertx.executeBlocking(() -> {
      List<String> present = new ArrayList<>();
      listed.forEach((uid, shardIds) -> {
        for (String shardId : shardIds) {
          String address = ShardAddress.of(uid, shardId);
          if (resolved.replicas(resolved.groupOf(address)).contains(settings.self())) continue;
          if (Files.isDirectory(files.directory(uid, shardId))) present.add(address);
        }
      });
      return present;
    }, false).compose(present -> {
      List<Future<Void>> deleted = new ArrayList<>();
      for (String address : present) {
        LOG.info("This node is no longer a member of the group of shard {}; deleting its copy", address);
        deleted.add(files.deleteShard(ShardAddress.streamUid(address), ShardAddress.shardId(address)));
      }
      return Future.join(deleted).mapEmpty();
    });
  }

  /** Applies the cluster's plan as it is now, on a worker, one change after the other; then tells the listeners. */
  private void follow(JsonObject document) {
    if (document == null) return;
    ShardGroupPlan changed = ShardGroupPlan.fromJson(settings.clusterName(), document);
    if (changed.equals(plan)) return;
    // Requests follow the plan at once: a node leaving a group sends them to the others before it leaves, one
    // joining serves none before it has caught up (ShardGroups.caughtUp).
    plan = changed;
    ShardGroups started = groups;
    vertx.executeBlocking(() -> {
      started.update(changed);
      return null;
    }, true).onComplete(applied -> {
      if (applied.failed()) LOG.warn("Could not follow the cluster's plan of shard groups: {}", applied.cause().toString());
      planListeners.forEach(Runnable::run);
    });
  }

  /** The group's change of members is done (its leader made it here): the plan says so. */
  private void changed(SharedDocuments documents, int group) {
    JsonObject current = documents.current().get(ShardGroupPlan.DOCUMENT);
    if (current == null) return;
    ShardGroupPlan now = ShardGroupPlan.fromJson(settings.clusterName(), current);
    if (now.next(group) == null) return;
    documents.put(ShardGroupPlan.DOCUMENT, now.changed(group).toJson())
        .onFailure(failure -> LOG.info("Shard group {} changed its members; the plan does not say so yet ({})", group,
            failure.toString()));
  }

  /** Told, after this node has followed a change of the cluster's plan, so that its shards follow too. */
  public void whenPlanChanges(Runnable listener) {
    planListeners.add(listener);
  }

  /**
   * Plans the replacement of a node in every group it is a member of (the groups' next members): each group's
   * leader brings the replacement up to date, then changes the members; the node leaves the group once the new
   * members are committed. Completes with the plan written.
   */
  public Future<Map<String, JsonObject>> replace(SharedDocuments documents, String node, String replacement) {
    return change(documents, plan -> plan.replacing(node, replacement));
  }

  /**
   * Plans the node's leaving every group it is a member of: each takes in its place the live node with the
   * fewest places that it does not have ({@link ShardGroupPlan#removing}); then as {@link #replace}.
   */
  public Future<Map<String, JsonObject>> remove(SharedDocuments documents, String node, Set<String> liveNodes) {
    return change(documents, plan -> plan.removing(node, new TreeSet<>(liveNodes)));
  }

  private Future<Map<String, JsonObject>> change(SharedDocuments documents, UnaryOperator<ShardGroupPlan> change) {
    JsonObject current = documents.current().get(ShardGroupPlan.DOCUMENT);
    if (current == null) return Future.failedFuture(new IllegalStateException("the cluster's plan is not known yet"));
    ShardGroupPlan planned;
    try {
      planned = change.apply(ShardGroupPlan.fromJson(settings.clusterName(), current));
    } catch (IllegalArgumentException refused) {
      return Future.failedFuture(refused);
    }
    return documents.put(ShardGroupPlan.DOCUMENT, planned.toJson()).map(v -> planned.describe());
  }

  /**
   * Plans the changes that spread the groups' places evenly over these nodes, the cluster's live members (see
   * {@link ShardGroupPlan#spreadOver}); completes with the plan once it is written (unchanged when they are even).
   */
  public Future<Map<String, JsonObject>> spread(SharedDocuments documents, Set<String> liveNodes) {
    JsonObject current = documents.current().get(ShardGroupPlan.DOCUMENT);
    if (current == null) return Future.failedFuture(new IllegalStateException("the cluster's plan is not known yet"));
    ShardGroupPlan now = ShardGroupPlan.fromJson(settings.clusterName(), current);
    ShardGroupPlan planned = now.spreadOver(new TreeSet<>(liveNodes));
    if (planned.equals(now)) return Future.succeededFuture(now.describe());
    return documents.put(ShardGroupPlan.DOCUMENT, planned.toJson()).map(v -> planned.describe());
  }

  /** Each group's members, and while they change the next ones, by group number. */
  public Map<String, JsonObject> describeGroups() {
    return plan.describe();
  }

  public Future<Void> close() {
    ShardGroups started = groups;
    return started == null ? Future.succeededFuture() : started.close();
  }

  /** The nodes that keep the shard's log: its group's members, and while they change the joining ones. */
  @Override
  public List<String> nodesOf(String shardAddress) {
    ShardGroupPlan now = plan;
    return now.replicas(now.groupOf(shardAddress));
  }

  @Override
  public List<String> allNodes() {
    Set<String> all = new LinkedHashSet<>(settings.nodes());
    all.addAll(plan.nodes());
    return List.copyOf(all);
  }

  private boolean caughtUp(String shardAddress) {
    ShardGroups started = groups;
    return started != null && started.caughtUp(shardAddress);
  }

  /** Whether the plan is taking this node out of the shard's group. */
  private boolean leaving(String shardAddress) {
    ShardGroupPlan now = plan;
    List<String> next = now.next(now.groupOf(shardAddress));
    return next != null && !next.contains(settings.self());
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
        // A replica the plan is taking out of the group serves nothing more itself: what it had under way is
        // applied before it leaves (its group's leader first hands the group to one that stays).
        boolean kept = replicas.contains(self) && !leaving(address);
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
    listedAtStart = Map.copyOf(listed);
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
