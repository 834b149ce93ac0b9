package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.api.operation.OrderingSequenceNumber.Verdict;
import io.tributary.shard.SequenceNumber;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class OrderingSequenceNumberTest {
  private static final long NOW = 1_790_000_000_000L;

  private static Verdict hex(String hex) {
    return OrderingSequenceNumber.check(new BigInteger(hex, 16).toString(), NOW);
  }

  @Test
  void takesEveryLayoutOfAnyShard() {
    assertEquals(Verdict.VALID, OrderingSequenceNumber.check("0", NOW));
    assertEquals(Verdict.VALID, OrderingSequenceNumber.check("12345", NOW), "small numbers are version 0");
    assertEquals(Verdict.VALID, hex("20000000000000000000000000000000000000000000002"), "all zero, version 2");
    assertEquals(Verdict.VALID, hex("20000000000000000000000000000000000000000000001"), "all zero, version 1");
    assertEquals(Verdict.VALID, hex("2ffffffffff7fffffffffffffff000000000007fffffff2"), "every field at its largest");
    assertEquals(Verdict.VALID, OrderingSequenceNumber.check(
        SequenceNumber.format(1_780_000_000L, 7, 123_456, NOW / 1000), NOW), "one of this server's");
  }

  @Test
  void refusesWhatDoesNotDecode() {
    assertEquals(Verdict.INVALID, hex("f".repeat(47)));
    assertEquals(Verdict.INVALID, hex("20000000000000000000000000000000000000000000000"), "version 0 in the long form");
    assertEquals(Verdict.INVALID, hex("20000000000000000000000000000000000000000000004"), "version 4");
    assertEquals(Verdict.INVALID, hex("30000000000000000000000000000000000000000000001"), "leading 3");
    assertEquals(Verdict.INVALID, hex("1ffffffffff7fffffffffffffff000000000007fffffff2"), "leading 1");
    assertEquals(Verdict.INVALID, hex("20000000000800000000000000000000000000000000002"), "offset's first nybble 8");
    assertEquals(Verdict.INVALID, hex("20000000000000000000000000000000000000800000002"), "shard index's first nybble 8");
    assertEquals(Verdict.INVALID, hex("200000000000000000000000000000" + Long.toHexString(NOW / 1000 + 2) + "000000002"),
        "arrival in the future");
    assertEquals(Verdict.INVALID, hex("13bb2cc3d80000000000000000000000"), "version 0 created too late");
    assertEquals(Verdict.UNKNOWN_VERSION, hex("20000000000000000000000000000000000000000000003"));
  }
}
