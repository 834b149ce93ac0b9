package io.tributary.cluster;

import io.vertx.core.json.JsonObject;

/**
 * One node of the cluster as {@code GET /cluster} shows it: its node id (the Vert.x cluster manager's, kept as an
 * attribute of its Hazelcast member), the host and Hazelcast port the others reach it at, and the API and management
 * ports it advertises. A port is null where there is none (no cluster port with clustering off) or where
 * the node has not published its own yet ({@link State#JOINING}).
 */
public record ClusterMember(String node, String host, Integer clusterPort, Integer apiPort, Integer managementPort,
    State state) {

  public enum State {
    /** In the member list, and its ports are published. */
    UP,
    /**
     * In the member list, its ports not known: not yet published (it is still starting), or its node
     * information could not be read in time.
     */
    JOINING
  }

  /** {@code {"node", "host", "clusterPort", "apiPort", "managementPort", "state"}}; room is left for "shards". */
  public JsonObject toJson() {
    return new JsonObject()
        .put("node", node)
        .put("host", host)
        .put("clusterPort", clusterPort)
        .put("apiPort", apiPort)
        .put("managementPort", managementPort)
        .put("state", state.name());
  }
}
