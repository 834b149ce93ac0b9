package io.tributary;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tributary.api.CallRates;
import io.tributary.api.ConnectionCounts;
import io.tributary.api.Subscriptions;
import io.tributary.cluster.ClusterMembership;
import io.tributary.cluster.ClusterShards;
import io.tributary.config.Settings;
import io.tributary.api.faults.FaultInjector;
import io.tributary.limits.MemoryBudgets;
import io.tributary.limits.Quotas;
import io.tributary.metrics.StreamMetrics;
import io.tributary.shard.RecordAppender;
import io.tributary.shard.ShardClient;
import io.tributary.shard.ShardIterator;
import io.tributary.shard.StreamHome;
import io.tributary.stream.ConsumerLifecycle;
import io.tributary.stream.ChannelLifecycle;
import io.tributary.stream.ChannelRegistry;
import io.tributary.stream.MetadataWriter;
import io.tributary.stream.SharedDocuments;
import io.tributary.stream.StreamLifecycle;
import io.tributary.stream.StreamRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/** What one server's verticles share: built once at start and handed to each verticle's constructor. */
public record Services(
    Vertx vertx,
    Settings settings,
    Clock clock,
    StreamRegistry registry,
    MetadataWriter metadata,
    StreamLifecycle lifecycle,
    ConsumerLifecycle consumers,
    ChannelRegistry channels,
    ChannelLifecycle channelLifecycle,
    ShardClient shards,
    ShardIterator.Codec iterators,
    PrometheusMeterRegistry meters,
    Subscriptions subscriptions,
    Quotas quotas,
    CallRates callRates,
    FaultInjector faults,
    AtomicBoolean ready,
    WorkerPools pools,
    MemoryBudgets budgets,
    ServerHealth health,
    ConnectionCounts connections,
    StreamMetrics streamMetrics,
    RecordAppender appender,
    ClusterMembership cluster,
    /** This node's share of the cluster's shards: who owns each, moves, membership; null on a single node. */
    ClusterShards clusterShards,
    /** Where each stream's once-per-cluster work (its Kafka mirrors) runs: here, on a single node. */
    StreamHome streamHome,
    /** The documents a cluster keeps the same on every node (the Kafka mirrors' definitions); null on a single node. */
    SharedDocuments sharedDocuments) {
}
