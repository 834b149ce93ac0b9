package io.tributary.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ChildCluster;
import io.tributary.support.ChildServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three server JVMs on 127.0.0.1, configured by nothing but TRIBUTARY_* variables and the port flags, form one
 * cluster: every node's GET /cluster lists all three with the ports each advertises; a node stopped gracefully
 * leaves the others' lists at once; a fourth node joins; a SIGSTOPped one is dropped once its heartbeats have
 * been missing for the failure timeout (3 s here), and a SIGKILLed one as soon as its connections close.
 */
@Timeout(240)
class ClusterMembershipTest {
  private static final long FAILURE_TIMEOUT_MILLIS = 3000;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<ChildServer> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() throws Exception {
    for (ChildServer node : nodes) node.kill();
  }

  @Test
  void threeNodesSeeEachOtherAndSeeNodesLeaveAndFail() throws Exception {
    Path directory = Files.createTempDirectory("tributary-cluster");
    int[] clusterPorts = ChildCluster.clusterPorts(3).stream().mapToInt(Integer::intValue).toArray();
    String members = "127.0.0.1:" + clusterPorts[0] + ",127.0.0.1:" + clusterPorts[1] + ",127.0.0.1:" + clusterPorts[2];
    // Together, as a new cluster's nodes start: a node is ready once the metadata group, which needs two of its
    // three voters, has taken it among the nodes that get shards.
    List<CompletableFuture<ChildServer>> starting = new ArrayList<>();
    ExecutorService starters = Executors.newFixedThreadPool(3);
    for (int i = 0; i < 3; i++) {
      int index = i;
      starting.add(CompletableFuture.supplyAsync(() -> startNode(directory.resolve("node" + index), clusterPorts[index],
          members), starters));
    }
    try {
      for (CompletableFuture<ChildServer> node : starting) nodes.add(node.join());
    } finally {
      starters.shutdown();
    }

    Map<Integer, String> nodeIds = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      JsonObject cluster = awaitMembers(nodes.get(i), 3, Duration.ofSeconds(60));
      assertTrue(cluster.getBoolean("enabled"));
      nodeIds.put(i, cluster.getString("node"));
    }
    assertEquals(3, new HashSet<>(nodeIds.values()).size(), "three distinct node ids: " + nodeIds);
    for (int i = 0; i < 3; i++) {
      JsonArray listed = get(nodes.get(i)).getJsonArray("members");
      for (int j = 0; j < 3; j++) {
        JsonObject member = memberOf(listed, nodeIds.get(j));
        assertEquals("127.0.0.1", member.getString("host"));
        assertEquals(clusterPorts[j], member.getInteger("clusterPort"));
        assertEquals(nodes.get(j).port(), member.getInteger("apiPort"), "as node " + j + " advertises it");
        assertEquals(nodes.get(j).managementPort(), member.getInteger("managementPort"));
        assertEquals("UP", member.getString("state"));
      }
    }

    // SIGTERM: the shutdown hook closes the server, which leaves the cluster before the process ends, so the
    // others have dropped it by then rather than after the failure timeout.
    nodes.get(2).close();
    OptionalInt exit = nodes.get(2).awaitExit(Duration.ofSeconds(1));
    assertEquals(OptionalInt.of(143), exit, "the process ended on SIGTERM, after its shutdown hook");
    for (int i = 0; i < 2; i++) {
      JsonObject cluster = awaitMembers(nodes.get(i), 2, Duration.ofMillis(FAILURE_TIMEOUT_MILLIS / 3));
      assertEquals(Set.of(nodeIds.get(0), nodeIds.get(1)), nodeIdsOf(cluster), "node 2 left: " + cluster);
    }
    assertTrue(Files.readString(nodes.get(2).log()).contains("Hazelcast Shutdown is completed"),
        "node 2 shut its member down itself; see " + nodes.get(2).log());

    // A fourth node joins the two that are left, with the same variables.
    nodes.add(startNode(directory.resolve("node3"), clusterPorts[2], members));
    String fourth = awaitMembers(nodes.get(3), 3, Duration.ofSeconds(60)).getString("node");
    for (int i = 0; i < 2; i++) {
      assertEquals(Set.of(nodeIds.get(0), nodeIds.get(1), fourth), nodeIdsOf(awaitMembers(nodes.get(i), 3,
          Duration.ofSeconds(10))), "the fourth node joined");
    }

