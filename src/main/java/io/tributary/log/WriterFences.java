package io.tributary.log;

import java.util.HashMap;
import java.util.Map;

/**
 * The newest generation each writer fenced a log with ({@link WriterFence}). Not thread-safe: one owner
 * (a shard's verticle, or a replica on its group's context) keeps it.
 */
public final class WriterFences {
  private final Map<String, Long> generations;

  public WriterFences() {
    this(Map.of());
  }

  public WriterFences(Map<String, Long> generations) {
    this.generations = new HashMap<>(generations);
  }

  /** Whether an append of this writer's generation is refused: a newer generation fenced the log. Null is no writer. */
  public boolean refuses(WriterFence fence) {
    return fence != null && generations.getOrDefault(fence.key(), Long.MIN_VALUE) > fence.generation();
  }

  /** Raises the writer's fence to the generation; a lower one changes nothing. */
  public void raise(WriterFence fence) {
    if (fence != null) generations.merge(fence.key(), fence.generation(), Math::max);
  }

  /** The failure an append refused by the fence gets. */
  public WriterFencedException refusal(WriterFence fence) {
    return new WriterFencedException("writer " + fence.key() + " of generation " + fence.generation()
        + " is fenced off by generation " + generations.get(fence.key()));
  }

  /** A copy of the generations, by writer. */
  public Map<String, Long> generations() {
    return Map.copyOf(generations);
  }
}
