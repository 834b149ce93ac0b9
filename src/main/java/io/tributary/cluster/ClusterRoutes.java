package io.tributary.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code GET /cluster} on the management port (behind the management token, as every route but the probes):
 * <pre>{"enabled": true, "node": "this node's id",
 *  "members": [{"node", "host", "clusterPort", "apiPort", "managementPort", "state"}, ...]}</pre>
 * With clustering off, {@code enabled} is false and the members are this node alone.
 */
public final class ClusterRoutes {
  private ClusterRoutes() { }

  public static void mount(ClusterMembership membership, Router router) {
    router.get("/cluster").handler(ctx -> membership.members()
        .onSuccess(members -> {
          JsonArray listed = new JsonArray();
          for (ClusterMember member : members) listed.add(member.toJson());
          ctx.json(new JsonObject()
              .put("enabled", membership.enabled())
              .put("node", membership.nodeId())
              .put("members", listed));
        })
        .onFailure(ctx::fail));
  }
}
