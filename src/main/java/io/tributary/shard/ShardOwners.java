package io.tributary.shard;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which node owns each shard: rendezvous (highest random weight) hashing of the shard's address over the
 * cluster's node names. Every node computes the same owner from the same names without asking anyone, the
 * shards spread evenly, and adding or removing a node moves only the shards that node gains or loses
 * (about 1/n of them), never shards between the nodes that stay.
 */
public final class ShardOwners {
  private final List<String> nodes;

  /** @param nodes the node names, as every node lists them (order does not matter) */
  public ShardOwners(List<String> nodes) {
    if (nodes.isEmpty()) throw new IllegalArgumentException("a cluster has at least one node");
    this.nodes = List.copyOf(nodes);
  }

  public List<String> nodes() { return nodes; }

  /** The node that owns the shard at this address. */
  public String ownerOf(String shardAddress) {
    String owner = null;
    long best = Long.MIN_VALUE;
    for (String node : nodes) {
      long weight = weight(node, shardAddress);
      if (owner == null || weight > best || weight == best && node.compareTo(owner) < 0) {
        owner = node;
        best = weight;
      }
    }
    return owner;
  }

  /** Shard addresses grouped by owner, in the nodes' name order. */
  public Map<String, List<String>> byOwner(List<String> shardAddresses) {
    Map<String, List<String>> owned = new TreeMap<>();
    for (String address : shardAddresses) owned.computeIfAbsent(ownerOf(address), n -> new ArrayList<>()).add(address);
    return owned;
  }

  /** A 64-bit FNV-1a hash of node and address, finished with a mixer so that near names weigh far apart. */
  static long weight(String node, String shardAddress) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : node.getBytes(StandardCharsets.UTF_8)) hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    hash = (hash ^ 0xff) * 0x100000001b3L;  // a separator, so ("ab","c") and ("a","bc") differ
    for (byte b : shardAddress.getBytes(StandardCharsets.UTF_8)) hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    hash ^= hash >>> 33;
    hash *= 0xff51afd7ed558ccdL;
    hash ^= hash >>> 33;
    hash *= 0xc4ceb9fe1a85ec53L;
    return hash ^ (hash >>> 33);
  }
}
