package io.tributary.replication;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * The newest log entry of a shard group that is durable on this node together with every entry before it,
 * and each shard's end as of that entry. Entries are applied in log order, but the appends of different shards
 * become durable in any order; a snapshot may only claim what is durable, since Ratis drops the log entries a
 * snapshot covers, and records the shards' ends there so that the entries after it can be applied again.
 */
final class DurableWatermark {
  /** A durable entry's shard (null: none) and that shard's end after it. */
  private record Done(String address, long endAfter) { }

  private final ArrayDeque<TermIndex> pending = new ArrayDeque<>();
  private final Map<Long, Done> done = new HashMap<>();
  private final Map<String, Long> ends;
  private TermIndex durable;

  DurableWatermark(TermIndex start, Map<String, Long> ends) {
    this.durable = start;
    this.ends = new HashMap<>(ends);
  }

  /** An entry this node started to apply, in log order. */
  synchronized void applying(TermIndex entry) {
    pending.addLast(entry);
  }

  /** An entry whose effects are durable: its shard (null for none) and the shard's end after it. */
  synchronized void durable(TermIndex entry, String address, long endAfter) {
    done.put(entry.getIndex(), new Done(address, endAfter));
    while (!pending.isEmpty() && done.containsKey(pending.peekFirst().getIndex())) {
      TermIndex next = pending.pollFirst();
      Done applied = done.remove(next.getIndex());
      durable = next;
      if (applied.address() != null) ends.put(applied.address(), applied.endAfter());
    }
  }

  /** A shard whose log is gone: its end is no longer kept. */
  synchronized void forget(String address) {
    ends.remove(address);
  }

  /** The newest entry durable with all before it (null before any), and the shards' ends there. */
  synchronized Snapshot get() {
    return new Snapshot(durable, Map.copyOf(ends));
  }

  record Snapshot(TermIndex at, Map<String, Long> ends) { }
}
