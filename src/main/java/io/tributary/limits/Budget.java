package io.tributary.limits;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded amount shared by threads: bytes of memory, or requests waiting for a pool. A reservation is
 * taken whole or not at all, so what is reserved never exceeds the capacity; every reservation is released
 * exactly once by whoever took it. Thread-safe, lock-free.
 */
public final class Budget {
  private final String name;
  private final long capacity;
  private final AtomicLong used = new AtomicLong();

  public Budget(String name, long capacity) {
    if (capacity < 1) throw new IllegalArgumentException("budget '" + name + "' must be at least 1, not " + capacity);
    this.name = name;
    this.capacity = capacity;
  }

  /** Takes the amount if it fits in what is left; false (and nothing taken) otherwise. */
  public boolean tryReserve(long amount) {
    if (amount <= 0) return true;
    while (true) {
      long now = used.get();
      if (now + amount > capacity || now + amount < 0) return false;
      if (used.compareAndSet(now, now + amount)) return true;
    }
  }

  /**
   * Takes as much of {@code wanted} as is left, but not less than {@code least}; returns the amount taken,
   * or 0 (nothing taken) when less than {@code least} is left.
   */
  public long reserveUpTo(long wanted, long least) {
    while (true) {
      long now = used.get();
      long taken = Math.min(wanted, capacity - now);
      if (taken < least || taken <= 0) return 0;
      if (used.compareAndSet(now, now + taken)) return taken;
    }
  }

  public void release(long amount) {
    if (amount > 0) used.addAndGet(-amount);
  }

  public long used() { return used.get(); }

  /** Nothing is left: every reservation fails until something is released. */
  public boolean full() { return used.get() >= capacity; }

  public long capacity() { return capacity; }

  public String name() { return name; }

  /** Publishes the amount in use as {@code tributary.budget.used{budget=<name>}}. */
  Budget register(MeterRegistry meters) {
    Gauge.builder("tributary.budget.used", used, AtomicLong::get)
        .description("Bytes (or requests) held against a server-wide budget")
        .tag("budget", name)
        .register(meters);
    Gauge.builder("tributary.budget.capacity", this, Budget::capacity)
        .description("Capacity of a server-wide budget")
        .tag("budget", name)
        .register(meters);
    return this;
  }

  @Override
  public String toString() {
    return name + " " + used.get() + "/" + capacity;
  }
}
