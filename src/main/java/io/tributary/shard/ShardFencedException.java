package io.tributary.shard;

/** An append of a writer's generation that a newer generation of the same writer has fenced off the shard. */
public final class ShardFencedException extends RuntimeException {
  public ShardFencedException(String message) {
    super(message, null, false, false);
  }
}
