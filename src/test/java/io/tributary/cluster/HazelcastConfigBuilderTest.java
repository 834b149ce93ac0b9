package io.tributary.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import io.tributary.config.SettingsLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Hazelcast member configuration a node's cluster.* settings (and TRIBUTARY_CLUSTER_* variables) make. */
class HazelcastConfigBuilderTest {

  private static Config configOf(Map<String, String> environment) {
    return HazelcastConfigBuilder.build(ClusterSettings.from(SettingsLoader.load(List.of(), environment)));
  }

  @Test
  void theDefaultsListenOnLoopbackAndJoinNothingButTheMemberList() {
    Config config = configOf(Map.of());
    assertEquals("tributary", config.getClusterName());
    assertEquals(5701, config.getNetworkConfig().getPort());
    assertFalse(config.getNetworkConfig().isPortAutoIncrement(), "the port is taken as given");
    assertEquals(List.of("127.0.0.1"), List.copyOf(config.getNetworkConfig().getInterfaces().getInterfaces()));
    assertTrue(config.getNetworkConfig().getInterfaces().isEnabled());
    assertEquals("false", config.getProperty("hazelcast.socket.bind.any"));
    assertEquals("127.0.0.1:5701", config.getNetworkConfig().getPublicAddress());
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertFalse(join.getMulticastConfig().isEnabled(), "no multicast");
    assertFalse(join.getAutoDetectionConfig().isEnabled(), "no cloud auto-detection");
    assertFalse(join.getKubernetesConfig().isEnabled());
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of(), join.getTcpIpConfig().getMembers(), "alone until others join it");
    assertEquals("false", config.getProperty("hazelcast.phone.home.enabled"));
    assertEquals("0", config.getProperty("hazelcast.wait.seconds.before.join"));
    assertEquals("false", config.getProperty("hazelcast.shutdownhook.enabled"));
    assertEquals("15", config.getProperty("hazelcast.graceful.shutdown.max.wait"));
    assertEquals("10", config.getProperty("hazelcast.max.no.heartbeat.seconds"));
    assertEquals("2", config.getProperty("hazelcast.heartbeat.interval.seconds"));
  }

  @Test
  void environmentVariablesSetTheMemberListNameAndAddresses() {
    Config config = configOf(Map.of(
        "TRIBUTARY_CLUSTER_ENABLED", "true",
        "TRIBUTARY_CLUSTER_NAME", "orders",
        "TRIBUTARY_CLUSTER_HOST", "0.0.0.0",
        "TRIBUTARY_CLUSTER_PORT", "6701",
        "TRIBUTARY_CLUSTER_ADVERTISED_HOST", "10.1.2.3",
        "TRIBUTARY_CLUSTER_MEMBERS", "10.1.2.3:6701, 10.1.2.4:6701,10.1.2.5",
        "TRIBUTARY_CLUSTER_FAILURE_TIMEOUT_MS", "2500"));
    assertEquals("orders", config.getClusterName());
    assertEquals(6701, config.getNetworkConfig().getPort());
    assertFalse(config.getNetworkConfig().getInterfaces().isEnabled(), "0.0.0.0 binds every interface");
    assertNull(config.getProperty("hazelcast.socket.bind.any"));
    assertEquals("10.1.2.3:6701", config.getNetworkConfig().getPublicAddress());
    assertEquals(List.of("10.1.2.3:6701", "10.1.2.4:6701", "10.1.2.5"),
        config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    assertEquals("3", config.getProperty("hazelcast.max.no.heartbeat.seconds"), "rounded up to whole seconds");
    assertEquals("1", config.getProperty("hazelcast.heartbeat.interval.seconds"));
  }

  @Test
  void aHeadlessServiceReplacesTheMemberListWithDnsDiscovery() {
    Config config = configOf(Map.of(
        "TRIBUTARY_CLUSTER_KUBERNETES_SERVICE_DNS", "tributary-cluster.streams.svc.cluster.local",
        "TRIBUTARY_CLUSTER_MEMBERS", "127.0.0.1:5701"));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertTrue(join.getKubernetesConfig().isEnabled());
    assertEquals("tributary-cluster.streams.svc.cluster.local", join.getKubernetesConfig().getProperty("service-dns"));
    assertEquals("5701", join.getKubernetesConfig().getProperty("service-port"));
    assertFalse(join.getTcpIpConfig().isEnabled(), "DNS, not the list");
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getAutoDetectionConfig().isEnabled());
  }

  @Test
  void theVertxStructuresAreConfiguredAsTheClusterManagersOwnFileDoes() {
    Config config = configOf(Map.of());
    MultiMapConfig subscriptions = config.getMultiMapConfig("__vertx.subs");
    assertEquals(1, subscriptions.getBackupCount());
    assertEquals(MultiMapConfig.ValueCollectionType.SET, subscriptions.getValueCollectionType());
    assertEquals(1, config.getMapConfig("__vertx.haInfo").getBackupCount());
    assertEquals(1, config.getMapConfig("__vertx.nodeInfo").getBackupCount());
  }

  @Test
  void portRangesAndBadPortsAreRefusedWithTheSettingsName() {
    for (String members : List.of("127.0.0.1:5701-5703", "127.0.0.1:0", "127.0.0.1:x", ":5701")) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
          () -> configOf(Map.of("TRIBUTARY_CLUSTER_MEMBERS", members)), members);
      assertTrue(refused.getMessage().startsWith("setting 'cluster.members'"), refused.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> configOf(Map.of("TRIBUTARY_CLUSTER_PORT", "0")));
    IllegalArgumentException named = assertThrows(IllegalArgumentException.class,
        () -> configOf(Map.of("TRIBUTARY_CLUSTER_HOST", "tributary-0.local")));
    assertEquals("setting 'cluster.host' must be an IP address (0.0.0.0: every interface), not 'tributary-0.local'",
        named.getMessage());
    assertThrows(IllegalArgumentException.class, () -> configOf(Map.of("TRIBUTARY_CLUSTER_FAILURE_TIMEOUT_MS", "500")));
  }
}
