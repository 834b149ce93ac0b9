package io.tributary.shard;

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

  /** A cluster: the owner placement names, and whether that node is this one or is up. */
  static ShardLocator of(ShardOwners owners, String self, java.util.function.Predicate<String> live) {
    return address -> {
      String owner = owners.ownerOf(address);
      if (owner.equals(self)) return Location.HERE;
      return live.test(owner) ? Location.ELSEWHERE : Location.DOWN;
    };
  }
}
