package io.tributary.shard;

/** The event-bus address of a shard verticle: {@code tributary.shard.<stream uid>.<shard id>}. */
public final class ShardAddress {
  private ShardAddress() { }

  public static String of(String streamUid, String shardId) {
    return "tributary.shard." + streamUid + "." + shardId;
  }
}
