package io.tributary.shard;

import io.tributary.stream.ShardDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which node owns each shard: rendezvous (highest random weight) hashing of the shard's address over the
 * cluster's node names, with bounded loads so that every stream's shards spread evenly. Every node computes
 * the same owners from the same names without asking anyone.
 *
 * <p>A stream's shards are placed in the order of their indexes (the order they were made in): shard
 * {@code i} goes to the node of highest weight for its address among the nodes that hold fewer than
 * {@code ceil((i + 1) / n)} of the stream's shards before it. So after any number of shards the nodes'
 * counts differ by at most one (12 shards over 3 nodes: 4 each, where plain rendezvous hashing leaves a node
 * without any in about 2 % of streams), and a shard's owner never depends on shards made after it (a
 * reshard moves nothing). The price of the even spread: a change of the node list changes the owner of about
 * half the shards (a quarter, the least possible, with plain rendezvous hashing), which is why moving shards
 * is to go by ownership kept in the metadata, this placement being where a shard starts.
 */
public final class ShardOwners {
  private static final String SHARD_ID_PREFIX = "shardId-";
  private final List<String> nodes;
  /** The owners of each stream incarnation's shards by index (positions in {@link #nodes}), as far as asked. */
  private final Map<String, int[]> placed = new ConcurrentHashMap<>();

  /** @param nodes the node names, as every node lists them (order does not matter) */
  public ShardOwners(List<String> nodes) {
    if (nodes.isEmpty()) throw new IllegalArgumentException("a cluster has at least one node");
    this.nodes = List.copyOf(nodes);
  }

  public List<String> nodes() { return nodes; }

  /** The node that owns the shard at this address ({@link ShardAddress#of}). */
  public String ownerOf(String shardAddress) {
    int dot = shardAddress.lastIndexOf('.');
    String prefix = ShardAddress.PREFIX;
    String shardId = shardAddress.substring(dot + 1);
    long index = indexOf(shardId);
    if (dot <= prefix.length() || !shardAddress.startsWith(prefix) || index < 0 || index > Integer.MAX_VALUE - 1) {
      return rendezvous(shardAddress, null);
    }
    String streamUid = shardAddress.substring(prefix.length(), dot);
    return nodes.get(owners(streamUid, (int) index)[(int) index]);
  }

  /** Shard addresses grouped by owner, in the nodes' name order. */
  public Map<String, List<String>> byOwner(List<String> shardAddresses) {
    Map<String, List<String>> owned = new TreeMap<>();
    for (String address : shardAddresses) owned.computeIfAbsent(ownerOf(address), n -> new ArrayList<>()).add(address);
    return owned;
  }

  /** The index in a shard id of the form {@code shardId-000000000007}, or -1. */
  private static long indexOf(String shardId) {
    if (!shardId.startsWith(SHARD_ID_PREFIX) || shardId.length() == SHARD_ID_PREFIX.length()
        || shardId.length() > SHARD_ID_PREFIX.length() + 12) {
      return -1;
    }
    long index = 0;
    for (int i = SHARD_ID_PREFIX.length(); i < shardId.length(); i++) {
      char c = shardId.charAt(i);
      if (c < '0' || c > '9') return -1;
      index = index * 10 + (c - '0');
    }
    return index;
  }

  /** The owners of a stream's shards 0 to at least {@code index}: computed once, extended when asked further. */
  private int[] owners(String streamUid, int index) {
    int[] known = placed.get(streamUid);
    if (known != null && known.length > index) return known;
    int[] extended = place(streamUid, Math.max(index + 1, known == null ? 16 : known.length * 2));
    placed.put(streamUid, extended);
    return extended;
  }

  private int[] place(String streamUid, int count) {
    int[] owners = new int[count];
    int[] load = new int[nodes.size()];
    List<Integer> eligible = new ArrayList<>(nodes.size());
    for (int i = 0; i < count; i++) {
      int bound = i / nodes.size() + 1;
      eligible.clear();
      for (int n = 0; n < nodes.size(); n++) if (load[n] < bound) eligible.add(n);
      String owner = rendezvous(ShardAddress.of(streamUid, ShardDescriptor.idOf(i)), eligible);
      owners[i] = nodes.indexOf(owner);
      load[owners[i]]++;
    }
    return owners;
  }

  /** The node of highest weight for the address, among the given positions (all when null). */
  private String rendezvous(String shardAddress, List<Integer> among) {
    String owner = null;
    long best = Long.MIN_VALUE;
    for (int n = 0; n < nodes.size(); n++) {
      if (among != null && !among.contains(n)) continue;
      String node = nodes.get(n);
      long weight = weight(node, shardAddress);
      if (owner == null || weight > best || weight == best && node.compareTo(owner) < 0) {
        owner = node;
        best = weight;
      }
    }
    return owner;
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
