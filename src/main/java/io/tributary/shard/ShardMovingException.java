package io.tributary.shard;

/**
 * An append reached a shard that is being handed over to another node: nothing was appended. The shard
 * client sends it again until the new owner takes it, so callers see this only when the handover outlasts
 * the client's patience.
 */
public final class ShardMovingException extends RuntimeException {
  public ShardMovingException() {
    super("shard is moving to another node", null, false, false);
  }
}
