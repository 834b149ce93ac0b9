package io.tributary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The nodes a benchmark talks to, each by its API and management ports on one host, and what their
 * management ports tell: the shard requests each served locally or forwarded (from {@code /metrics}) and
 * which node owns which shard (from {@code /cluster}).
 */
final class ClusterNodes {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REQUESTS = "tributary_shard_requests_total{";

  /** One node: where its API and its management port listen. */
  record Node(int apiPort, int managementPort) { }

  /** Shard requests counted over every node: served by the node that received them, or forwarded. */
  record ShardRequests(double local, double forwarded) {
    ShardRequests minus(ShardRequests before) {
      return new ShardRequests(local - before.local, forwarded - before.forwarded);
    }

    /** The share forwarded, 0 to 1; NaN when nothing was counted. */
    double forwardedShare() {
      double all = local + forwarded;
      return all == 0 ? Double.NaN : forwarded / all;
    }
  }

  final String host;
  final List<Node> nodes;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ClusterNodes(String host, List<Node> nodes) {
    this.host = host;
    this.nodes = List.copyOf(nodes);
  }

  /** {@code api:management,api:management,...}, as the scripts pass them; none for an empty spec. */
  static ClusterNodes parse(String host, String spec) {
    List<Node> nodes = new ArrayList<>();
    for (String pair : spec.isBlank() ? new String[0] : spec.split(",")) {
      String[] ports = pair.trim().split(":");
      nodes.add(new Node(Integer.parseInt(ports[0]), Integer.parseInt(ports[1])));
    }
    return new ClusterNodes(host, nodes);
  }

  /** The counters of {@code tributary_shard_requests_total}, summed over every node. */
  ShardRequests shardRequests() throws IOException, InterruptedException {
    double local = 0;
    double forwarded = 0;
    for (Node node : nodes) {
      for (String line : get(node, "/metrics").split("\n")) {
        if (!line.startsWith(REQUESTS)) continue;
        double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        if (line.contains("route=\"local\"")) local += value;
        if (line.contains("route=\"forwarded\"")) forwarded += value;
      }
    }
    return new ShardRequests(local, forwarded);
  }

  /** The shard ids of {@code stream} that {@code node} owns ({@code owned}) or that other nodes own. */
  Set<String> shardsOf(Node node, String stream, boolean owned) throws IOException, InterruptedException {
    JsonNode cluster = JSON.readTree(get(node, "/cluster"));
    Set<String> shards = new TreeSet<>();
    for (JsonNode member : cluster.path("members")) {
      boolean self = member.path("apiPort").asInt() == node.apiPort();
      if (self != owned) continue;
      for (JsonNode shard : member.path("shards")) {
        if (stream.equals(shard.path("stream").asText())) shards.add(shard.path("shardId").asText());
      }
    }
    return shards;
  }

  private String get(Node node, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://" + host + ":" + node.managementPort() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) throw new IOException("GET " + path + ": HTTP " + response.statusCode());
    return response.body();
  }
}
