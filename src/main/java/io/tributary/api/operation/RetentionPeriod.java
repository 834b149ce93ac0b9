package io.tributary.api.operation;

import io.tributary.api.KinesisException;

/** The bounds of a stream's retention period, shared by IncreaseStreamRetentionPeriod and its Decrease twin. */
final class RetentionPeriod {
  static final int MIN_HOURS = 24;
  static final int MAX_HOURS = 8760;

  private RetentionPeriod() { }

  static void checkBounds(int hours) {
    if (hours < MIN_HOURS) {
      throw KinesisException.invalidArgument("Minimum allowed retention period is " + MIN_HOURS
          + " hours. Requested retention period (" + hours + " hours) is too short.");
    }
    if (hours > MAX_HOURS) {
      throw KinesisException.invalidArgument("Maximum allowed retention period is " + MAX_HOURS
          + " hours. Requested retention period (" + hours + " hours) is too long.");
    }
  }
}
