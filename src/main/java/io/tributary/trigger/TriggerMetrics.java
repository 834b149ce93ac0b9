package io.tributary.trigger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One trigger's meters on the shared registry, tagged {@code trigger} (its UUID), named after Lambda's
 * metrics of an event source mapping: tributary_trigger_invocations_total, tributary_trigger_errors_total
 * (invocations that failed or could not be made), tributary_trigger_retries_total,
 * tributary_trigger_records_delivered_total, tributary_trigger_failure_destination_records_total (records
 * given up and described to the failure destination, or dropped without one) and
 * tributary_trigger_iterator_age_ms (age of the last record of the latest successful batch, highest over
 * the lanes).
 */
final class TriggerMetrics {
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Counter invocations;
  private final Counter errors;
  private final Counter retries;
  private final Counter delivered;
  private final Counter discarded;
  private final AtomicLong iteratorAge = new AtomicLong();

  TriggerMetrics(MeterRegistry registry, String uuid) {
    this.registry = registry;
    Tags tags = Tags.of("trigger", uuid);
    invocations = add(Counter.builder("tributary_trigger_invocations").description("Invocations of the target")
        .tags(tags).register(registry));
    errors = add(Counter.builder("tributary_trigger_errors").description("Invocations that failed or could not be made")
        .tags(tags).register(registry));
    retries = add(Counter.builder("tributary_trigger_retries").description("Batches invoked again after a failure")
        .tags(tags).register(registry));
    delivered = add(Counter.builder("tributary_trigger_records_delivered").description("Records the target took")
        .tags(tags).register(registry));
    discarded = add(Counter.builder("tributary_trigger_failure_destination_records")
        .description("Records given up after retries or record age, sent to the failure destination").tags(tags).register(registry));
    add(Gauge.builder("tributary_trigger_iterator_age_ms", iteratorAge, AtomicLong::get)
        .description("Age of the last record of the latest successful batch").tags(tags).register(registry));
  }

  private <M extends Meter> M add(M meter) {
    meters.add(meter);
    return meter;
  }

  void invoked() { invocations.increment(); }

  void error() { errors.increment(); }

  void retry() { retries.increment(); }

  void delivered(int count) { delivered.increment(count); }

  void discarded(int count) { discarded.increment(count); }

  void iteratorAge(long millis) { iteratorAge.set(millis); }

  Counts counts() {
    return new Counts((long) invocations.count(), (long) errors.count(), (long) retries.count(),
        (long) delivered.count(), (long) discarded.count(), iteratorAge.get());
  }

  /** The counts for the status answer. */
  record Counts(long invocations, long errors, long retries, long recordsDelivered, long recordsToFailureDestination,
      long iteratorAgeMillis) { }

  /** Removes the meters, when the trigger is deleted. */
  void remove() {
    for (Meter meter : meters) registry.remove(meter);
  }
}
