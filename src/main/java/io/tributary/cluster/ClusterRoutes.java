package io.tributary.cluster;

import io.tributary.shard.ShardAddress;
import io.tributary.shard.ShardOwnership;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cluster on the management port (behind the management token, as every route but the probes).
 *
 * <p>{@code GET /cluster}:
 * <pre>{"enabled": true, "node": "this node's id", "nodes": ["host:port" of the nodes that take shards],
 *  "members": [{"node", "name", "host", "clusterPort", "apiPort", "managementPort", "state",
 *               "shards": [{"account", "region", "stream", "shardId", "open"}, ...]}, ...],
 *  "moves": [{"account", "region", "stream", "shardId", "from", "to", "phase"}, ...]}</pre>
 * A member's {@code name} is the {@code host:port} placement knows it by, and {@code shards} are the shards
 * it owns. A node that owns shards or takes them and is not up is listed as {@code DOWN}, with the shards
 * that wait for it. With clustering off, {@code enabled} is false and the members are this node alone,
 * with every shard.
 *
 * <p>{@code POST /cluster/rebalance} plans the moves that spread every stream evenly over the nodes;
 * {@code POST /cluster/leave?node=host:port} (this node when no node is named) moves every shard of the
 * node to the others and stops giving it shards. Both answer 202 with {@code GET /cluster}'s {@code nodes}
 * and {@code moves} once the plan is in the metadata; the moves then run in the background.
 *
 * <p>With replicated shards (replication.factor above 1) shards do not move: {@code POST /cluster/leave} (on the
 * node itself) drains it, handing the leadership of its shard groups to the other members before maintenance,
 * and {@code POST /cluster/rebalance} ends the drain and spreads the shard groups' places evenly over the live
 * members (a node that joined takes places from those with the most, by the member changes below); both answer
 * 202 with {@code {"node", "draining"}}, the rebalance with the planned {@code groups} too.
 * {@code GET /cluster} then also lists each shard group's members, and while they change its next ones:
 * {@code "groups": {"0": {"members": [...], "next": [...]}, ...}}. {@code POST
 * /cluster/replace?node=host:port&with=host:port} replaces a node, up or down, by a live member that keeps no
 * replica of its groups, in every group it is a member of: each group's leader brings the new member up to date
 * from its snapshot and log, then changes the members, and the node replaced leaves the group (and deletes its
 * copies) once the new members are committed. Without {@code with}, each group takes in the live member with the
 * fewest places that it does not have (the node is to leave the cluster). It answers 202 with the planned
 * {@code groups}.
 */
public final class ClusterRoutes {
  private ClusterRoutes() { }

  /** @param shards this node's share of the cluster's shards; null on a single node */
  public static void mount(ClusterMembership membership, StreamRegistry registry, ClusterShards shards, Router router) {
    router.get("/cluster").handler(ctx -> membership.members()
        .onSuccess(members -> {
          ShardOwnership owners = shards == null ? null : shards.ownership();
          Map<String, JsonArray> byNode = shardsByNode(registry, shards);
          JsonArray listed = new JsonArray();
          Set<String> up = new HashSet<>();
          for (ClusterMember member : members) {
            String name = owners == null ? null : member.host() + ":" + member.clusterPort();
            up.add(name);
            listed.add(member.toJson().put("name", name)
                .put("shards", owners == null ? byNode.get(null) : byNode.getOrDefault(name, new JsonArray())));
          }
          if (owners != null) {
            Set<String> named = new HashSet<>(owners.allNodes());
            named.addAll(byNode.keySet());
            named.remove(null);
            for (String node : named) {
              if (up.contains(node)) continue;
              int colon = node.lastIndexOf(':');
              listed.add(new JsonObject().put("node", null).put("name", node).put("host", node.substring(0, colon))
                  .put("clusterPort", Integer.parseInt(node.substring(colon + 1))).put("state", "DOWN")
                  .put("shards", byNode.getOrDefault(node, new JsonArray())));
            }
          }
          JsonObject body = new JsonObject()
              .put("enabled", membership.enabled())
              .put("node", membership.nodeId())
              .put("members", listed);
          if (owners != null) body.put("nodes", new JsonArray(owners.nodes())).put("moves", moves(registry, owners));
          if (shards != null && shards.replicated()) body.put("groups", new JsonObject(Map.copyOf(shards.groups())));
          ctx.json(body);
        })
        .onFailure(ctx::fail));
    router.post("/cluster/rebalance").handler(ctx -> {
      if (notClustered(ctx, shards)) return;
      if (shards.replicated()) {
        spreadGroups(ctx, membership, shards);
        return;
      }
      shards.rebalance().onComplete(planned -> answerPlan(ctx, registry, planned.result(), planned.cause()));
    });
    router.post("/cluster/replace").handler(ctx -> {
      if (notClustered(ctx, shards)) return;
      String node = ctx.queryParams().get("node");
      String replacement = ctx.queryParams().get("with");
      if (node == null) {
        ctx.response().setStatusCode(400);
        ctx.json(new JsonObject().put("message", "name the node to replace, and its replacement if one: "
            + "?node=host:port&with=host:port"));
        return;
      }
      Future<Map<String, JsonObject>> planning = replacement != null ? shards.replace(node, replacement)
          : liveNames(membership).compose(live -> shards.removeFromGroups(node, live));
      planning.onComplete(planned -> {
        if (planned.failed()) {
          ctx.response().setStatusCode(planned.cause() instanceof IllegalArgumentException ? 409 : 503);
          ctx.json(new JsonObject().put("message", String.valueOf(planned.cause().getMessage())));
          return;
        }
        ctx.response().setStatusCode(202);
        ctx.json(new JsonObject().put("groups", new JsonObject(Map.copyOf(planned.result()))));
      });
    });
    router.post("/cluster/leave").handler(ctx -> {
      if (notClustered(ctx, shards)) return;
      String node = ctx.queryParams().get("node") == null ? shards.self() : ctx.queryParams().get("node");
      if (shards.replicated()) {
        if (node.equals(shards.self())) {
          drainLeadership(ctx, shards, true);
        } else {
          ctx.response().setStatusCode(409);
          ctx.json(new JsonObject().put("message", "with replicated shards a node hands over its leadership itself: "
              + "POST /cluster/leave on " + node));
        }
        return;
      }
      if (!shards.ownership().nodes().contains(node)) {
        ctx.response().setStatusCode(404);
        ctx.json(new JsonObject().put("message", "node " + node + " does not take shards in this cluster; the nodes are "
            + shards.ownership().nodes()));
        return;
      }
      shards.leave(node).onComplete(planned -> answerPlan(ctx, registry, planned.result(), planned.cause()));
    });
  }

