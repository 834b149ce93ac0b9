package io.tributary.replication;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * The newest log entry of a shard group that is durable on this node together with every entry before it.
 * Entries are applied in log order, but the appends of different shards become durable in any order; a
 * snapshot may only claim what is durable, since Ratis drops the log entries a snapshot covers.
 */
final class DurableWatermark {
  private final ArrayDeque<TermIndex> pending = new ArrayDeque<>();
  private final Set<Long> done = new HashSet<>();
  private TermIndex durable;

  DurableWatermark(TermIndex start) {
    this.durable = start;
  }

  /** An entry this node started to apply, in log order. */
  synchronized void applying(TermIndex entry) {
    pending.addLast(entry);
  }

  /** An entry whose effects are durable. */
  synchronized void durable(TermIndex entry) {
    done.add(entry.getIndex());
    while (!pending.isEmpty() && done.remove(pending.peekFirst().getIndex())) durable = pending.pollFirst();
  }

  /** The newest entry durable with all before it, or null before any. */
  synchronized TermIndex get() {
    return durable;
  }
}
