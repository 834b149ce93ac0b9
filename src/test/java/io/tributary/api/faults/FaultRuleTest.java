package io.tributary.api.faults;

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

  @Test
  void refusesProbabilitiesOutsideZeroToOneAndLatenciesOutsideAMinute() {
    assertEquals("setting 'faults': rule 'PutRecord:*:InternalFailure:NaN': probability must be a number from 0 to 1, not NaN",
        assertThrows(IllegalArgumentException.class, () -> FaultRule.parseSetting("PutRecord:*:InternalFailure:NaN")).getMessage());
    assertEquals("setting 'faults': rule '*:*:InternalFailure:often': probability must be a number from 0 to 1, not 'often'",
        assertThrows(IllegalArgumentException.class, () -> FaultRule.parseSetting("*:*:InternalFailure:often")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> FaultRule.parseSetting("*:*:InternalFailure:Infinity"));
    assertThrows(IllegalArgumentException.class, () -> FaultRule.parseSetting("*:*:InternalFailure:-0.01"));
    assertEquals("setting 'faults': rule '*:*:latency:1:60001': latencyMs must be a whole number from 0 to 60000, not 60001",
        assertThrows(IllegalArgumentException.class, () -> FaultRule.parseSetting("*:*:latency:1:60001")).getMessage());
    assertEquals("setting 'faults': rule '*:*:latency:1:99999999999999999999': latencyMs must be a whole number from 0 "
        + "to 60000, not '99999999999999999999'", assertThrows(IllegalArgumentException.class,
            () -> FaultRule.parseSetting("*:*:latency:1:99999999999999999999")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> FaultRule.parseSetting("*:*:latency:1:-5"));
    assertEquals(List.of(new FaultRule("*", "*", FaultKind.LATENCY, 0, 60_000), new FaultRule("*", "*",
            FaultKind.INTERNAL_FAILURE, 1, 0)),
        FaultRule.parseSetting("*:*:latency:0:60000,*:*:InternalFailure:1"));
  }
}
