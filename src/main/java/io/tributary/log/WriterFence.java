package io.tributary.log;

/**
 * A writer's claim on a shard's log: the writer named {@code key} (a Kafka mirror, which runs at one node at a
 * time) appends as its {@code generation}. Once a log has taken a fence of some generation, it refuses the
 * appends of every earlier generation of that key ({@link WriterFencedException}): a writer that took over
 * fences the logs before it looks at what its predecessor left, and the predecessor, paused or cut off rather
 * than dead, appends nothing after that.
 */
public record WriterFence(String key, long generation) {
  public WriterFence {
    if (key == null || key.isEmpty()) throw new IllegalArgumentException("a writer fence needs a key");
    if (key.length() > 1024) throw new IllegalArgumentException("a writer fence's key has at most 1024 characters");
  }
}
