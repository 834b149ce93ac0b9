package io.tributary.api.operation;

import io.tributary.api.wire.ResponseWriter;
import io.tributary.stream.BillingCommitment;

/** Writes account settings the way DescribeAccountSettings and UpdateAccountSettings both answer them. */
final class AccountSettingsWriter {
  private AccountSettingsWriter() { }

  /**
   * The commitment as it stands at that moment: when it started, while it runs the soonest it may end, and
   * once it is over when it ended.
   */
  static void write(ResponseWriter writer, BillingCommitment commitment, long nowMillis) {
    BillingCommitment.Status status = commitment.status(nowMillis);
    writer.startObject("MinimumThroughputBillingCommitment").field("Status", status.name());
    if (commitment.startedMillis() != null) writer.timestamp("StartedAt", commitment.startedMillis());
    if (status == BillingCommitment.Status.DISABLED) {
      if (commitment.endedMillis() != null) writer.timestamp("EndedAt", commitment.endedMillis());
    } else {
      writer.timestamp("EarliestAllowedEndAt", commitment.earliestAllowedEndMillis());
    }
    writer.endObject();
  }
}
