package io.tributary.stream;

/**
 * An account's minimum throughput billing commitment, which unlocks warm throughput for on-demand streams.
 * As AWS documents it: a commitment lasts at least 24 hours; asked to end sooner, it stays on until its
 * earliest allowed end and then ends by itself; enabling it again before then cancels the pending end.
 * Immutable; its status depends on the time it is looked at.
 *
 * @param startedMillis when the current or last commitment started; null if there never was one
 * @param earliestAllowedEndMillis the soonest it may end
 * @param endedMillis when it ended or is set to end; null while it runs with no end asked for
 */
public record BillingCommitment(Long startedMillis, Long earliestAllowedEndMillis, Long endedMillis) {
  public static final long MINIMUM_DURATION_MILLIS = 24 * 3_600_000L;
  public static final BillingCommitment NEVER = new BillingCommitment(null, null, null);

  /** The statuses AWS reports (MinimumThroughputBillingCommitmentOutputStatus). */
  public enum Status { ENABLED, DISABLED, ENABLED_UNTIL_EARLIEST_ALLOWED_END }

  public Status status(long nowMillis) {
    if (startedMillis == null) return Status.DISABLED;
    if (endedMillis == null) return Status.ENABLED;
    return nowMillis < endedMillis ? Status.ENABLED_UNTIL_EARLIEST_ALLOWED_END : Status.DISABLED;
  }

  public boolean enabled(long nowMillis) {
    return status(nowMillis) != Status.DISABLED;
  }

  public BillingCommitment enable(long nowMillis) {
    return switch (status(nowMillis)) {
      case DISABLED -> new BillingCommitment(nowMillis, nowMillis + MINIMUM_DURATION_MILLIS, null);
      case ENABLED_UNTIL_EARLIEST_ALLOWED_END -> new BillingCommitment(startedMillis, earliestAllowedEndMillis, null);
      case ENABLED -> this;
    };
  }

  public BillingCommitment disable(long nowMillis) {
    if (status(nowMillis) != Status.ENABLED) return this;
    long end = Math.max(nowMillis, earliestAllowedEndMillis);
    return new BillingCommitment(startedMillis, earliestAllowedEndMillis, end);
  }
}
