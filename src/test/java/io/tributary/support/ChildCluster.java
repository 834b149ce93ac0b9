package io.tributary.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Clustered server JVMs on 127.0.0.1 ({@link ChildServer}), configured by TRIBUTARY_* variables alone. */
public final class ChildCluster {
  private ChildCluster() { }

  /**
   * Ports for the Hazelcast members of a cluster of this many nodes, each free along with the ports of its
   * metadata and shard groups' Raft servers (100 and 200 above it). Taken below the range the system hands out to outgoing
   * connections, so that none of those can hold one by the time the node binds it.
   */
  public static List<Integer> clusterPorts(int nodes) {
    java.util.Random random = new java.util.Random();
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < nodes) {
      int port = 20_000 + random.nextInt(10_000);
      boolean apart = ports.stream().allMatch(other -> Math.abs(other - port) > 200);
      if (apart && bindable(port) && bindable(port + 100) && bindable(port + 200)) {
        ports.add(port);
      }
    }
    return List.copyOf(ports);
  }

  private static boolean bindable(int port) {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (java.io.IOException taken) {
      return false;
    }
  }

  /** The settings of node {@code index} of a cluster whose Hazelcast members listen on these ports. */
  public static Map<String, String> nodeSettings(int index, List<Integer> clusterPorts) {
    StringBuilder members = new StringBuilder();
    for (int port : clusterPorts) members.append(members.length() == 0 ? "" : ",").append("127.0.0.1:").append(port);
    Map<String, String> settings = new HashMap<>();
    settings.put("TRIBUTARY_CLUSTER_ENABLED", "true");
    settings.put("TRIBUTARY_CLUSTER_HOST", "127.0.0.1");
    settings.put("TRIBUTARY_CLUSTER_PORT", String.valueOf(clusterPorts.get(index)));
    settings.put("TRIBUTARY_CLUSTER_MEMBERS", members.toString());
    settings.put("TRIBUTARY_CLUSTER_SECRET", "a cluster-wide test secret");
    // Shards with owners, which move; the replication tests ask for replicas.
    settings.put("TRIBUTARY_REPLICATION_FACTOR", "1");
    return settings;
  }

  /** {@link #nodeSettings(int, List)} and these. */
  public static Map<String, String> nodeSettings(int index, List<Integer> clusterPorts, Map<String, String> extra) {
    Map<String, String> settings = nodeSettings(index, clusterPorts);
    settings.putAll(extra);
    return settings;
  }

  /** Starts every node at once, each in {@code directory/node-<i>}, and returns them once all are ready. */
  public static List<ChildServer> start(Path directory, List<Integer> clusterPorts) {
    return start(directory, clusterPorts, Map.of());
  }

  /** As {@link #start(Path, List)}, every node with these settings (TRIBUTARY_* variables) too. */
  public static List<ChildServer> start(Path directory, List<Integer> clusterPorts, Map<String, String> extra) {
    // Threads of their own: the common pool may have a single thread on a small machine.
    ExecutorService starters = Executors.newFixedThreadPool(clusterPorts.size());
    try {
      List<CompletableFuture<ChildServer>> starting = new ArrayList<>();
      for (int i = 0; i < clusterPorts.size(); i++) {
        int index = i;
        starting.add(CompletableFuture.supplyAsync(() ->
            ChildServer.start(directory.resolve("node-" + index), nodeSettings(index, clusterPorts, extra)), starters));
      }
      try {
        return starting.stream().map(CompletableFuture::join).toList();
      } catch (RuntimeException failed) {
        // One did not start: stop those that did, or they would outlive the test.
        for (CompletableFuture<ChildServer> node : starting) {
          node.handle((server, failure) -> server).join();
          if (node.isDone() && !node.isCompletedExceptionally()) node.join().close();
        }
        throw failed;
      }
    } finally {
      starters.shutdown();
    }
  }
}
