package io.tributary.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;

/**
 * The Hazelcast member configuration of a node, from its {@link ClusterSettings}: the member listens on
 * {@code cluster.host:cluster.port} exactly (no port auto-increment, so a node is where its settings say),
 * announces the advertised host, joins over TCP-IP with {@code cluster.members} or by a DNS lookup of a
 * Kubernetes headless Service, and never uses multicast, cloud auto-detection or the phone-home call.
 * The three structures the Vert.x cluster manager keeps (event-bus subscriptions, HA and node information)
 * are configured as its own {@code default-cluster.xml} does, since this configuration replaces that file.
 */
public final class HazelcastConfigBuilder {
  /** Vert.x's event-bus subscriptions, HA information and node information, each with one backup. */
  static final String SUBSCRIPTIONS = "__vertx.subs";
  static final String HA_INFO = "__vertx.haInfo";
  static final String NODE_INFO = "__vertx.nodeInfo";

  private HazelcastConfigBuilder() { }

  public static Config build(ClusterSettings cluster) {
    Config config = new Config();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.logging.type", "slf4j");
    // The server's own shutdown leaves the cluster (Vert.x closes the cluster manager); Hazelcast's hook
    // would race it and stop the member under the event bus.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // A graceful leave waits for partition backups to move; it must end within the server's 20 s shutdown.
    config.setProperty("hazelcast.graceful.shutdown.max.wait", "15");
    failureDetection(config, cluster.failureTimeoutMillis());

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    if (!cluster.host().equals(ClusterSettings.WILDCARD)) {
      network.getInterfaces().setEnabled(true).addInterface(cluster.host());
      config.setProperty("hazelcast.socket.bind.any", "false");
    }
    if (cluster.advertisedHost() != null) network.setPublicAddress(cluster.advertisedHost() + ":" + cluster.port());

    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.kubernetesDiscovery()) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", cluster.kubernetesServiceDns())
          .setProperty("service-port", String.valueOf(cluster.port()));
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }

    config.addMultiMapConfig(new MultiMapConfig(SUBSCRIPTIONS).setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig(HA_INFO).setBackupCount(1));
    config.addMapConfig(new MapConfig(NODE_INFO).setBackupCount(1));
    return config;
  }

  /**
   * Hazelcast counts heartbeats in whole seconds: the timeout is rounded up, and heartbeats go out five
   * times within it (at least once a second), so that one lost heartbeat does not drop a member.
   */
  private static void failureDetection(Config config, long timeoutMillis) {
    long timeoutSeconds = Math.max(2, (timeoutMillis + 999) / 1000);
    long intervalSeconds = Math.max(1, timeoutSeconds / 5);
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(timeoutSeconds));
    config.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(intervalSeconds));
    // A member dropped while it stalled (a long pause) forms a cluster of its own; it merges back within seconds,
    // not Hazelcast's default five minutes, so that its event bus reaches the others again.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(timeoutSeconds));
    config.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(timeoutSeconds));
  }
}
