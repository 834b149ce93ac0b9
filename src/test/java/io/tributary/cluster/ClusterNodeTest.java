package io.tributary.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.config.Settings;
import io.tributary.config.SettingsLoader;
import io.tributary.support.TestServer;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes joined in one JVM (two Vert.x instances, two Hazelcast members on 127.0.0.1): each lists both with
 * the ports the other published, a listener hears the second join, and hears it leave when its Vert.x closes.
 */
@Timeout(120)
class ClusterNodeTest {

  private static Settings settings(int clusterPort, String members, int apiPort, int managementPort) {
    return SettingsLoader.defaults().with(Map.of(
        "cluster.enabled", "true",
        "cluster.name", "node-test-" + members.hashCode(),
        "cluster.port", String.valueOf(clusterPort),
        "cluster.members", members,
        "port", String.valueOf(apiPort),
        "management.port", String.valueOf(managementPort)));
  }

  @Test
  void aListenerHearsANodeJoinAndLeave() throws Exception {
    int first = TestServer.freePort();
    int second = TestServer.freePort();
    String members = "127.0.0.1:" + first + ",127.0.0.1:" + second;
    ClusterNode one = ClusterNode.join(settings(first, members, 1001, 1002), new VertxOptions(), Transport.NIO)
        .await(60, TimeUnit.SECONDS);
    try {
      LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
      one.membership().addListener(new MembershipListener() {
        @Override
        public void joined(String node) {
          heard.add("joined " + node);
        }

        @Override
        public void left(String node) {
          heard.add("left " + node);
        }
      });
      assertTrue(one.membership().enabled());
      assertEquals(List.of(one.membership().nodeId()),
          one.membership().members().await(10, TimeUnit.SECONDS).stream().map(ClusterMember::node).toList());

      ClusterNode two = ClusterNode.join(settings(second, members, 2001, 2002), new VertxOptions(), Transport.NIO)
          .await(60, TimeUnit.SECONDS);
      String twoId = two.membership().nodeId();
      assertEquals("joined " + twoId, heard.poll(30, TimeUnit.SECONDS));
      List<ClusterMember> listed = one.membership().members().await(10, TimeUnit.SECONDS);
      ClusterMember seen = listed.stream().filter(m -> m.node().equals(twoId)).findFirst().orElseThrow();
      assertEquals(new ClusterMember(twoId, "127.0.0.1", second, 2001, 2002, ClusterMember.State.UP), seen);
      assertEquals(2, two.membership().members().await(10, TimeUnit.SECONDS).size());

      two.vertx().close().await(30, TimeUnit.SECONDS);
      assertEquals("left " + twoId, heard.poll(10, TimeUnit.SECONDS), "a closed node leaves");
      assertEquals(List.of(one.membership().nodeId()),
          one.membership().members().await(10, TimeUnit.SECONDS).stream().map(ClusterMember::node).toList());
    } finally {
      one.vertx().close().await(30, TimeUnit.SECONDS);
    }
  }
}
