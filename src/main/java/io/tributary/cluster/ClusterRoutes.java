package io.tributary.cluster;

import io.tributary.shard.ShardAddress;
import io.tributary.shard.ShardOwners;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /cluster} on the management port (behind the management token, as every route but the probes):
 * <pre>{"enabled": true, "node": "this node's id",
 *  "members": [{"node", "name", "host", "clusterPort", "apiPort", "managementPort", "state",
 *               "shards": [{"account", "region", "stream", "shardId", "open"}, ...]}, ...]}</pre>
 * A member's {@code name} is the {@code host:port} placement knows it by, and {@code shards} are the shards
 * placement gives it. A node of {@code cluster.members} that is not up is listed as {@code DOWN}, with
 * the shards that wait for it. With clustering off, {@code enabled} is false and the members are this node
 * alone, with every shard.
 */
public final class ClusterRoutes {
  private ClusterRoutes() { }

  /** @param owners which node owns each shard; null on a single node */
  public static void mount(ClusterMembership membership, StreamRegistry registry, ShardOwners owners, Router router) {
    router.get("/cluster").handler(ctx -> membership.members()
        .onSuccess(members -> {
          Map<String, JsonArray> shards = shardsByNode(registry, owners);
          JsonArray listed = new JsonArray();
          Set<String> up = new HashSet<>();
          for (ClusterMember member : members) {
            String name = owners == null ? null : member.host() + ":" + member.clusterPort();
            up.add(name);
            listed.add(member.toJson().put("name", name)
                .put("shards", owners == null ? shards.get(null) : shards.getOrDefault(name, new JsonArray())));
          }
          if (owners != null) {
            for (String node : owners.nodes()) {
              if (up.contains(node)) continue;
              int colon = node.lastIndexOf(':');
              listed.add(new JsonObject().put("node", null).put("name", node).put("host", node.substring(0, colon))
                  .put("clusterPort", Integer.parseInt(node.substring(colon + 1))).put("state", "DOWN")
                  .put("shards", shards.getOrDefault(node, new JsonArray())));
            }
          }
          ctx.json(new JsonObject()
              .put("enabled", membership.enabled())
              .put("node", membership.nodeId())
              .put("members", listed));
        })
        .onFailure(ctx::fail));
  }

  /** Every shard of every stream by the name of the node that owns it (null on a single node). */
  private static Map<String, JsonArray> shardsByNode(StreamRegistry registry, ShardOwners owners) {
    Map<String, JsonArray> byNode = new LinkedHashMap<>();
    byNode.put(null, new JsonArray());
    for (StreamDescriptor stream : registry.all()) {
      for (ShardDescriptor shard : stream.shards()) {
        String node = owners == null ? null : owners.ownerOf(ShardAddress.of(stream.uid(), shard.shardId()));
        byNode.computeIfAbsent(node, n -> new JsonArray()).add(new JsonObject()
            .put("account", stream.key().account())
            .put("region", stream.key().region())
            .put("stream", stream.name())
            .put("shardId", shard.shardId())
            .put("open", shard.isOpen()));
      }
    }
    return byNode;
  }
}
