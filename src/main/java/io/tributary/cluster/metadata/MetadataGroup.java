package io.tributary.cluster.metadata;

import io.tributary.shard.ShardOwnership;
import io.tributary.stream.MetadataWriter;
import io.tributary.stream.StreamCatalog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;

/**
 * This node's part in the cluster's metadata group: one Apache Ratis Raft group whose voters keep the stream
 * catalog (streams, shards, consumers, policies, channels, account settings) in their logs and snapshots, so
 * that it is the same on every node and survives the loss of a minority of voters and a restart of all.
 *
 * <p>A node uses it as it uses streams.json: its {@link MetadataWriter} writes through {@link #catalog()},
 * and the group {@linkplain #publishTo publishes} every catalog this node's voter applies, whoever wrote it,
 * into that writer. The Raft server listens on this voter's host and port (gRPC transport, shaded by
 * Ratis, so it shares nothing with Vert.x's Netty) and keeps its files under the storage directory.
 */
public final class MetadataGroup {
  private final Context context;
  private final RaftServer server;
  private final CatalogStateMachine machine;
  private final RaftStreamCatalog catalog;
  private final OwnershipWriter ownership;

  private MetadataGroup(Context context, MetadataGroupSettings settings, Consumer<RaftProperties> tuning)
      throws IOException {
    this.context = context;
    RaftGroup group = group(settings);
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
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    catalog = new RaftStreamCatalog(context, () -> client(group, settings), machine, settings.commitTimeout());
    ownership = new OwnershipWriter(context, () -> client(group, settings), machine, settings.commitTimeout());
  }

  /**
   * Starts this node's Raft server for the group (recovering its log and latest snapshot) on a worker;
   * writes are answered on the caller's context.
   */
  public static Future<MetadataGroup> start(Vertx vertx, MetadataGroupSettings settings) {
    return start(vertx, settings, properties -> { });
  }

  /** As {@link #start(Vertx, MetadataGroupSettings)}, with Ratis's settings retuned (tests: tiny log segments). */
  static Future<MetadataGroup> start(Vertx vertx, MetadataGroupSettings settings, Consumer<RaftProperties> tuning) {
    Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> new MetadataGroup(context, settings, tuning), false);
  }

  /** The group of a cluster: its id is derived from the cluster's name. */
  static RaftGroup group(MetadataGroupSettings settings) {
    UUID id = UUID.nameUUIDFromBytes(("tributary-metadata/" + settings.clusterName()).getBytes(StandardCharsets.UTF_8));
    List<RaftPeer> peers = settings.voters().stream()
        .map(voter -> RaftPeer.newBuilder().setId(voter.id()).setAddress(voter.address()).build())
        .toList();
    return RaftGroup.valueOf(RaftGroupId.valueOf(id), peers);
  }

  /** A client that retries (through elections, towards the leader) until the catalog gives the write up. */
  private static RaftClient client(RaftGroup group, MetadataGroupSettings settings) {
    RaftProperties properties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(properties,
        TimeDuration.valueOf(Math.max(200, settings.commitTimeout().toMillis() / 3), TimeUnit.MILLISECONDS));
    return RaftClient.newBuilder()
        .setClientId(ClientId.randomId())
        .setRaftGroup(group)
        .setLeaderId(RaftPeerId.valueOf(settings.localId()))
        .setProperties(properties)
        .setRetryPolicy(RetryPolicies.retryForeverWithSleep(TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
        .build();
  }

  /** The catalog a {@link MetadataWriter} of this node writes to. */
  public StreamCatalog catalog() {
    return catalog;
  }

  /**
   * From now on, every catalog this node's voter applies is installed into the writer (on the group's
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

  /** The version of the catalog this node's voter has applied. */
  public long appliedVersion() {
    return machine.state().version();
  }

  /** Stops the client and the Raft server, on a worker. */
  public Future<Void> close() {
    return catalog.close().eventually(ownership::close).eventually(() -> context.owner().executeBlocking(() -> {
      server.close();
      return null;
    }, false));
  }
}
