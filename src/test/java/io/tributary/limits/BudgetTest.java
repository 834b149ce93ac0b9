package io.tributary.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A budget takes reservations whole or not at all, never past its capacity, and gets them back. */
class BudgetTest {
  @Test
  void reservationsNeverPassTheCapacity() {
    Budget budget = new Budget("test", 100);
    assertTrue(budget.tryReserve(60));
    assertFalse(budget.tryReserve(41), "41 more would pass 100");
    assertTrue(budget.tryReserve(40));
    assertTrue(budget.full());
    budget.release(60);
    assertEquals(40, budget.used());
    assertFalse(budget.full());
  }

  @Test
  void reserveUpToTakesWhatIsLeftButNotLessThanTheLeast() {
    Budget budget = new Budget("test", 100);
    assertEquals(70, budget.reserveUpTo(70, 10));
    assertEquals(30, budget.reserveUpTo(70, 10), "only 30 left");
    assertEquals(0, budget.reserveUpTo(70, 10), "nothing left");
    budget.release(5);
    assertEquals(0, budget.reserveUpTo(70, 10), "5 left is less than the least");
    assertEquals(95, budget.used());
  }
}
