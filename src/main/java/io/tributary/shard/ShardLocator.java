package io.tributary.shard;

import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Where the shard at an event-bus address runs, as this node sees it now: here, on another node that is up
 * (requests are forwarded to it over the clustered event bus), or on a node that is down.
 */
@FunctionalInterface
public interface ShardLocator {
  enum Location { HERE, ELSEWHERE, DOWN }

  Location locate(String shardAddress);

  /** One node: every shard is here. */
  ShardLocator ALL_HERE = address -> Location.HERE;

  /**
   * A cluster: the owner the ownership names, and whether that node is this one or is up (a shard no node
   * owns yet, before any has joined, is sent to whichever node runs it).
   */
  static ShardLocator of(Supplier<ShardOwnership> ownership, String self, Predicate<String> live) {
    return address -> {
      String owner = ownership.get().ownerOf(address);
      if (self.equals(owner)) return Location.HERE;
      return owner == null || live.test(owner) ? Location.ELSEWHERE : Location.DOWN;
    };
  }
}
