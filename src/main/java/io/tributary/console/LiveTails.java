package io.tributary.console;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The console's live tails on this server: at most {@link #MAX_TAILS} at once, and what they hold. Each tail
 * has at most one event written and not yet flushed to its browser; {@code tributary_console_tail_unflushed_bytes}
 * is their sum, {@code tributary_console_tails_open} the tails, {@code tributary_console_tail_records_sent_total}
 * the records sent.
 */
final class LiveTails {
  static final int MAX_TAILS = 32;

  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong unflushed = new AtomicLong();
  private final Counter recordsSent;

  LiveTails(MeterRegistry meters) {
    Gauge.builder("tributary.console.tails.open", open, AtomicInteger::get)
        .description("Live tails of the web console streaming now").register(meters);
    Gauge.builder("tributary.console.tail.unflushed.bytes", unflushed, AtomicLong::get)
        .description("Bytes of live-tail events written and not yet flushed to the browsers").register(meters);
    recordsSent = Counter.builder("tributary.console.tail.records.sent")
        .description("Records sent to the web console's live tails").register(meters);
  }

  /** Whether one more tail may start; if so it is counted, and {@link #release} must follow once it ends. */
  boolean admit() {
    if (open.incrementAndGet() <= MAX_TAILS) return true;
    open.decrementAndGet();
    return false;
  }

  void release() {
    open.decrementAndGet();
  }

  void writing(long bytes) {
    unflushed.addAndGet(bytes);
  }

  void flushed(long bytes) {
    unflushed.addAndGet(-bytes);
  }

  void sent(int records) {
    recordsSent.increment(records);
  }
}