    // SIGSTOP keeps the paused node's connections open: only missing heartbeats reveal it.
    long paused = System.nanoTime();
    nodes.get(3).signal("STOP");
    awaitMembers(nodes.get(0), 2, Duration.ofMillis(FAILURE_TIMEOUT_MILLIS * 5));
    long pausedDetectedMillis = (System.nanoTime() - paused) / 1_000_000;
    assertTrue(pausedDetectedMillis >= FAILURE_TIMEOUT_MILLIS / 2,
        "dropped by the heartbeat timeout, not at once: " + pausedDetectedMillis + " ms");
    nodes.get(3).kill();
    System.out.println("a SIGSTOPped node left the member list after " + pausedDetectedMillis + " ms");

    long killed = System.nanoTime();
    nodes.get(1).kill();
    JsonObject alone = awaitMembers(nodes.get(0), 1, Duration.ofMillis(FAILURE_TIMEOUT_MILLIS * 4));
    long detectedMillis = (System.nanoTime() - killed) / 1_000_000;
    assertEquals(Set.of(nodeIds.get(0)), nodeIdsOf(alone), "node 1 is gone after " + detectedMillis + " ms");
    System.out.println("a SIGKILLed node left the member list after " + detectedMillis + " ms");
  }

  /** A node configured by TRIBUTARY_* variables alone (and the port flags ChildServer passes). */
  private static ChildServer startNode(Path dataDir, int clusterPort, String members) {
    Map<String, String> environment = new HashMap<>();
    environment.put("TRIBUTARY_CLUSTER_ENABLED", "true");
    environment.put("TRIBUTARY_CLUSTER_NAME", "membership-test-" + members.hashCode());
    environment.put("TRIBUTARY_CLUSTER_HOST", "127.0.0.1");
    environment.put("TRIBUTARY_CLUSTER_PORT", String.valueOf(clusterPort));
    environment.put("TRIBUTARY_CLUSTER_MEMBERS", members);
    environment.put("TRIBUTARY_CLUSTER_FAILURE_TIMEOUT_MS", String.valueOf(FAILURE_TIMEOUT_MILLIS));
    environment.put("TRIBUTARY_CLUSTER_SECRET", "membership-test-secret");
    environment.put("TRIBUTARY_REPLICATION_FACTOR", "1");
    return ChildServer.start(dataDir, environment, List.of("-Xmx256m"), System.getProperty("java.class.path"));
  }

  /** Polls a node's GET /cluster until it lists the given number of members, all UP; fails after the bound. */
  private JsonObject awaitMembers(ChildServer node, int count, Duration bound) throws Exception {
    long deadline = System.nanoTime() + bound.toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      last = get(node);
      List<JsonObject> members = live(last);
      boolean allUp = members.stream().allMatch(m -> "UP".equals(m.getString("state")));
      if (members.size() == count && allUp) return last;
      Thread.sleep(100);
    }
    throw new AssertionError("not " + count + " members UP within " + bound + ": " + last + "; see " + node.log());
  }

  private JsonObject get(ChildServer node) throws IOException, InterruptedException {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.managementPort() + "/cluster")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), answer.body());
    return new JsonObject(answer.body());
  }

  private static JsonObject memberOf(JsonArray members, String node) {
    return members.stream().map(JsonObject.class::cast).filter(m -> node.equals(m.getString("node"))).findFirst()
        .orElseThrow(() -> new AssertionError("no member " + node + " in " + members));
  }

  private static Set<String> nodeIdsOf(JsonObject cluster) {
    return live(cluster).stream().map(m -> m.getString("node")).collect(Collectors.toSet());
  }

  /** The members in the cluster now: those of cluster.members that are not up are listed as DOWN. */
  private static List<JsonObject> live(JsonObject cluster) {
    return cluster.getJsonArray("members").stream().map(JsonObject.class::cast)
        .filter(m -> !"DOWN".equals(m.getString("state"))).toList();
  }
}
