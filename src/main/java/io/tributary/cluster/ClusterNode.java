package io.tributary.cluster;

import io.tributary.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.transport.Transport;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * A clustered Vert.x instance and its membership. {@link #join} starts this node's Hazelcast member, joins
 * the cluster and opens the clustered event bus; closing the Vert.x instance leaves the cluster (Vert.x
 * closes the event bus, then the cluster manager shuts the member down gracefully).
 *
 * <p>The event bus listens on the advertised host ({@code cluster.bus.port}, 0 for any port) and publishes,
 * in its node information, the API and management ports of this node ({@link NodePorts}).
 */
public record ClusterNode(Vertx vertx, ClusterMembership membership) {

  /** Joins the cluster the settings describe, building Vert.x with the given options and transport. */
  public static Future<ClusterNode> join(Settings settings, VertxOptions options, Transport transport) {
    ClusterSettings cluster = ClusterSettings.from(settings);
    EventBusOptions bus = options.getEventBusOptions()
        .setPort(cluster.busPort())
        .setClusterNodeMetadata(NodePorts.of(settings).toJson());
    if (cluster.advertisedHost() != null) bus.setHost(cluster.advertisedHost()).setClusterPublicHost(cluster.advertisedHost());
    HazelcastClusterManager manager = new HazelcastClusterManager(HazelcastConfigBuilder.build(cluster));
    return Vertx.builder()
        .with(options)
        .withTransport(transport)
        .withClusterManager(manager)
        .buildClustered()
        .map(vertx -> new ClusterNode(vertx, new HazelcastMembership(vertx, manager)));
  }
}
