package io.tributary.cluster.metadata;

import io.tributary.shard.ShardOwnership;
import io.tributary.stream.MetadataWriter;
import io.tributary.stream.SharedDocuments;
import io.tributary.stream.StreamCatalog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in the cluster's metadata group: one Apache Ratis Raft group whose voters keep the stream
 * catalog (streams, shards, consumers, policies, channels, account settings) in their logs and snapshots, so
 * that it is the same on every node and survives the loss of a minority of voters and a restart of all.
 *
 * <p>A node that is not one of the voters follows the group as a Ratis listener: on start it asks the leader
 * to list it in the group's configuration, then receives every entry (or the leader's snapshot when the log
 * it needs was purged) as a voter does, without a vote and without counting towards a majority, so that the
 * group grows past its voters without slowing their commits. It {@linkplain #leave() leaves} when the node
 * leaves the cluster for good.
 *
 * <p>A node uses it as it uses streams.json: its {@link MetadataWriter} writes through {@link #catalog()} (to
 * the leader, voter or listener alike), and the group {@linkplain #publishTo publishes} every catalog this
 * node applies, whoever wrote it, into that writer. The Raft server listens on this node's host and port
 * (gRPC transport, shaded by Ratis, so it shares nothing with Vert.x's Netty) and keeps its files under the
 * storage directory.
 */
public final class MetadataGroup {
  /** How long a listener keeps asking to be listed or dropped: through elections and the leader's snapshot. */
  private static final Duration RECONFIGURATION_TIMEOUT = Duration.ofSeconds(60);
  private static final Logger LOG = LoggerFactory.getLogger(MetadataGroup.class);

  private final Context context;
  private final MetadataGroupSettings settings;
  private final RaftGroupId groupId;
  private final ListenerEnrolment enrolment;
  private final RaftServer server;
  private final CatalogStateMachine machine;
  private final RaftStreamCatalog catalog;
  private final OwnershipWriter ownership;
  private final DocumentWriter documents;
  /** The log index of the no-op this node wrote at its start, once the group kept it. */
  private final CompletableFuture<Long> announced;

  private MetadataGroup(Context context, MetadataGroupSettings settings, Consumer<RaftProperties> tuning)
      throws IOException {
    this.context = context;
    this.settings = settings;
    RaftGroup group = group(settings);
    groupId = group.getGroupId();
    Files.createDirectories(settings.storageDir());
    RaftProperties properties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
    GrpcConfigKeys.Server.setHost(properties, settings.local().host());
    GrpcConfigKeys.Server.setPort(properties, settings.local().port());
    RaftServerConfigKeys.setStorageDir(properties, List.of(settings.storageDir().toFile()));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, settings.snapshotEvery());
    RaftServerConfigKeys.Snapshot.setCreationGap(properties, settings.snapshotEvery());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
    // Only every snapshotEvery entries: a stop then restarts from the log as a crash does.
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(properties, false);
    tuning.accept(properties);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
    machine = new CatalogStateMachine();
    server = RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(settings.localId()))
        .setGroup(group)
        .setProperties(properties)
        .setStateMachine(machine)
        .setOption(RaftStorage.StartupOption.RECOVER)
        .build();
    // Each admin request gives up after a few tries, so that the enrolment's own deadline holds.
    enrolment = new ListenerEnrolment(() -> client(settings, null,
        RetryPolicies.retryUpToMaximumCountWithFixedSleep(10, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS))),
        groupId, settings.voters().stream().map(voter -> RaftPeerId.valueOf(voter.id())).toList(),
        RECONFIGURATION_TIMEOUT);
    try {
      server.start();
      // A listener is listed by the group's configuration only once it asked: on the first start of a node
      // that joins later, or on a restart after the node left. Already listed, nothing changes.
      if (!settings.voter()) enrolment.join(peer(settings.local(), RaftPeerRole.LISTENER));
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    announced = announce(settings);
    catalog = new RaftStreamCatalog(context, this::writeClient, machine, settings.commitTimeout());
    ownership = new OwnershipWriter(context, this::writeClient, machine, settings.commitTimeout());
    documents = new DocumentWriter(context, this::writeClient, machine, settings.commitTimeout());
  }

  /**
   * Writes an entry that changes nothing ({@link CatalogEntries#noop}). A member back with an empty log (its
   * disk was lost) hears only heartbeats from the leader of an idle group, and Ratis's leader goes on sending
   * them from where the member was before, never learning that it must start it over (or send it a snapshot)
   * until an entry is written; so a member that starts writes one. Its client is closed off this thread.
   * Completes with the entry's log index once the group kept it.
   */
  private static CompletableFuture<Long> announce(MetadataGroupSettings settings) {
    RaftClient once = client(settings, null,
        RetryPolicies.retryUpToMaximumCountWithFixedSleep(100, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)));
    CompletableFuture<Long> kept = new CompletableFuture<>();
    once.async().send(CatalogEntries.noop()).whenComplete((reply, failure) -> CompletableFuture.runAsync(() -> {
      if (failure == null && reply.isSuccess()) kept.complete(reply.getLogIndex());
      try {
        once.close();
      } catch (IOException e) {
        // a client that sent one entry holds nothing to lose
      }
    }));
    return kept;
  }

  /**
   * Completes once this node has applied the no-op it wrote at its start: its catalog then holds every change
   * the group kept before the node started, also after days down or on an empty disk, so that the node never
   * answers ResourceNotFoundException for a stream the cluster has. It completes all the same after
   * {@code patience} (no majority answers), with the catalog this node holds.
   */
  public Future<Void> caughtUp(Duration patience) {
    return AppliedWait.until(context.owner(), () -> {
      Long index = announced.getNow(null);
      return index != null && machine.getLastAppliedTermIndex().getIndex() >= index;
    }, System.currentTimeMillis() + patience.toMillis(), "the no-op it wrote at its start").recover(late -> {
      LOG.warn("the metadata group kept no entry of this node within {} ms: starting with the catalog held here,"
          + " version {}", patience.toMillis(), machine.state().version());
      return Future.succeededFuture();
    });
  }

  /**
   * Starts this node's Raft server for the group (recovering its log and latest snapshot) on a worker; a
   * listener's start completes once the group's configuration lists it. Writes are answered on the caller's
   * context.
   */
  public static Future<MetadataGroup> start(Vertx vertx, MetadataGroupSettings settings) {
    return start(vertx, settings, properties -> { });
  }

  /** As {@link #start(Vertx, MetadataGroupSettings)}, with Ratis's settings retuned (tests: tiny log segments). */
  static Future<MetadataGroup> start(Vertx vertx, MetadataGroupSettings settings, Consumer<RaftProperties> tuning) {
    Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> new MetadataGroup(context, settings, tuning), false);
  }

  /**
   * The group of a cluster: its id is derived from the cluster's name; its peers are the voters and, on a
   * listener, the listener itself, so that its server starts in that role.
   */
  static RaftGroup group(MetadataGroupSettings settings) {
    UUID id = UUID.nameUUIDFromBytes(("tributary-metadata/" + settings.clusterName()).getBytes(StandardCharsets.UTF_8));
    List<RaftPeer> peers = new ArrayList<>();
    for (MetadataPeer voter : settings.voters()) peers.add(peer(voter, RaftPeerRole.FOLLOWER));
    if (!settings.voter()) peers.add(peer(settings.local(), RaftPeerRole.LISTENER));
    return RaftGroup.valueOf(RaftGroupId.valueOf(id), peers);
  }

  private static RaftPeer peer(MetadataPeer peer, RaftPeerRole role) {
    return RaftPeer.newBuilder().setId(peer.id()).setAddress(peer.address()).setStartupRole(role).build();
  }

  /**
   * A client towards the voters that retries (through elections, towards the leader) as the policy says,
   * trying the given peer first (the first voter when null). The catalog's writes retry until it gives them up.
   */
  private static RaftClient client(MetadataGroupSettings settings, RaftPeerId leader, RetryPolicy retries) {
    RaftProperties properties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(properties,
        TimeDuration.valueOf(Math.max(200, settings.commitTimeout().toMillis() / 3), TimeUnit.MILLISECONDS));
    List<RaftPeer> voters = settings.voters().stream().map(voter -> peer(voter, RaftPeerRole.FOLLOWER)).toList();
    RaftClient.Builder builder = RaftClient.newBuilder()
        .setClientId(ClientId.randomId())
        .setRaftGroup(RaftGroup.valueOf(group(settings).getGroupId(), voters))
        .setProperties(properties)
        .setRetryPolicy(retries);
    if (leader != null) builder.setLeaderId(leader);
    return builder.build();
  }

  /** A client for this node's writes: it retries through elections until the writer gives the write up. */
  private RaftClient writeClient() {
    return client(settings, writeLeader(),
        RetryPolicies.retryForeverWithSleep(TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)));
  }

  /**
   * Where a write goes first: a voter sends to itself (it is often the leader, and otherwise knows it); a
   * listener to the leader it last heard from, if any.
   */
  private RaftPeerId writeLeader() {
    if (settings.voter()) return RaftPeerId.valueOf(settings.localId());
    try {
      RaftPeerId leader = server.getDivision(groupId).getInfo().getLeaderId();
      return leader != null && settings.voters().stream().anyMatch(voter -> voter.id().equals(leader.toString()))
          ? leader : null;
    } catch (IOException closed) {
      return null;
    }
  }

  /** The catalog a {@link MetadataWriter} of this node writes to. */
  public StreamCatalog catalog() {
    return catalog;
  }

  /**
   * From now on, every catalog this node applies is installed into the writer (on the group's
   * context, in order), starting with the one it holds now.
   */
  public void publishTo(MetadataWriter writer) {
    machine.listen((contents, version) -> {
      catalog.applied(contents, version);
      context.runOnContext(v -> writer.install(contents, version));
    });
    CatalogStateMachine.State now = machine.state();
    catalog.applied(now.contents(), now.version());
    if (now.version() > 0) context.runOnContext(v -> writer.install(now.contents(), now.version()));
  }

  /** Where this node changes the shard ownership the group holds. */
  public OwnershipWriter ownership() {
    return ownership;
  }

  /**
   * From now on, the ownership after every entry this node applies goes to the listener (on Ratis's apply
   * thread, in order), starting with the one it holds now.
   */
  public void followOwnership(Consumer<ShardOwnership> listener) {
    machine.listenOwnership(listener);
    listener.accept(machine.state().ownership());
  }

  /** The cluster's shared documents, kept by the group. */
  public SharedDocuments documents() {
    return documents;
  }

  /** The version of the catalog this node has applied. */
  public long appliedVersion() {
    return machine.state().version();
  }

  /** Whether this node is one of the group's voters; if not, it follows the group as a listener. */
  public boolean voter() {
    return settings.voter();
  }

  /** The ids of the group's listeners, as the configuration this node holds lists them. */
  public List<String> listeners() {
    try {
      return server.getDivision(groupId).getRaftConf().getCurrentPeers(RaftPeerRole.LISTENER).stream()
          .map(peer -> peer.getId().toString())
          .sorted()
          .toList();
    } catch (IOException closed) {
      throw new IllegalStateException("the metadata group is closed", closed);
    }
  }

  /**
   * For a node that leaves the cluster for good: asks the group to drop this listener from its configuration,
   * then stops as {@link #close()} does. A voter cannot leave: the voters are a static list.
   */
  public Future<Void> leave() {
    if (settings.voter()) {
      return Future.failedFuture(new IllegalStateException("node " + settings.localId()
          + " is a voter of the metadata group, which keeps a static list of voters"));
    }
    RaftPeer self = peer(settings.local(), RaftPeerRole.LISTENER);
    Future<Void> dropped = context.owner().executeBlocking(() -> {
      enrolment.leave(self);
      return null;
    }, false);
    return dropped.compose(v -> close());
  }

  /** Stops the client and the Raft server, on a worker. */
  public Future<Void> close() {
    return catalog.close().eventually(ownership::close).eventually(documents::close)
        .eventually(() -> context.owner().executeBlocking(() -> {
          server.close();
          return null;
        }, false));
  }
}
