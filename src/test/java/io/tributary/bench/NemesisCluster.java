package io.tributary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.support.ChildCluster;
import io.tributary.support.ChildServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The three node JVMs a nemesis run breaks and mends: each node keeps its data directory ({@code node-<i>}) and its
 * cluster port across restarts, while its API and management ports are new after each (so callers ask for the
 * node's current {@link ChildServer} each time).
 */
final class NemesisCluster implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  /** Starts that fail (timing out on a busy machine) are tried this many times in all. */
  private static final int START_ATTEMPTS = 3;

  private final Path directory;
  private final List<Integer> ports;
  private final Map<String, String> settings;
  private final AtomicReferenceArray<ChildServer> nodes;

  private NemesisCluster(Path directory, List<Integer> ports, Map<String, String> settings, List<ChildServer> started) {
    this.directory = directory;
    this.ports = ports;
    this.settings = settings;
    this.nodes = new AtomicReferenceArray<>(started.toArray(ChildServer[]::new));
  }

  /**
   * Starts {@code size} nodes in {@code directory}, each with these TRIBUTARY_* settings, and waits until all are
   * ready. A start that times out (a busy machine) is tried again on new ports in {@code directory/attempt-<n>},
   * the failed attempt's logs left where they are.
   */
  static NemesisCluster start(Path directory, int size, Map<String, String> settings) {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      Path in = attempt == 1 ? directory : directory.resolve("attempt-" + attempt);
      List<Integer> ports = ChildCluster.clusterPorts(size);
      try {
        return new NemesisCluster(in, ports, settings, ChildCluster.start(in, ports, settings));
      } catch (RuntimeException failed) {
        last = failed;
        NemesisRun.log("the cluster did not start (attempt %d of %d): %s", attempt, START_ATTEMPTS,
            String.valueOf(failed.getMessage()).lines().findFirst().orElse(""));
      }
    }
    throw last;
  }

  int size() {
    return nodes.length();
  }

  /** The node's process as last started (a killed one until it is started again). */
  ChildServer node(int index) {
    return nodes.get(index);
  }

  /** The {@code host:port} the cluster knows node {@code index} by (its Hazelcast member address). */
  String name(int index) {
    return "127.0.0.1:" + ports.get(index);
  }

  /** Where the nodes keep their data and logs ({@code node-<i>}, {@code node-<i>-server.log}). */
  Path directory() {
    return directory;
  }

  void kill(int index) throws InterruptedException {
    nodes.get(index).kill();
  }

  /** Starts a killed node again on its data directory and waits until it is ready. */
  void restart(int index) {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      try {
        nodes.set(index, ChildServer.start(directory.resolve("node-" + index),
            ChildCluster.nodeSettings(index, ports, settings)));
        return;
      } catch (RuntimeException failed) {
        last = failed;
        NemesisRun.log("node %d did not start (attempt %d of %d): %s", index, attempt, START_ATTEMPTS,
            failed.getMessage().lines().findFirst().orElse(""));
      }
    }
    throw last;
  }

  void pause(int index) throws IOException, InterruptedException {
    nodes.get(index).signal("STOP");
  }

  void resume(int index) throws IOException, InterruptedException {
    nodes.get(index).signal("CONT");
  }

  void awaitReady(int index, Duration timeout) {
    nodes.get(index).awaitReady(timeout);
  }

  /**
   * Which node leads each shard (by shard id), as node {@code index}'s GET /cluster tells: each member's
   * {@code shards} are those whose groups it leads.
   */
  Map<String, String> leaders(int index) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + nodes.get(index).managementPort() + "/cluster");
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) throw new IOException("GET " + uri + ": " + response.statusCode() + " " + response.body());
    Map<String, String> leaders = new HashMap<>();
    for (JsonNode member : JSON.readTree(response.body()).path("members")) {
      if ("DOWN".equals(member.path("state").asText())) continue;
      for (JsonNode shard : member.path("shards")) {
        if (!member.path("name").isNull()) leaders.put(shard.get("shardId").asText(), member.get("name").asText());
      }
    }
    return leaders;
  }

  /** Kills every node, as the end of a run does: the data directories stay, with the logs, for a look afterwards. */
  @Override
  public void close() {
    for (int i = 0; i < nodes.length(); i++) {
      try {
        nodes.get(i).signal("CONT");
      } catch (Exception alreadyGone) {
        // killed and not started again
      }
      try {
        nodes.get(i).kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
