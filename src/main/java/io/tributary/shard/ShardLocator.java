package io.tributary.shard;

import java.util.List;

import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Where the shard at an event-bus address runs, as this node sees it now: here, on another node that is up
 * (requests are forwarded to its {@link ShardDispatcher}), or on a node that is down.
 */
@FunctionalInterface
public interface ShardLocator {
  enum Location { HERE, ELSEWHERE, DOWN }

  /** Where a shard runs: here, or on the named node. */
  record Route(Location location, String node) {
    public static final Route HERE = new Route(Location.HERE, null);
  }

  Route route(String shardAddress);

  /**
   * Where the shard keeps its subscription claims ({@link ShardRequest.Claim}): one node for the whole cluster,
   * so that the one-subscription-per-consumer rule holds whichever nodes the subscriptions came through. The
   * node it runs on, unless every replica serves the shard: then its leader.
   */
  default Route claimRoute(String shardAddress) {
    return route(shardAddress);
  }

  /**
   * The other nodes that keep copies of the shard's claims, so that the next node to keep them (a replica
   * that becomes the leader) knows the subscriptions granted before it: none unless every replica serves the
   * shard.
   */
  default List<Route> claimCopies(String shardAddress) {
    return List.of();
  }

  /** One node: every shard is here. */
  ShardLocator ALL_HERE = address -> Route.HERE;

  /**
   * A cluster: the owner the ownership names, and whether that node is this one or is up (a shard no node
   * owns yet, before any has joined, is looked for here).
   */
  static ShardLocator of(Supplier<ShardOwnership> ownership, String self, Predicate<String> live) {
    return address -> {
      String owner = ownership.get().ownerOf(address);
      if (owner == null || self.equals(owner)) return Route.HERE;
      return new Route(live.test(owner) ? Location.ELSEWHERE : Location.DOWN, owner);
    };
  }
}
