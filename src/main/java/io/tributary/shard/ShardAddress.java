package io.tributary.shard;

/** The event-bus address of a shard verticle: {@code tributary.shard.<stream uid>.<shard id>}. */
public final class ShardAddress {
  /** What every shard address starts with. */
  public static final String PREFIX = "tributary.shard.";

  private ShardAddress() { }

  public static String of(String streamUid, String shardId) {
    return PREFIX + streamUid + "." + shardId;
  }

  /** The stream incarnation uid in an address made by {@link #of}. */
  public static String streamUid(String address) {
    return address.substring(PREFIX.length(), address.lastIndexOf('.'));
  }

  /** The shard id in an address made by {@link #of}. */
  public static String shardId(String address) {
    return address.substring(address.lastIndexOf('.') + 1);
  }
}
