package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.shard.SequenceNumber;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class AwsSequenceNumberTest {
  private static final long NOW = 1_790_000_000_000L;

  private static AwsSequenceNumber hex(String hex) {
    return AwsSequenceNumber.decode(new BigInteger(hex, 16).toString());
  }

  @Test
  void readsEveryLayoutOfAnyShard() {
    AwsSequenceNumber small = AwsSequenceNumber.decode("5");
    assertEquals(0, small.version());
    assertEquals(5, small.shardIndex(), "a small number is version 0 naming shard 5");
    assertEquals("21267647932558653966460912964485513216", AwsSequenceNumber.decode("0").text(), "printed as 2^124");
    assertEquals("26227199374821822965252748908982894592", hex("f3bb2cc3d7ff7fffffffffffffff0000").text(),
        "version 0 printed anew in its layout");
    assertEquals(2, hex("20000000000000000000000000000000000000000000002").version());
    assertEquals(1, hex("20000000000000000000000000000000000000000000001").version());
    AwsSequenceNumber largest = hex("2ffffffffff7fffffffffffffff000000000007fffffff2");
    assertEquals(0x7fffffffL, largest.shardIndex());
    String own = SequenceNumber.format(1_780_000_000L, 7, 123_456, NOW / 1000);
    AwsSequenceNumber ours = AwsSequenceNumber.decode(own);
    assertEquals(7, ours.shardIndex());
    assertEquals(1_780_000_000L, ours.createdSeconds());
    assertEquals(NOW / 1000, ours.arrivalSeconds());
    assertEquals(own, ours.text());
  }

  @Test
  void refusesWhatNoLayoutReads() {
    assertNull(hex("f".repeat(47)));
    assertNull(hex("20000000000000000000000000000000000000000000000"), "version 0 in the long form");
    assertNull(hex("20000000000000000000000000000000000000000000004"), "version 4");
    assertNull(hex("30000000000000000000000000000000000000000000001"), "leading 3");
    assertNull(hex("1ffffffffff7fffffffffffffff000000000007fffffff2"), "leading 1");
    assertNull(hex("20000000000800000000000000000000000000000000002"), "offset's first nybble 8");
    assertNull(hex("20000000000000000000000000000000000000800000002"), "shard index's first nybble 8");
    assertNull(hex("13bb2cc3d80000000000000000000000"), "version 0 created too late");
    assertNull(hex("20000000000000000000000000000000000000000000003"), "version 3: AWS fails inside; here invalid");
  }

  @Test
  void ordersWhenReadableAndNotFromTheFuture() {
    assertTrue(AwsSequenceNumber.decode("0").orders(NOW));
    assertTrue(hex("20000000000000000000000000000000000000000000001").orders(NOW), "all zero, version 1");
    assertTrue(hex("2ffffffffff7fffffffffffffff000000000007fffffff2").orders(NOW), "every field at its largest");
    assertFalse(hex("200000000000000000000000000000" + Long.toHexString(NOW / 1000 + 2) + "000000002").orders(NOW),
        "arrival in the future");
  }
}
