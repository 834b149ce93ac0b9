package io.tributary.replication;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * The newest log entry of a shard group that is durable on this node together with every entry before it,
 * and each shard's end as of that entry. Entries are applied in log order, but the appends of different shards
 * become durable in any order; a snapshot may only claim what is durable, since Ratis drops the log entries a
 * snapshot covers, and records the shards' ends there so that the entries after it can be applied again, and
 * which shards were sealed by then and which writers' fences each held, so that a member that installs the
 * snapshot, or applies the entries after it again, refuses what they refused.
 */
final class DurableWatermark {
  /**
   * A durable entry's shard (null: none), that shard's end after it, whether the shard was sealed then, and its
   * writers' fences after it when the entry changed them (null otherwise).
   */
  private record Done(String address, long endAfter, boolean sealed, Map<String, Long> fences) { }

  private final ArrayDeque<TermIndex> pending = new ArrayDeque<>();
  private final Map<Long, Done> done = new HashMap<>();
  private final Map<String, Long> ends;
  private final Set<String> sealed;
  /** Each shard's writers' fences (see {@link io.tributary.log.WriterFence}): generation by writer. */
  private final Map<String, Map<String, Long>> fences;
  private TermIndex durable;

  DurableWatermark(TermIndex start, Map<String, Long> ends) {
    this(start, ends, Set.of(), Map.of());
  }

  DurableWatermark(TermIndex start, Map<String, Long> ends, Set<String> sealed, Map<String, Map<String, Long>> fences) {
    this.durable = start;
    this.ends = new HashMap<>(ends);
    this.sealed = new HashSet<>(sealed);
    this.fences = new HashMap<>(fences);
  }

  /** An entry this node started to apply, in log order. */
  synchronized void applying(TermIndex entry) {
    pending.addLast(entry);
  }

  /** An entry whose effects are durable: its shard (null for none) and the shard's end after it. */
  void durable(TermIndex entry, String address, long endAfter) {
    durable(entry, address, endAfter, false, null);
  }

  /**
   * As {@link #durable(TermIndex, String, long)}, with whether the shard is sealed after the entry and its
   * writers' fences after it when the entry changed them (null otherwise).
   */
  synchronized void durable(TermIndex entry, String address, long endAfter, boolean sealedAfter,
      Map<String, Long> fencesAfter) {
    done.put(entry.getIndex(), new Done(address, endAfter, sealedAfter, fencesAfter));
    while (!pending.isEmpty() && done.containsKey(pending.peekFirst().getIndex())) {
      TermIndex next = pending.pollFirst();
      Done applied = done.remove(next.getIndex());
      durable = next;
      if (applied.address() != null) ends.put(applied.address(), applied.endAfter());
      if (applied.sealed()) sealed.add(applied.address());
      if (applied.fences() != null) fences.put(applied.address(), Map.copyOf(applied.fences()));
    }
  }

  /** A shard whose log is gone: its end is no longer kept. */
  synchronized void forget(String address) {
    ends.remove(address);
    sealed.remove(address);
    fences.remove(address);
  }

  /**
   * The newest entry durable with all before it (null before any), the shards' ends there, those sealed and
   * the shards' writers' fences.
   */
  synchronized Snapshot get() {
    return new Snapshot(durable, Map.copyOf(ends), Set.copyOf(sealed), Map.copyOf(fences));
  }

  record Snapshot(TermIndex at, Map<String, Long> ends, Set<String> sealed, Map<String, Map<String, Long>> fences) { }
}