  /**
   * With replicated shards: this node hands the leadership of its shard groups to the other members and takes
   * none back (drain), or takes back those it is the preferred leader of; answers 202 at once, the transfers
   * follow within moments ({@code GET /cluster} lists the shards each member leads).
   */
  private static void drainLeadership(RoutingContext ctx, ClusterShards shards, boolean drain) {
    shards.drainLeadership(drain).onComplete(done -> {
      if (done.failed()) {
        ctx.response().setStatusCode(503);
        ctx.json(new JsonObject().put("message", String.valueOf(done.cause().getMessage())));
        return;
      }
      ctx.response().setStatusCode(202);
      ctx.json(new JsonObject().put("node", shards.self()).put("draining", drain));
    });
  }

  /**
   * With replicated shards: this node takes back the groups it is the preferred leader of (the end of a
   * drain), and the groups' places are spread evenly over the cluster's live members, so a node that joined
   * takes its share; answers 202 with {@code {"node", "draining": false, "groups"}}, the member changes follow.
   */
  private static void spreadGroups(RoutingContext ctx, ClusterMembership membership, ClusterShards shards) {
    Future<Map<String, JsonObject>> planning = liveNames(membership)
        .compose(live -> shards.drainLeadership(false).compose(v -> shards.spreadGroups(live)));
    planning.onComplete(planned -> {
      if (planned.failed()) {
        ctx.response().setStatusCode(503);
        ctx.json(new JsonObject().put("message", String.valueOf(planned.cause().getMessage())));
        return;
      }
      ctx.response().setStatusCode(202);
      ctx.json(new JsonObject().put("node", shards.self()).put("draining", false)
          .put("groups", new JsonObject(Map.copyOf(planned.result()))));
    });
  }

  /** The names ({@code host:port}) of the cluster's members that are up. */
  private static Future<Set<String>> liveNames(ClusterMembership membership) {
    return membership.members().map(members -> {
      Set<String> live = new TreeSet<>();
      for (ClusterMember member : members) {
        if (member.state() == ClusterMember.State.UP && member.clusterPort() != null) {
          live.add(member.host() + ":" + member.clusterPort());
        }
      }
      return live;
    });
  }

  private static boolean notClustered(RoutingContext ctx, ClusterShards shards) {
    if (shards != null) return false;
    ctx.response().setStatusCode(409);
    ctx.json(new JsonObject().put("message", "clustering is off (cluster.enabled=false): there is nothing to move"));
    return true;
  }

  private static void answerPlan(RoutingContext ctx, StreamRegistry registry, ShardOwnership planned, Throwable failure) {
    if (failure != null) {
      ctx.response().setStatusCode(failure instanceof IllegalArgumentException ? 409 : 503);
      ctx.json(new JsonObject().put("message", String.valueOf(failure.getMessage())));
      return;
    }
    ctx.response().setStatusCode(202);
    ctx.json(new JsonObject().put("nodes", new JsonArray(planned.nodes())).put("moves", moves(registry, planned)));
  }

  /** The moves under way, each with its shard's stream as this node's registry names it. */
  private static JsonArray moves(StreamRegistry registry, ShardOwnership owners) {
    JsonArray moves = new JsonArray();
    owners.moves().forEach((address, move) -> {
      JsonObject shard = new JsonObject();
      StreamDescriptor stream = registry.findByUid(ShardAddress.streamUid(address));
      if (stream != null) {
        shard.put("account", stream.key().account()).put("region", stream.key().region()).put("stream", stream.name());
      }
      moves.add(shard.put("shardId", ShardAddress.shardId(address)).put("from", move.from()).put("to", move.to())
          .put("phase", move.phase().name()));
    });
    return moves;
  }

  /** Each node's shards: those it owns, or with replication those whose groups it leads. */
  private static Map<String, JsonArray> shardsByNode(StreamRegistry registry, ClusterShards shards) {
    Map<String, JsonArray> byNode = new LinkedHashMap<>();
    byNode.put(null, new JsonArray());
    for (StreamDescriptor stream : registry.all()) {
      for (ShardDescriptor shard : stream.shards()) {
        String node = shards == null ? null : shards.runsOn(ShardAddress.of(stream.uid(), shard.shardId()));
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
