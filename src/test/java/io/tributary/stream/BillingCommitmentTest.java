package io.tributary.stream;

import static io.tributary.stream.BillingCommitment.MINIMUM_DURATION_MILLIS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.stream.BillingCommitment.Status;
import org.junit.jupiter.api.Test;

class BillingCommitmentTest {

  @Test
  void aDisableBeforeTheEarliestEndIsPendingUntilThen() {
    BillingCommitment enabled = BillingCommitment.NEVER.enable(1_000);
    assertEquals(new BillingCommitment(1_000L, 1_000 + MINIMUM_DURATION_MILLIS, null), enabled);
    BillingCommitment pending = enabled.disable(5_000);
    assertEquals(Status.ENABLED_UNTIL_EARLIEST_ALLOWED_END, pending.status(5_000));
    assertTrue(pending.enabled(1_000 + MINIMUM_DURATION_MILLIS - 1));
    assertEquals(Status.DISABLED, pending.status(1_000 + MINIMUM_DURATION_MILLIS));
    assertEquals(enabled, pending.enable(6_000));
  }

  @Test
  void aDisableAfterTheEarliestEndTakesEffectAtOnce() {
    BillingCommitment ended = BillingCommitment.NEVER.enable(0).disable(MINIMUM_DURATION_MILLIS + 10);
    assertEquals(Status.DISABLED, ended.status(MINIMUM_DURATION_MILLIS + 10));
    assertEquals(MINIMUM_DURATION_MILLIS + 10, ended.endedMillis());
    assertFalse(ended.enabled(MINIMUM_DURATION_MILLIS + 10));
    assertSame(ended, ended.disable(MINIMUM_DURATION_MILLIS + 20));
    assertEquals(new BillingCommitment(2 * MINIMUM_DURATION_MILLIS, 3 * MINIMUM_DURATION_MILLIS, null),
        ended.enable(2 * MINIMUM_DURATION_MILLIS));
  }

  @Test
  void anAccountThatNeverCommittedIsDisabled() {
    assertEquals(Status.DISABLED, BillingCommitment.NEVER.status(0));
    assertSame(BillingCommitment.NEVER, BillingCommitment.NEVER.disable(0));
  }
}
