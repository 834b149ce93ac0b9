package io.tributary.shard;

import io.tributary.log.WriterFence;

/**
 * A writer that fences the shards it appends to, as the shard protocol names it: its key (a Kafka mirror's,
 * which runs at one node at a time) and the generation it appends as. See {@link WriterFence}: once a shard
 * is fenced with a generation, it refuses every earlier generation's appends ({@link ShardFencedException}).
 */
public record ShardWriter(String key, long generation) {
  public ShardWriter {
    new WriterFence(key, generation);  // the same rules
  }

  /** The fence as the shard's log keeps it. */
  WriterFence fence() {
    return new WriterFence(key, generation);
  }
}
