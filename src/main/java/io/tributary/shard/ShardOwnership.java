package io.tributary.shard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which node owns each shard of a cluster, as the metadata group holds it: the nodes that take shards, the
 * owners recorded for shards that existed when that list last changed or that moved since ({@code pinned}),
 * and the moves under way. A shard made after the last change of the list has no record: its owner is the
 * one {@link ShardOwners} computes over the list, which every node computes alike. So a node joining or
 * leaving changes no owner by itself; only a finished move does.
 *
 * <p>A move of a shard from one node to another goes through two phases: {@link MovePhase#COPY}, in which
 * the new owner copies the shard's sealed segments while the old one still takes appends, and
 * {@link MovePhase#HANDOVER}, in which the old owner holds appends (they are answered as retryable and sent
 * again by the caller's node) while the new one copies the rest. Finishing the move records the new owner
 * and drops the move, in one metadata entry.
 *
 * @param version the metadata version this ownership was read at (not part of its value)
 */
public record ShardOwnership(List<String> nodes, Map<String, String> pinned, Map<String, ShardMove> moves,
    long version) {

  public enum MovePhase { COPY, HANDOVER }

  /** A shard moving from one node to another. */
  public record ShardMove(String from, String to, MovePhase phase) {
    public ShardMove withPhase(MovePhase next) {
      return new ShardMove(from, to, next);
    }
  }

  /** A cluster before any node has joined. */
  public static final ShardOwnership NONE = new ShardOwnership(List.of(), Map.of(), Map.of(), 0);

  public ShardOwnership {
    nodes = List.copyOf(nodes);
    pinned = Map.copyOf(pinned);
    moves = Map.copyOf(moves);
  }

  /** The owners computed over the latest node list asked about: the list changes seldom. */
  private static volatile ShardOwners lastComputed;

  /** The node that owns the shard at this address; null before any node has joined. */
  public String ownerOf(String shardAddress) {
    String owner = pinned.get(shardAddress);
    if (owner != null || nodes.isEmpty()) return owner;
    return computed().ownerOf(shardAddress);
  }

  /** Whether the shard's owner holds its appends, handing it over to another node. */
  public boolean held(String shardAddress) {
    ShardMove move = moves.get(shardAddress);
    return move != null && move.phase() == MovePhase.HANDOVER;
  }

  /** Every node this ownership names: those that take shards and those shards are moving from or to. */
  public List<String> allNodes() {
    List<String> all = new ArrayList<>(nodes);
    for (ShardMove move : moves.values()) {
      if (!all.contains(move.from())) all.add(move.from());
      if (!all.contains(move.to())) all.add(move.to());
    }
    return all;
  }

  /** Whether the two name the same nodes, owners and moves, whatever versions they were read at. */
  public boolean sameAs(ShardOwnership other) {
    return nodes.equals(other.nodes) && pinned.equals(other.pinned) && moves.equals(other.moves);
  }

  /** The same ownership at another metadata version. */
  public ShardOwnership at(long metadataVersion) {
    return new ShardOwnership(nodes, pinned, moves, metadataVersion);
  }

  /** This ownership with a shard's move set, or dropped when {@code move} is null. */
  public ShardOwnership withMove(String shardAddress, ShardMove move) {
    Map<String, ShardMove> next = new TreeMap<>(moves);
    if (move == null) next.remove(shardAddress); else next.put(shardAddress, move);
    return new ShardOwnership(nodes, pinned, next, version);
  }

  /** This ownership with a finished move: the shard's new owner recorded and its move dropped. */
  public ShardOwnership moved(String shardAddress, String owner) {
    Map<String, String> owners = new TreeMap<>(pinned);
    owners.put(shardAddress, owner);
    Map<String, ShardMove> next = new TreeMap<>(moves);
    next.remove(shardAddress);
    return new ShardOwnership(nodes, owners, next, version);
  }

  /**
   * This ownership over another node list, every listed shard's owner recorded first so that the change of
   * the list moves none of them, and records of shards no longer listed dropped.
   */
  public ShardOwnership withNodes(List<String> nextNodes, List<String> shardAddresses) {
    Map<String, String> owners = new TreeMap<>();
    for (String address : shardAddresses) {
      String owner = ownerOf(address);
      if (owner != null) owners.put(address, owner);
    }
    Map<String, ShardMove> next = new LinkedHashMap<>(moves);
    next.keySet().retainAll(owners.keySet());
    return new ShardOwnership(nextNodes, owners, next, version);
  }

  private ShardOwners computed() {
    ShardOwners owners = lastComputed;
    if (owners == null || !owners.nodes().equals(nodes)) {
      owners = new ShardOwners(nodes);
      lastComputed = owners;
    }
    return owners;
  }
}
