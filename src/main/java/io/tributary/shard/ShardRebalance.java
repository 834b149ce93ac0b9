package io.tributary.shard;

import io.tributary.shard.ShardOwnership.MovePhase;
import io.tributary.shard.ShardOwnership.ShardMove;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamCatalog;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans which shards move where when nodes join or leave, or when asked to rebalance: every stream's
 * shards spread evenly over the nodes (counts differ by at most one), moving as few as possible. Nodes
 * keep the shards they have up to their share, the most loaded keeping the larger shares; the rest go,
 * in index order, to the nodes below their share, each to the one of highest rendezvous weight for it.
 *
 * <p>Streams being resharded, created or deleted are left as they are until a later plan: a move copies a
 * shard whose set of shards is settled. Moves already under way are kept, unless their target has left.
 */
public final class ShardRebalance {
  private ShardRebalance() { }

  /**
   * The ownership with the node among the nodes and moves that give it its share; for a node that is among
   * them already (one that restarts), the moves that even out what changed while it was away.
   */
  public static ShardOwnership join(StreamCatalog.Contents catalog, ShardOwnership ownership, String node) {
    if (ownership.nodes().contains(node)) return plan(catalog, ownership);
    List<String> nodes = new ArrayList<>(ownership.nodes());
    nodes.add(node);
    return plan(catalog, ownership.withNodes(nodes, addresses(catalog)));
  }

  /** The ownership without the node, and moves that take every shard it owns to the others. */
  public static ShardOwnership leave(StreamCatalog.Contents catalog, ShardOwnership ownership, String node) {
    if (!ownership.nodes().contains(node)) return plan(catalog, ownership);
    List<String> nodes = new ArrayList<>(ownership.nodes());
    nodes.remove(node);
    if (nodes.isEmpty()) throw new IllegalArgumentException("the last node of a cluster cannot leave it");
    return plan(catalog, ownership.withNodes(nodes, addresses(catalog)));
  }

  /** The ownership with the moves that spread every settled stream evenly over its nodes. */
  public static ShardOwnership plan(StreamCatalog.Contents catalog, ShardOwnership ownership) {
    ShardOwnership planned = ownership;
    for (String address : ownership.moves().keySet()) {
      ShardMove move = ownership.moves().get(address);
      if (!ownership.nodes().contains(move.to())) planned = planned.withMove(address, null);
    }
    if (planned.nodes().isEmpty()) return planned;
    for (StreamDescriptor stream : catalog.streams()) {
      if (stream.status() != StreamStatus.ACTIVE || stream.pendingReshard() != null) continue;
      planned = planStream(planned, stream.shards().stream()
          .map(shard -> ShardAddress.of(stream.uid(), shard.shardId())).toList());
    }
    return planned;
  }

  private static ShardOwnership planStream(ShardOwnership ownership, List<String> shards) {
    List<String> nodes = ownership.nodes();
    // Where each shard is or is going: a move under way counts at its target.
    Map<String, String> at = new HashMap<>();
    Map<String, Integer> count = new HashMap<>();
    for (String shard : shards) {
      ShardMove move = ownership.moves().get(shard);
      String node = move != null ? move.to() : ownership.ownerOf(shard);
      at.put(shard, node);
      if (nodes.contains(node)) count.merge(node, 1, Integer::sum);
    }
    // Shares: the most loaded nodes get the larger ones, so that they keep what they have.
    List<String> byLoad = new ArrayList<>(nodes);
    byLoad.sort(Comparator.<String>comparingInt(node -> -count.getOrDefault(node, 0)).thenComparing(node -> node));
    Map<String, Integer> share = new HashMap<>();
    for (int i = 0; i < byLoad.size(); i++) {
      share.put(byLoad.get(i), shards.size() / nodes.size() + (i < shards.size() % nodes.size() ? 1 : 0));
    }
    Map<String, Integer> kept = new HashMap<>();
    List<String> homeless = new ArrayList<>();
    for (String shard : shards) {
      String node = at.get(shard);
      if (nodes.contains(node) && kept.getOrDefault(node, 0) < share.get(node)) {
        kept.merge(node, 1, Integer::sum);
      } else {
        homeless.add(shard);
      }
    }
    ShardOwnership planned = ownership;
    for (String shard : homeless) {
      String target = null;
      long best = Long.MIN_VALUE;
      for (String node : nodes) {
        if (kept.getOrDefault(node, 0) >= share.get(node)) continue;
        long weight = ShardOwners.weight(node, shard);
        if (target == null || weight > best) {
          target = node;
          best = weight;
        }
      }
      kept.merge(target, 1, Integer::sum);
      String owner = ownership.ownerOf(shard);
      planned = planned.withMove(shard, target.equals(owner) ? null : new ShardMove(owner, target, MovePhase.COPY));
    }
    return planned;
  }

  /** Every shard of the catalog, by address: those of streams and of reshards under way. */
  static List<String> addresses(StreamCatalog.Contents catalog) {
    List<String> addresses = new ArrayList<>();
    for (StreamDescriptor stream : catalog.streams()) {
      for (ShardDescriptor shard : stream.shards()) addresses.add(ShardAddress.of(stream.uid(), shard.shardId()));
      if (stream.pendingReshard() != null) {
        for (ShardDescriptor shard : stream.pendingReshard().created()) {
          String address = ShardAddress.of(stream.uid(), shard.shardId());
          if (!addresses.contains(address)) addresses.add(address);
        }
      }
    }
    return addresses;
  }
}
