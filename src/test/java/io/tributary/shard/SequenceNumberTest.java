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
}
