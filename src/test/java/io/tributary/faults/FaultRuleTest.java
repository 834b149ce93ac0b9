package io.tributary.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code faults} setting's format: operation:stream:kind:probability[:latencyMs], comma-separated. */
class FaultRuleTest {

  @Test
  void parsesRules() {
    assertEquals(List.of(
            new FaultRule("PutRecords", "*", FaultKind.PROVISIONED_THROUGHPUT_EXCEEDED, 0.05, 0),
            new FaultRule("*", "orders", FaultKind.LATENCY, 0.5, 200)),
        FaultRule.parseSetting("PutRecords:*:ProvisionedThroughputExceeded:0.05, *:orders:latency:0.5:200"));
    assertEquals(List.of(), FaultRule.parseSetting(""));
  }

  @Test
  void refusesMalformedRules() {
    assertEquals("setting 'faults': rule 'GetRecords:*:latency:1': latencyMs must be positive for a latency rule, and only for it",
        assertThrows(IllegalArgumentException.class, () -> FaultRule.parseSetting("GetRecords:*:latency:1")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> FaultRule.parseSetting("PutRecords:*:InternalFailure"));
    assertThrows(IllegalArgumentException.class, () -> FaultRule.parseSetting("PutRecord:*:InternalFailure:1.5"));
    assertThrows(IllegalArgumentException.class, () -> FaultRule.parseSetting("PutRecord:*:InternalFailure:often"));
    assertThrows(IllegalArgumentException.class, () -> FaultRule.parseSetting("Unknown:*:InternalFailure:1"));
  }
}
