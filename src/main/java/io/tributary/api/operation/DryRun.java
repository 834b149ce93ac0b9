package io.tributary.api.operation;

import io.tributary.api.KinesisException;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;

/**
 * The DryRun member of the data-plane operations: a dry run is checked exactly as the real call would be,
 * stream, shard, iterator and every rule, and then answered with DryRunOperationException instead of
 * being carried out, so nothing is written or read.
 */
final class DryRun {
  static final String MESSAGE = "The request was rejected because the DryRun parameter was specified.";

  private DryRun() { }

  static Member member() {
    return Member.bool("DryRun");
  }

  /** Fails the call when it is a dry run; called once every check has passed and before any effect. */
  static void stopIfRequested(Input input) {
    if (Boolean.TRUE.equals(input.bool("DryRun"))) throw KinesisException.client("DryRunOperationException", MESSAGE);
  }
}
