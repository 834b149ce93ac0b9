package io.tributary.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class SequenceNumberTest {

  @Test
  void hasAwsShapeAndRoundTrips() {
    String sequence = SequenceNumber.format(1_787_000_000L, 7, 123_456_789L, 1_787_000_100L);
    assertEquals(56, sequence.length());
    SequenceNumber.Fields fields = SequenceNumber.parse(sequence);
    assertEquals(new SequenceNumber.Fields(1_787_000_000L, 7, 123_456_789L, 1_787_000_100L), fields);
  }

  @Test
  void increasesWithTheOffsetWhateverTheArrivalTime() {
    BigInteger earlier = new BigInteger(SequenceNumber.format(1_787_000_000L, 3, 41, 1_787_009_999L));
    BigInteger later = new BigInteger(SequenceNumber.format(1_787_000_000L, 3, 42, 1_787_000_000L));
    assertTrue(later.compareTo(earlier) > 0);
  }

  @Test
  void decodesTheExampleFromAwsDocumentation() {
    SequenceNumber.Fields fields = SequenceNumber.parse("49546986683135544286507457936321625675700192471156785154");
    assertEquals(0, fields.shardIndex());
    assertTrue(fields.shardCreatedSeconds() > 1_400_000_000L && fields.shardCreatedSeconds() < 1_500_000_000L);
  }

  @Test
  void rejectsWhatIsNotASequenceNumber() {
    assertNull(SequenceNumber.parse("12345"));
    assertNull(SequenceNumber.parse("not a number"));
    assertNull(SequenceNumber.parse(""));
    assertNull(SequenceNumber.parse("9".repeat(130)));
  }

  @Test
  void formatsExactlyAsTheArithmeticLayoutSays() {
    java.util.Random random = new java.util.Random(188);
    for (int i = 0; i < 10_000; i++) {
      long created = random.nextLong() & ((1L << 36) - 1);
      int index = random.nextInt();
      long offset = random.nextLong() & Long.MAX_VALUE;
      long arrival = random.nextLong() & ((1L << 36) - 1);
      BigInteger expected = BigInteger.TWO.shiftLeft(184)
          .or(BigInteger.valueOf(created).shiftLeft(148))
          .or(BigInteger.valueOf(index & 0xF).shiftLeft(144))
          .or(BigInteger.valueOf(offset).shiftLeft(80))
          .or(BigInteger.valueOf(arrival).shiftLeft(36))
          .or(BigInteger.valueOf(index & 0xFFFFFFFFL).shiftLeft(4))
          .or(BigInteger.TWO);
      assertEquals(expected.toString(), SequenceNumber.format(created, index, offset, arrival));
    }
    assertEquals("0", SequenceNumber.toDecimal(0, 0, 0));
    assertEquals("1000000000", SequenceNumber.toDecimal(0, 0, 1_000_000_000L));
    assertEquals(BigInteger.ONE.shiftLeft(192).subtract(BigInteger.ONE).toString(), SequenceNumber.toDecimal(-1, -1, -1));
  }

  /** Any 192-bit value, of any length: numbers with many zero limbs and with zeros inside the nine-digit groups. */
  @Test
  void writesAnyValueInDecimalAsBigIntegerDoes() {
    java.util.Random random = new java.util.Random(192);
    for (int i = 0; i < 20_000; i++) {
      int bits = random.nextInt(193);
      BigInteger value = new BigInteger(bits, random);
      if (i % 7 == 0) value = BigInteger.TEN.pow(random.nextInt(57)).multiply(BigInteger.valueOf(random.nextInt(10)));
      if (value.bitLength() > 192) continue;
      long high = value.shiftRight(128).longValue();
      long middle = value.shiftRight(64).longValue();
      long low = value.longValue();
      assertEquals(value.toString(), SequenceNumber.toDecimal(high, middle, low), "value " + value);
    }
  }
}
