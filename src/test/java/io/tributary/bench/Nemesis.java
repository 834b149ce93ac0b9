package io.tributary.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The fault injector of a nemesis run: after every {@code interval} of calm it picks a node ({@link #victim}) and
 * either kills it (SIGKILL) and starts it again on its data directory, or pauses it (SIGSTOP) and resumes it
 * (SIGCONT), each after {@code length} (or once its failover is seen, if that takes longer). A fault is mended, and the node ready again, before the next begins: two of the three nodes,
 * a majority of every shard's group, are always up.
 *
 * <p>For each fault it measures the failover as a survivor sees it: the time from the fault until the survivor's
 * GET /cluster names, for every shard the faulty node led just before, a leader that is one of the survivors.
 */
final class Nemesis implements Runnable {
  enum Kind { KILL, PAUSE }

  /** How a fault's node is chosen and what is done to it. */
  enum Order {
    /** A random kind. */
    RANDOM,
    /** Pauses and kills take turns, a pause first (the quicker to mend, so a short run has both). */
    ALTERNATE
  }

  /**
   * One fault: what was done to which node and when ({@link System#nanoTime()}), the shards it led just before,
   * how long until a survivor named a live leader for each of them (-1: not within {@link #FAILOVER_WAIT}), and how
   * long until the node was ready again after it was mended (-1: it did not start).
   */
  record Fault(Kind kind, int node, long atNanos, Set<String> ledShards, long failoverMillis, long mendMillis) { }

  /** How long a fault lasts at most while its failover has not been seen. */
  static final Duration FAILOVER_WAIT = Duration.ofSeconds(30);
  private static final Duration READY_WAIT = Duration.ofSeconds(120);

  private final NemesisCluster cluster;
  private final Duration interval;
  private final Duration length;
  private final Order order;
  private final Random random;
  private final AtomicBoolean stop;
  private final long endNanos;
  private final List<Fault> faults = new ArrayList<>();

  /** @param endNanos when the run ends ({@link System#nanoTime()}): no fault begins that would last beyond it */
  Nemesis(NemesisCluster cluster, Duration interval, Duration length, Order order, long seed, AtomicBoolean stop,
      long endNanos) {
    this.cluster = cluster;
    this.interval = interval;
    this.length = length;
    this.order = order;
    this.random = new Random(seed);
    this.stop = stop;
    this.endNanos = endNanos;
  }

  synchronized List<Fault> faults() {
    return List.copyOf(faults);
  }

  @Override
  public void run() {
    try {
      while (calm()) {
        Kind kind = order == Order.ALTERNATE
            ? (faults().size() % 2 == 0 ? Kind.PAUSE : Kind.KILL)
            : (random.nextBoolean() ? Kind.KILL : Kind.PAUSE);
        Fault fault = inject(kind, victim());
        synchronized (this) {
          faults.add(fault);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      NemesisRun.log("the nemesis stopped: %s", e);
      throw new IllegalStateException(e);
    }
  }

  /** Waits out the calm between faults; false once the run is over or too near its end for another fault. */
  private boolean calm() throws InterruptedException {
    long until = System.nanoTime() + interval.toNanos();
    while (System.nanoTime() < until) {
      if (stop.get()) return false;
      Thread.sleep(50);
    }
    return !stop.get() && System.nanoTime() + length.toNanos() < endNanos;
  }

  /**
   * A random node among those that lead shards, as a node's GET /cluster tells (any node if it cannot tell): a
   * fault of a follower only would test no failover. A node mended a moment ago leads nothing yet, so faults fall on
   * the others, whose groups then need it in their majority.
   */
  private int victim() throws InterruptedException {
    List<Integer> leading = new ArrayList<>();
    try {
      Set<String> leaders = new HashSet<>(cluster.leaders(random.nextInt(cluster.size())).values());
      for (int i = 0; i < cluster.size(); i++) if (leaders.contains(cluster.name(i))) leading.add(i);
    } catch (java.io.IOException | RuntimeException unanswered) {
      NemesisRun.log("no leaders read (%s): any node will do", unanswered.getMessage());
    }
    return leading.isEmpty() ? random.nextInt(cluster.size()) : leading.get(random.nextInt(leading.size()));
  }

  private Fault inject(Kind kind, int victim) throws Exception {
    int survivor = (victim + 1) % cluster.size();
    String victimName = cluster.name(victim);
    Set<String> survivors = new HashSet<>();
    for (int i = 0; i < cluster.size(); i++) if (i != victim) survivors.add(cluster.name(i));
    Set<String> led = new TreeSet<>();
    cluster.leaders(survivor).forEach((shard, leader) -> {
      if (leader.equals(victimName)) led.add(shard);
    });

    long at = System.nanoTime();
    if (kind == Kind.KILL) cluster.kill(victim); else cluster.pause(victim);
    NemesisRun.log("%s node %d (%s), which leads %s", kind == Kind.KILL ? "killed" : "paused", victim, victimName, led);
    long failover = awaitNewLeaders(survivor, led, survivors, at);
    NemesisRun.log("node %d's shards have live leaders %s", victim,
        failover < 0 ? "not within " + FAILOVER_WAIT.toSeconds() + " s" : "after " + failover + " ms");
    long mendAt = at + length.toNanos();
    while (System.nanoTime() < mendAt) Thread.sleep(20);

    long mending = System.nanoTime();
    long mend;
    try {
      if (kind == Kind.KILL) {
        cluster.restart(victim);
      } else {
        cluster.resume(victim);
        cluster.awaitReady(victim, READY_WAIT);
      }
      mend = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - mending);
      NemesisRun.log("%s node %d: ready after %d ms", kind == Kind.KILL ? "restarted" : "resumed", victim, mend);
    } catch (RuntimeException failed) {
      mend = -1;
      NemesisRun.log("node %d is not ready again: %s", victim, failed.getMessage());
    }
    return new Fault(kind, victim, at, led, failover, mend);
  }

  /** Milliseconds from {@code at} until the survivor names a survivor as leader of every shard in {@code led}; -1 if not in time. */
  private long awaitNewLeaders(int survivor, Set<String> led, Set<String> survivors, long at) throws InterruptedException {
    if (led.isEmpty()) return 0;
    long deadline = at + FAILOVER_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        Map<String, String> leaders = cluster.leaders(survivor);
        if (led.stream().allMatch(shard -> survivors.contains(leaders.get(shard)))) {
          return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - at);
        }
      } catch (java.io.IOException | RuntimeException busy) {
        // the survivor did not answer in time: ask again
      }
      Thread.sleep(100);
    }
    return -1;
  }
}
