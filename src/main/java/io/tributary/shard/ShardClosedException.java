package io.tributary.shard;

/** An append reached a shard that a split or merge has closed; the records must be routed again. */
public final class ShardClosedException extends RuntimeException {
  public ShardClosedException() {
    super("shard is closed", null, false, false);
  }
}
