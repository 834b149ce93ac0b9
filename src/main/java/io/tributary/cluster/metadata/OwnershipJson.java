package io.tributary.cluster.metadata;

import io.tributary.shard.ShardOwnership;
import io.tributary.shard.ShardOwnership.MovePhase;
import io.tributary.shard.ShardOwnership.ShardMove;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shard ownership in the metadata group's entries and snapshots:
 * {@code {"nodes": [name], "pinned": {shard address: node}, "moves": {shard address: {"from": node,
 * "to": node, "phase": "COPY" | "HANDOVER"}}}}.
 */
final class OwnershipJson {
  private OwnershipJson() { }

  static JsonObject toJson(ShardOwnership ownership) {
    JsonObject pinned = new JsonObject();
    new TreeMap<>(ownership.pinned()).forEach(pinned::put);
    JsonObject moves = new JsonObject();
    new TreeMap<>(ownership.moves()).forEach((address, move) -> moves.put(address,
        new JsonObject().put("from", move.from()).put("to", move.to()).put("phase", move.phase().name())));
    return new JsonObject().put("nodes", new JsonArray(new ArrayList<>(ownership.nodes())))
        .put("pinned", pinned).put("moves", moves);
  }

  static ShardOwnership fromJson(JsonObject json, long version) {
    if (json == null) return ShardOwnership.NONE.at(version);
    List<String> nodes = new ArrayList<>();
    json.getJsonArray("nodes", new JsonArray()).forEach(node -> nodes.add((String) node));
    Map<String, String> pinned = new TreeMap<>();
    json.getJsonObject("pinned", new JsonObject()).forEach(entry -> pinned.put(entry.getKey(), (String) entry.getValue()));
    Map<String, ShardMove> moves = new TreeMap<>();
    json.getJsonObject("moves", new JsonObject()).forEach(entry -> {
      JsonObject move = (JsonObject) entry.getValue();
      moves.put(entry.getKey(), new ShardMove(move.getString("from"), move.getString("to"),
          MovePhase.valueOf(move.getString("phase"))));
    });
    return new ShardOwnership(nodes, pinned, moves, version);
  }
}
