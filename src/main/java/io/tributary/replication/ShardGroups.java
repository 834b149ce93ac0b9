package io.tributary.replication;

import io.tributary.log.ShardLog;
import io.tributary.log.WriterFence;
import io.tributary.log.WriterFencedException;
import io.tributary.shard.ShardClosedException;
import io.tributary.shard.ShardDirectories;
import io.tributary.shard.ShardLogCopy;
import io.tributary.shard.ShardUnavailableException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.impl.RaftClientImpl;
import org.apache.ratis.client.impl.UnorderedAsync;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in the replication of shard logs: one Apache Ratis server (gRPC, on the cluster port plus
 * {@code cluster.replication.port.offset}) carrying every shard group this node is a member of (see
 * {@link ShardGroupPlan}), with the node's copies of those groups' shard logs as their state machines.
 *
 * <p>A shard is appended to on its group's leader: the append becomes an entry of the group's Raft log, and
 * the caller is answered when this node applies it, which it does only once a majority of the group holds it.
 * A leader that is deposed before its entries commit never applies them, and the next leader's log replaces
 * them on its members (Raft's log matching); a deposed leader cannot commit, so it acknowledges nothing.
 */
public final class ShardGroups {
  private static final Logger LOG = LoggerFactory.getLogger(ShardGroups.class);
  /** The largest entry a group takes: a PutRecords call carries at most 5 MiB of data, plus its keys. */
  private static final SizeInBytes LARGEST_ENTRY = SizeInBytes.valueOf("8MB");
  /** How long the client towards a group's leader waits between two tries (through an election). */
  private static final long CLIENT_RETRY_MILLIS = 100;
  /** How far a preferred leader's applied entries may trail the commit index when it asks for leadership back. */
  private static final long CAUGHT_UP_ENTRIES = 100;
  /** How long a member waits before it writes its start's no-op again, when the group could not take it. */
  private static final long ANNOUNCE_RETRY_MILLIS = 1_000;

  private final Vertx vertx;
  private final ReplicationSettings settings;
  /** The cluster's plan as this node last applied it: which groups it keeps replicas of, and their members. */
  private volatile ShardGroupPlan plan;
  /** Told the group whose change of members this node, its leader, has made: the plan may say it is done. */
  private final IntConsumer membersChanged;
  private final ReplicaLogs logs;
  /** Serves this node's snapshots to members catching up, and fetches the leader's when this one must. */
  private final ReplicaCatchUp catchUp;
  private final RaftServer server;
  private final RaftPeerId selfId;
  private final ClientId clientId = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();
  /** Names the entries this node incarnation writes, so that it knows its own when it applies them. */
  private final long origin = new SecureRandom().nextLong();
  private final AtomicLong entryIds = new AtomicLong();
  /** This node's appends waiting for their entries to be applied here, by entry id. */
  private final Map<Long, Waiting> waiting = new ConcurrentHashMap<>();
  private final Map<Integer, Group> groups = new ConcurrentHashMap<>();
  /** The groups whose change of members this node is making now, as their leader. */
  private final Set<Integer> changing = ConcurrentHashMap.newKeySet();
  /** Each group's no-op written at this node's start, by its log index, once committed ({@link #announce}). */
  private final Map<Integer, Long> startMarks = new ConcurrentHashMap<>();
  /** The groups this node has applied its start's no-op in: its replicas serve their shards. */
  private final Set<Integer> caughtUp = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;
  private final ExecutorService clientSends = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "tributary-replication-sends");
    thread.setDaemon(true);
    return thread;
  });
  /** Submits the entries of the groups this node leads to its own Raft server ({@link #submitHere}). */
  private final ExecutorService localSubmits = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "tributary-replication-submits");
    thread.setDaemon(true);
    return thread;
  });
  /** Set while this node hands its groups' leadership to the other members (planned maintenance: {@link #drain}). */
  private volatile boolean draining;
  /**
   * Changes the members of the groups this node leads, as the plan says, one at a time: a change waits while
   * a joining member catches up, which may take as long as copying its shard logs.
   */
  private final ExecutorService memberChanges = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "tributary-member-changes");
    thread.setDaemon(true);
    return thread;
  });
  /** Asks, now and then, for the leadership of the groups this node is the preferred leader of. */
  private final ScheduledExecutorService leaderBalance = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "tributary-leader-balance");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * A group this node is a member of: its Raft id, its context, its state machine (with this node's replicas),
   * a client that sends this node's appends to the group's leader when that is another node, and one that asks
   * the leader, once at a time, to hand its leadership to this node.
   */
  private record Group(int index, RaftGroupId id, Context context, ShardGroupStateMachine machine, RaftClient client,
      RaftClient admin) { }

  /** An append of this node's waiting for its entry to be applied here, and the group it was written to. */
  private record Waiting(Promise<ShardLog.Stamp> promise, int group) { }

  private ShardGroups(Vertx vertx, ReplicationSettings settings, ShardGroupPlan plan, ReplicaLogs logs, ShardLogCopy copy,
      IntConsumer membersChanged) throws IOException {
    this.vertx = vertx;
    this.settings = settings;
    this.logs = logs;
    this.plan = plan;
    this.membersChanged = membersChanged;
    this.selfId = RaftPeerId.valueOf(ShardGroupPlan.peerId(settings.self()));
    this.catchUp = new ReplicaCatchUp(vertx, copy);
    for (int index : plan.groupsOf(settings.self())) groups.put(index, newGroup(index));
    Files.createDirectories(settings.storageDir());
    deleteGroupsLeft(plan);
    server = RaftServer.newBuilder()
        .setServerId(selfId)
        .setProperties(properties(settings))
        .setStateMachineRegistry(id -> groups.values().stream().filter(group -> group.id().equals(id))
            .findFirst().orElseThrow(() -> new IllegalArgumentException("no shard group " + id + " here")).machine())
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
    try {
      server.start();
      Set<RaftGroupId> present = new HashSet<>();
      server.getGroupIds().forEach(present::add);
      for (Group group : groups.values()) {
        if (!present.contains(group.id())) add(group);
      }
    } catch (IOException | RuntimeException e) {
      closeClients();
      server.close();
      throw e;
    }
    long balanceMillis = settings.failoverTimeout().toMillis() / 4;
    leaderBalance.scheduleWithFixedDelay(this::balanceLeaders, balanceMillis, balanceMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * A client towards a group's leader, wherever it is: Ratis finds it and follows it through elections, and a
   * request it sends again (same call id) is answered from the leader's retry cache, never appended twice.
   */
  private static RaftClient client(RaftGroup group, Duration commitTimeout) {
    RaftProperties properties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
    GrpcConfigKeys.setMessageSizeMax(properties, SizeInBytes.valueOf(2 * LARGEST_ENTRY.getSize()));
    RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(3, TimeUnit.SECONDS));
    long tries = Math.max(1, commitTimeout.toMillis() / CLIENT_RETRY_MILLIS);
    return RaftClient.newBuilder()
        .setClientId(ClientId.randomId())
        .setRaftGroup(group)
        .setProperties(properties)
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep((int) tries,
            TimeDuration.valueOf(CLIENT_RETRY_MILLIS, TimeUnit.MILLISECONDS)))
        .build();
  }

  /** A client for one try at a time, for requests that are simply made again later (leader transfers). */
  private static RaftClient adminClient(RaftGroup group, Duration failoverTimeout) {
    RaftProperties properties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(failoverTimeout.toMillis(), TimeUnit.MILLISECONDS));
    return RaftClient.newBuilder()
        .setClientId(ClientId.randomId())
        .setRaftGroup(group)
        .setProperties(properties)
        .setRetryPolicy(RetryPolicies.noRetry())
        .build();
  }

  /**
   * Deletes the Raft logs of the groups this node was replaced in while it was down, before its Raft server
   * starts: the server would start every group it finds in its storage, and the node is no longer a member.
   */
  private void deleteGroupsLeft(ShardGroupPlan plan) throws IOException {
    List<Integer> mine = plan.groupsOf(settings.self());
    for (int index = 0; index < plan.groups(); index++) {
      Path directory = settings.storageDir().resolve(plan.groupId(index).toString());
      if (mine.contains(index) || !Files.isDirectory(directory)) continue;
      LOG.info("This node is no longer a member of shard group {}; deleting its Raft log", index);
      ShardDirectories.deleteTree(directory);
    }
  }

  private Group newGroup(int index) {
    Context context = ((VertxInternal) vertx).createEventLoopContext();
    ShardGroupStateMachine machine = new ShardGroupStateMachine(vertx, context, logs, this::applied, catchUp);
    return new Group(index, RaftGroupId.valueOf(plan.groupId(index)), context, machine,
        client(raftGroup(index), settings.commitTimeout()), adminClient(raftGroup(index), settings.failoverTimeout()));
  }

  /**
   * Adds a group to this node's Raft server: a member with the group's members; one joining it with no
   * members at all, so that it starts no election and waits for the leader, which sends it the group's log (or
   * has it install a snapshot) and then the configuration that names it.
   */
  private void add(Group group) throws IOException {
    RaftGroup raftGroup = plan.members(group.index()).contains(settings.self())
        ? RaftGroup.valueOf(group.id(), peers(plan.members(group.index()))) : RaftGroup.valueOf(group.id());
    RaftClientReply added = server.groupManagement(GroupManagementRequest.newAdd(clientId, selfId,
        callIds.incrementAndGet(), raftGroup));
    if (!added.isSuccess()) throw new IOException("shard group " + group.index() + " did not start: " + added.getException());
  }

  /**
   * Follows a change of the cluster's plan, on a worker: joins the groups it now keeps replicas of (they catch
   * up from their leaders) and leaves those it no longer does, removing their Raft logs; the shard logs of a
   * group left are deleted with the shards' verticles.
   */
  void update(ShardGroupPlan changed) throws IOException {
    plan = changed;
    List<Integer> mine = changed.groupsOf(settings.self());
    for (int index : mine) {
      if (groups.containsKey(index)) continue;
      Group group = newGroup(index);
      groups.put(index, group);
      add(group);
      LOG.info("Joined shard group {}: it is changing its members to {}", index, changed.next(index));
      announce(group);
    }
    for (Group group : List.copyOf(groups.values())) {
      if (mine.contains(group.index())) continue;
      groups.remove(group.index());
      // This node applies none of the group's entries from now on: its appends still waiting are answered now
      // (their shards' verticles stop next), as unknown, since the new members may yet commit them.
      waiting.forEach((id, entry) -> {
        if (entry.group() == group.index()) {
          fail(id, new ShardUnavailableException("this node left the shard's group; the append may still be committed"));
        }
      });
      startMarks.remove(group.index());
      caughtUp.remove(group.index());
      group.client().close();
      group.admin().close();
      Promise<Void> forgotten = Promise.promise();
      group.context().runOnContext(v -> group.machine().forget(address -> true).onComplete(forgotten));
      forgotten.future().toCompletionStage().toCompletableFuture().join();
      RaftClientReply removed = server.groupManagement(GroupManagementRequest.newRemove(clientId, selfId,
          callIds.incrementAndGet(), group.id(), true, false));
      LOG.info("Left shard group {}, whose members are {} now{}", group.index(), changed.members(group.index()),
          removed.isSuccess() ? "" : " (its Raft server: " + removed.getException() + ")");
    }
  }

  /** Starts this node's Raft server for its shard groups (recovering their logs) on a worker. */
  static Future<ShardGroups> start(Vertx vertx, ReplicationSettings settings, ShardGroupPlan plan, ReplicaLogs logs,
      ShardLogCopy copy, IntConsumer membersChanged) {
    return vertx.executeBlocking(() -> new ShardGroups(vertx, settings, plan, logs, copy, membersChanged), false)
        .compose(groups -> groups.catchUp.serve(settings.self(), groups::machineOf).map(groups))
        .onSuccess(ShardGroups::announce);
  }

  /**
   * Writes a no-op entry to each group. A member back with an empty log (its disk was lost) hears only
   * heartbeats from a leader of an idle group, and Ratis's leader goes on sending them from where the member
   * was before, never learning that it must start it over (or have it install a snapshot) until an entry is
   * written; so a member that starts writes one.
   */
  private void announce() {
    for (Group group : groups.values()) announce(group);
  }

  /** Writes the group's no-op, again a moment later until it is committed (a majority may be starting too). */
  private void announce(Group group) {
    if (closing) return;
    sendToLeader(group, Message.valueOf(ShardEntries.noop())).whenComplete((reply, failure) -> {
      if (failure == null && reply.isSuccess()) {
        startMarks.put(group.index(), reply.getLogIndex());
      } else {
        LOG.debug("Shard group {} took no no-op entry from this node at its start yet", group.index(),
            failure != null ? failure : reply.getException());
        vertx.setTimer(ANNOUNCE_RETRY_MILLIS, t -> announce(group));
      }
    });
  }

  /**
   * Whether this node's replicas of the shard's group hold what was committed before this node started: it has
   * applied the no-op it wrote then ({@link #announce}). Until then they may lack records (a node back with an
   * empty disk catches up), so this node's requests for the group's shards go to the leader.
   */
  public boolean caughtUp(String shardAddress) {
    Group group = groups.get(plan.groupOf(shardAddress));
    if (group == null) return false;
    if (caughtUp.contains(group.index())) return true;
    Long mark = startMarks.get(group.index());
    if (mark == null || group.machine().getLastAppliedTermIndex().getIndex() < mark) return false;
    caughtUp.add(group.index());
    return true;
  }

  /** The state machine of the group with the id, if this node is a member of it. */
  private ShardGroupStateMachine machineOf(String groupId) {
    for (Group group : groups.values()) {
      if (group.id().toString().equals(groupId)) return group.machine();
    }
    return null;
  }

  private static RaftProperties properties(ReplicationSettings settings) {
    String self = settings.self();
    RaftProperties properties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
    GrpcConfigKeys.Server.setHost(properties, self.substring(0, self.lastIndexOf(':')));
    GrpcConfigKeys.Server.setPort(properties, Integer.parseInt(self.substring(self.lastIndexOf(':') + 1))
        + settings.portOffset());
    GrpcConfigKeys.setMessageSizeMax(properties, SizeInBytes.valueOf(2 * LARGEST_ENTRY.getSize()));
    RaftServerConfigKeys.setStorageDir(properties, List.of(settings.storageDir().toFile()));
    long failover = settings.failoverTimeout().toMillis();
    RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(failover / 4, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(failover / 2, TimeUnit.MILLISECONDS));
    // The write buffer holds what the appender sends at once, plus Ratis's own framing.
    RaftServerConfigKeys.Log.setWriteBufferSize(properties, SizeInBytes.valueOf(LARGEST_ENTRY.getSize() + (64 << 10)));
    RaftServerConfigKeys.Log.setSegmentSizeMax(properties, LARGEST_ENTRY);
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(properties, LARGEST_ENTRY);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, settings.snapshotEvery());
    RaftServerConfigKeys.Snapshot.setCreationGap(properties, settings.snapshotEvery());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
    // Entries a member has not committed stay, so that a member back from a crash catches up from the log.
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, false);
    // What a snapshot covers goes at once (Ratis's default waits for 1024 entries): the shard logs hold it.
    RaftServerConfigKeys.Log.setPurgeGap(properties, (int) Math.min(settings.snapshotEvery(), 1024));
    // A member that lacks dropped entries is told to fetch the leader's snapshot (its shard logs) itself.
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(properties, false);
    return properties;
  }

  /**
   * A group's members, all with the same priority: an election must not wait for a preferred member that
   * stalled (a candidate holds its victory until every member of higher priority has answered or the election
   * timed out), so leadership goes back to the preferred member by transfer instead ({@link #balanceLeaders}).
   */
  private RaftGroup raftGroup(int index) {
    return RaftGroup.valueOf(RaftGroupId.valueOf(plan.groupId(index)), peers(plan.replicas(index)));
  }

  private List<RaftPeer> peers(List<String> nodes) {
    List<RaftPeer> peers = new ArrayList<>();
    for (String node : nodes) {
      String host = node.substring(0, node.lastIndexOf(':'));
      int port = Integer.parseInt(node.substring(node.lastIndexOf(':') + 1)) + settings.portOffset();
      peers.add(RaftPeer.newBuilder().setId(ShardGroupPlan.peerId(node)).setAddress(host + ":" + port).build());
    }
    return peers;
  }

  /**
   * Planned maintenance: from now on this node hands the leadership of every group it leads to another member
   * and no longer asks for any back, so that it can be stopped without a failover; until {@link #undrain} or
   * a restart.
   */
  public void drain() {
    draining = true;
    leaderBalance.execute(this::balanceLeaders);
  }

  /** Ends a {@link #drain}: the node takes back the groups it is the preferred leader of. */
  public void undrain() {
    draining = false;
    leaderBalance.execute(this::balanceLeaders);
  }

  /**
   * Moves leadership where it belongs, on this node's own thread (a transfer waits for the leader's answer).
   * Draining, this node hands over each group it leads. Otherwise it asks for the leadership of each group it is
   * the preferred leader of, when another member has led it for at least half the failover timeout (so not in
   * the middle of an election) and this node has applied nearly all it has committed. The leader hands over
   * once its follower holds its whole log (Ratis's leader transfer: it refuses new appends meanwhile, which the
   * writers send again), so leadership spreads evenly again after a node comes back.
   */
  private void balanceLeaders() {
    long failoverMillis = settings.failoverTimeout().toMillis();
    for (Group group : groups.values()) {
      RaftPeerId leader = group.machine().leader();
      List<String> next = plan.next(group.index());
      if (next != null && selfId.equals(leader) && changing.add(group.index())) {
        memberChanges.execute(() -> changeMembers(group, next));
      }
      try {
        if (draining) {
          if (selfId.equals(leader)) handOver(group, failoverMillis, node -> true);
          continue;
        }
        if (!plan.members(group.index()).get(0).equals(settings.self())) continue;
        if (leader == null || leader.equals(selfId) || group.machine().leaderForMillis() < failoverMillis / 2) continue;
        RaftServer.Division division = server.getDivision(group.id());
        long behind = division.getRaftLog().getLastCommittedIndex() - division.getInfo().getLastAppliedIndex();
        if (behind > CAUGHT_UP_ENTRIES) continue;
        RaftClientReply reply = group.admin().admin().transferLeadership(selfId, failoverMillis / 2);
        if (reply.isSuccess()) LOG.info("Took back the leadership of shard group {} from {}", group.index(), leader);
      } catch (IOException | RuntimeException e) {
        LOG.debug("Shard group {} did not move its leadership yet", group.index(), e);
      }
    }
  }

  /**
   * Hands the leadership of a group this node leads to the member that answered it last (one that is up: a
   * transfer to a member that is down would hold the group's appends until it timed out).
   */
  private void handOver(Group group, long failoverMillis, Predicate<String> eligible) throws IOException {
    RoleInfoProto role = server.getDivision(group.id()).getInfo().getRoleInfoProto();
    if (!role.hasLeaderInfo()) return;
    ServerRpcProto target = null;
    for (ServerRpcProto follower : role.getLeaderInfo().getFollowerInfoList()) {
      if (follower.getLastRpcElapsedTimeMs() > failoverMillis / 4) continue;
      if (!eligible.test(ShardGroupPlan.nodeOf(follower.getId().getId().toStringUtf8()))) continue;
      if (target == null || follower.getLastRpcElapsedTimeMs() < target.getLastRpcElapsedTimeMs()) target = follower;
    }
    if (target == null) return;
    RaftPeerId to = RaftPeerId.valueOf(target.getId().getId());
    RaftClientReply reply = server.transferLeadership(new TransferLeadershipRequest(clientId, selfId, group.id(),
        callIds.incrementAndGet(), to, failoverMillis / 2));
    if (reply.isSuccess()) LOG.info("Handed the leadership of shard group {} to {}", group.index(), to);
  }

  /**
   * Makes a group's members those the plan says it changes to, as its leader: Ratis first brings the joining
   * members up to date (they install a snapshot, {@link ReplicaCatchUp}), then commits the old and new members
   * together and then the new ones alone, so that every entry committed meanwhile is held by a majority of
   * both. Once the new members are committed the plan is told the change is done; if this node stops leading
   * first, the next leader makes the change again, and a change to the members a group has already is done at
   * once.
   */
  private void changeMembers(Group group, List<String> next) {
    try {
      if (!next.contains(settings.self())) {
        // A leader the change takes out hands the group to a member that stays, which then makes the change:
        // the appends this node has under way are then applied here before it leaves, and answered.
        List<String> staying = plan.members(group.index()).stream().filter(next::contains).toList();
        handOver(group, settings.failoverTimeout().toMillis(), staying::contains);
        return;
      }
      RaftClientReply reply = server.setConfiguration(new SetConfigurationRequest(clientId, selfId, group.id(),
          callIds.incrementAndGet(), peers(next)));
      if (reply.isSuccess()) {
        LOG.info("Shard group {} has the members {} now", group.index(), next);
        membersChanged.accept(group.index());
      } else {
        LOG.info("Shard group {} did not change its members to {} yet: {}", group.index(), next,
            String.valueOf(reply.getException()));
      }
    } catch (IOException | RuntimeException e) {
      LOG.info("Shard group {} did not change its members to {} yet: {}", group.index(), next, e.toString());
    } finally {
      changing.remove(group.index());
    }
  }

  /** The node that leads the shard's group as this node last heard, or null while it knows of none. */
  public String leaderOf(String shardAddress) {
    int index = plan.groupOf(shardAddress);
    Group group = groups.get(index);
    if (group == null) return null;
    RaftPeerId leader = group.machine().leader();
    return leader == null ? null : ShardGroupPlan.nodeOf(leader.toString());
  }

  /**
   * The log of a shard this node keeps a replica of, as its verticle uses it: reads from this node's replica,
   * appends through the group. To be called on the verticle's context.
   */
  public Future<ShardLog> attach(String shardAddress) {
    Group group = groups.get(plan.groupOf(shardAddress));
    if (group == null) {
      return Future.failedFuture(new IllegalStateException(settings.self() + " keeps no replica of " + shardAddress));
    }
    Context caller = vertx.getOrCreateContext();
    Promise<ShardReplica> opened = Promise.promise();
    group.context().runOnContext(v -> group.machine().replica(shardAddress)
        .onComplete(result -> caller.runOnContext(w -> opened.handle(result))));
    return opened.future().map(replica -> new ReplicatedShardLog(this, shardAddress, replica, caller, group.context()));
  }

  /** Sets the retention of this node's replica of a shard, if it keeps one and has opened it. */
  public void setRetention(String shardAddress, long millis) {
    Group group = groups.get(plan.groupOf(shardAddress));
    if (group != null) group.context().runOnContext(v -> group.machine().ifOpen(shardAddress,
        replica -> replica.log().setRetentionMillis(millis)));
  }

  /** Closes the replicas of the shards at the addresses that match (their data is about to be deleted). */
  public Future<Void> forget(Predicate<String> shardAddresses) {
    List<Future<Void>> closed = new ArrayList<>();
    for (Group group : groups.values()) {
      Promise<Void> done = Promise.promise();
      group.context().runOnContext(v -> group.machine().forget(shardAddresses).onComplete(done));
      closed.add(done.future());
    }
    return Future.join(closed).mapEmpty();
  }

  /**
   * Writes an append of this node's to the shard's group: completes (on the caller's context) with the offset
   * of its first record and the arrival time it was stored with, once it is committed and applied here; fails with {@link ShardClosedException} when
   * the shard was sealed before it, and with {@link ShardUnavailableException} when whether it will be applied
   * is unknown (no leader committed it in time).
   */
  Future<ShardLog.Stamp> append(String shardAddress, List<ShardLog.Entry> records, WriterFence fence, Context caller) {
    long id = entryIds.incrementAndGet();
    return submit(shardAddress, id, ShardEntries.append(shardAddress, origin, id, records, fence), caller);
  }

  /**
   * Raises a writer's fence on every replica of the shard: once this completes, the group applies no append of
   * an earlier generation of the writer, whichever node sent it and however long it was under way.
   */
  Future<ShardLog.Stamp> fence(String shardAddress, WriterFence fence, Context caller) {
    long id = entryIds.incrementAndGet();
    return submit(shardAddress, id, ShardEntries.fence(shardAddress, origin, id, fence), caller);
  }

  /** Seals the shard on every replica; completes with its end offset once every append before is durable here. */
  Future<ShardLog.Stamp> seal(String shardAddress, Context caller) {
    long id = entryIds.incrementAndGet();
    return submit(shardAddress, id, ShardEntries.seal(shardAddress, origin, id), caller);
  }

  /**
   * Writes an entry to the group through its leader ({@link #send}). The caller is answered when this node applies the entry, whichever
   * leader committed it, or told the outcome is unknown once the commit timeout has passed.
   */
  private Future<ShardLog.Stamp> submit(String shardAddress, long id, ByteString entry, Context caller) {
    Group group = groups.get(plan.groupOf(shardAddress));
    if (group == null) {
      return Future.failedFuture(new ShardUnavailableException(settings.self() + " keeps no replica of " + shardAddress));
    }
    Promise<ShardLog.Stamp> answered = Promise.promise();
    waiting.put(id, new Waiting(answered, group.index()));
    long timer = vertx.setTimer(settings.commitTimeout().toMillis(), t -> fail(id,
        new ShardUnavailableException(shardAddress + ": the append was not committed in time; it may still be")));
    send(group, id, Message.valueOf(entry));
    Promise<ShardLog.Stamp> onCaller = Promise.promise();
    answered.future().onComplete(result -> {
      vertx.cancelTimer(timer);
      caller.runOnContext(v -> onCaller.handle(result));
    });
    return onCaller.future();
  }

  /**
   * Sends an entry that is still waiting to the group's leader: straight into this node's Raft server when it
   * leads, through the group's client otherwise; and again a moment after each send that fails (this node was
   * deposed while the entry waited, the leader is handing over, the client gave up during an election). A
   * failed send may still be committed, which is why the group applies an entry once however often it is sent
   * ({@link AppliedEntryIds}).
   */
  private void send(Group group, long id, Message message) {
    if (!waiting.containsKey(id)) return;
    // A leader that the plan is taking out of the group sends through the client too: its division shuts down
    // as soon as the new members are committed, and a submission to a division that has shut down never returns.
    List<String> next = plan.next(group.index());
    boolean here = selfId.equals(group.machine().leader()) && (next == null || next.contains(settings.self()));
    CompletableFuture<RaftClientReply> sent = here ? submitHere(group, message) : sendToLeader(group, message);
    sent.whenComplete((reply, failure) -> {
      if ((failure != null || !reply.isSuccess()) && waiting.containsKey(id)) {
        vertx.setTimer(CLIENT_RETRY_MILLIS, t -> send(group, id, message));
      }
    });
  }

  /**
   * Through the group's client, unordered (Ratis's ordered sends wait behind one another, so one sent to a
   * leader that stalled would hold back all that follow), from a thread of its own so that no event loop ever
   * waits on the client.
   */
  private CompletableFuture<RaftClientReply> sendToLeader(Group group, Message message) {
    return CompletableFuture.supplyAsync(() -> UnorderedAsync.send(RaftClientRequest.writeRequestType(), message, null,
        (RaftClientImpl) group.client()), clientSends).thenCompose(reply -> reply);
  }

  /**
   * Into this node's Raft server, from a thread of its own: Ratis hands the submission to the group's own
   * executor and waits for it there, which no event loop may do.
   */
  private CompletableFuture<RaftClientReply> submitHere(Group group, Message message) {
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(clientId)
        .setServerId(selfId)
        .setGroupId(group.id())
        .setCallId(callIds.incrementAndGet())
        .setMessage(message)
        .setType(RaftClientRequest.writeRequestType())
        .build();
    return CompletableFuture.supplyAsync(() -> {
      try {
        return server.submitClientRequestAsync(request);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, localSubmits).thenCompose(reply -> reply);
  }

  private void fail(long id, RuntimeException failure) {
    Waiting entry = waiting.remove(id);
    if (entry != null) entry.promise().tryFail(failure);
  }

  /** What an entry did here: answers the append of this node's that wrote it. */
  private void applied(ShardEntries.Entry entry, AsyncResult<Message> result) {
    if (entry.origin() != origin) return;
    Waiting waited = waiting.remove(entry.id());
    if (waited == null) return;
    Promise<ShardLog.Stamp> promise = waited.promise();
    if (result.failed()) {
      promise.tryFail(new ShardUnavailableException(entry.address() + ": " + result.cause().getMessage()));
      return;
    }
    ByteBuffer outcome = result.result().getContent().asReadOnlyByteBuffer();
    byte kind = outcome.get();
    if (kind == ShardEntries.APPLIED) {
      promise.tryComplete(new ShardLog.Stamp(outcome.getLong(), outcome.getLong()));
    } else if (kind == ShardEntries.FENCED) {
      promise.tryFail(new WriterFencedException("writer " + entry.fence().key() + " of generation "
          + entry.fence().generation() + " is fenced off " + entry.address() + " by a newer generation"));
    } else {
      promise.tryFail(new ShardClosedException());
    }
  }

  private void closeClients() {
    for (Group group : groups.values()) {
      try {
        group.client().close();
        group.admin().close();
      } catch (IOException e) {
        LOG.warn("Could not close the clients of shard group {}", group.index(), e);
      }
    }
  }

  /**
   * Stops the Raft server (the groups' logs stay) and closes the replicas, on a worker. The groups this node
   * leads are handed to other members first, so that a planned stop (a rolling restart) waits for no election.
   */
  public Future<Void> close() {
    closing = true;
    return vertx.<Void>executeBlocking(() -> {
      draining = true;
      leaderBalance.shutdownNow();
      leaderBalance.awaitTermination(settings.failoverTimeout().toMillis(), TimeUnit.MILLISECONDS);
      for (Group group : groups.values()) {
        if (!selfId.equals(group.machine().leader())) continue;
        try {
          handOver(group, settings.failoverTimeout().toMillis(), node -> true);
        } catch (IOException | RuntimeException e) {
          LOG.info("Stopping while leading shard group {} ({}): the others elect a leader", group.index(), e.toString());
        }
      }
      clientSends.shutdown();
      localSubmits.shutdown();
      memberChanges.shutdownNow();
      closeClients();
      server.close();
      return null;
    }, false).eventually(() -> forget(address -> true)).eventually(catchUp::stop);
  }
}
