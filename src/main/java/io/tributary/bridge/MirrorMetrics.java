package io.tributary.bridge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One mirror's meters on the shared registry, tagged {@code mirror} and {@code direction}:
 * tributary_mirror_records_total, tributary_mirror_bytes_total (data and keys), tributary_mirror_errors_total,
 * tributary_mirror_lag_records, tributary_mirror_lag_ms and tributary_mirror_healthy (1 or 0).
 */
final class MirrorMetrics {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Counter records;
  private final Counter bytes;
  private final Counter errors;
  private final AtomicLong lagRecords = new AtomicLong();
  private final AtomicLong lagMillis = new AtomicLong();
  private final AtomicLong healthy = new AtomicLong(1);

  MirrorMetrics(MeterRegistry registry, MirrorDefinition definition) {
    this.registry = registry;
    Tags tags = Tags.of("mirror", definition.name(), "direction", definition.direction().name());
    records = add(Counter.builder("tributary_mirror_records").description("Records mirrored").tags(tags).register(registry));
    bytes = add(Counter.builder("tributary_mirror_bytes").description("Bytes mirrored (data and keys)")
        .tags(tags).register(registry));
    errors = add(Counter.builder("tributary_mirror_errors").description("Failed mirror attempts")
        .tags(tags).register(registry));
    add(Gauge.builder("tributary_mirror_lag_records", lagRecords, AtomicLong::get)
        .description("Source records not yet mirrored").tags(tags).register(registry));
    add(Gauge.builder("tributary_mirror_lag_ms", lagMillis, AtomicLong::get)
        .description("Age of the oldest source record not yet mirrored").tags(tags).register(registry));
    add(Gauge.builder("tributary_mirror_healthy", healthy, AtomicLong::get)
        .description("1 while the mirror reaches both sides, 0 while it retries").tags(tags).register(registry));
  }

  private <M extends Meter> M add(M meter) {
    meters.add(meter);
    return meter;
  }

  void mirrored(long count, long size) {
    records.increment(count);
    bytes.increment(size);
  }

  void error() { errors.increment(); }

  void lag(long count, long millis) {
    lagRecords.set(count);
    lagMillis.set(millis);
  }

  void healthy(boolean value) { healthy.set(value ? 1 : 0); }

  long records() { return (long) records.count(); }

  long bytes() { return (long) bytes.count(); }

  long errors() { return (long) errors.count(); }

  long lagRecords() { return lagRecords.get(); }

  long lagMillis() { return lagMillis.get(); }

  /** Removes the meters, when the mirror is deleted. */
  void remove() {
    for (Meter meter : meters) registry.remove(meter);
  }
}
