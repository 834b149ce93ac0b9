package io.tributary.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open connections of the API listeners (plain and TLS) from the moment they are accepted, in all and
 * per client address, against {@code limits.connections} and {@code limits.connections.per.address}.
 * Any thread may call it (connections are accepted on the acceptor thread and close on their event loops).
 */
public final class ConnectionCounts {
  private final int limit;
  private final int perAddressLimit;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> byAddress = new ConcurrentHashMap<>();
  private final Counter refused;

  public ConnectionCounts(int limit, int perAddressLimit, MeterRegistry meters) {
    this.limit = limit;
    this.perAddressLimit = perAddressLimit;
    Gauge.builder("tributary.api.connections.open", open, AtomicInteger::get)
        .description("Open connections of the API ports, counted from accept").register(meters);
    this.refused = Counter.builder("tributary.api.connections.refused")
        .description("Connections closed at accept: over limits.connections or limits.connections.per.address")
        .register(meters);
  }

  /** Counts a new connection from the address if both limits allow it; false (and counted as refused) if not. */
  public boolean admit(InetAddress address) {
    if (open.incrementAndGet() > limit) {
      open.decrementAndGet();
      refused.increment();
      return false;
    }
    boolean[] admitted = new boolean[1];
    byAddress.compute(address, (key, count) -> {
      AtomicInteger now = count == null ? new AtomicInteger() : count;
      admitted[0] = now.get() < perAddressLimit;
      if (admitted[0]) now.incrementAndGet();
      return now;
    });
    if (!admitted[0]) {
      open.decrementAndGet();
      refused.increment();
    }
    return admitted[0];
  }

  /** A connection {@link #admit admitted} from the address has closed. */
  public void closed(InetAddress address) {
    open.decrementAndGet();
    byAddress.computeIfPresent(address, (key, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

  public int open() {
    return open.get();
  }

  public int open(InetAddress address) {
    AtomicInteger count = byAddress.get(address);
    return count == null ? 0 : count.get();
  }
}
